"""Kim et al. 2025, Sec. 3.1 and Figs. 1c, 4a-b: energy density against separator thickness.

The review quotes SolidPAC results (its ref. 20) without their inputs; here a
transparent stack model (:mod:`ssekit.cell`) with literature-typical,
documented parameters gives its own thresholds, which the claims compare
with the review's.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..data import read_csv
from ..physics import cell
from ..claims import Reproduction

__all__ = ["routes", "routes_on_curves", "thresholds", "claim_ncm811_350", "claim_lco_350", "claim_s_350",
           "claim_400_below_30", "claim_750_bipolar", "claim_range_20_80", "ANODE_FREE_SEPARATOR_UM",
           "claim_anodefree_wh_per_kg", "claim_anodefree_wh_per_l", "claim_rise_with_thinning",
           "threshold_steps", "claim_power_below_30", "levels", "threshold_map",
           "power_limits", "ragone",
           "sensitivity_ranges", "one_at_a_time", "claim_thickness_dominates", "global_sensitivity"]


@lru_cache(maxsize=None)
def thresholds() -> pd.DataFrame:
    """Largest separator thickness (um) meeting each target, per configuration (monopolar and bipolar).

    Cell level (the first three columns) is the geometric pouch of
    ``data/cells/common.csv`` with the volume at the larger of the charged and
    discharged thickness; the other columns show the stack alone, the flat
    packaging fractions and the stack's volume in each state.
    """
    rows = []
    for name, label in cell.CONFIGS.items():
        for bip in (0, 1):
            p = cell.load_config(name, {"bipolar": bip})
            rows.append({
                "configuration": label, "stacking": "bipolar" if bip else "monopolar",
                "350 Wh/kg": cell.threshold(p, 350), "400 Wh/kg": cell.threshold(p, 400),
                "750 Wh/L": cell.threshold(p, 750, "Wh_per_L"),
                "350 Wh/kg, stack only": cell.threshold(p, 350, "stack_Wh_per_kg"),
                "350 Wh/kg, flat packaging": cell.threshold(p, 350, "flat_Wh_per_kg"),
                "750 Wh/L, stack, discharged": cell.threshold(p, 750, "stack_Wh_per_L_discharged"),
                "750 Wh/L, stack, charged": cell.threshold(p, 750, "stack_Wh_per_L_charged"),
            })
    return pd.DataFrame(rows).set_index(["configuration", "stacking"])


def _thr(config: str, col: str, stacking: str = "monopolar") -> Reproduction:
    v = thresholds().loc[(cell.CONFIGS[config], stacking), col]
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return Reproduction(None, data="model", outcome="not reached",
                            note=f"no separator thickness reaches {col} with the documented parameters "
                                 f"(data/cells/{config}.csv, cell level, {stacking})")
    return Reproduction(float(v), data="model", note=f"cell level, {stacking}, ssekit.physics.cell with data/cells/{config}.csv")


def claim_ncm811_350() -> Reproduction:
    """Claim ``kim2025.energy.ncm811_li_350`` (Sec. 3.1, Fig. 4a): largest separator thickness for 350 Wh/kg, NCM811 | Li."""
    return _thr("ncm811_li", "350 Wh/kg")


def claim_lco_350() -> Reproduction:
    """Claim ``kim2025.energy.lco_li_350`` (Sec. 3.1, Fig. 4a): largest separator thickness for 350 Wh/kg, LiCoO2 | Li."""
    return _thr("lco_li", "350 Wh/kg")


def claim_s_350() -> Reproduction:
    """Claim ``kim2025.energy.s_li_350`` (Sec. 3.1, Fig. 4a): largest separator thickness for 350 Wh/kg, S | Li."""
    return _thr("s_li", "350 Wh/kg")


def claim_400_below_30() -> Reproduction:
    """Claim ``kim2025.energy.400_below_30`` (Sec. 2, Fig. 1c): largest separator thickness for 400 Wh/kg, NCM811 | Li (must be below 30 um)."""
    return _thr("ncm811_li", "400 Wh/kg")


def claim_750_bipolar() -> Reproduction:
    """Claim ``kim2025.energy.750_bipolar`` (Sec. 3.1, Fig. 4b): largest separator thickness for 750 Wh/L, NCM811 | Li, bipolar (must be below 200 um)."""
    return _thr("ncm811_li", "750 Wh/L", "bipolar")


def claim_range_20_80() -> Reproduction:
    """Claim ``kim2025.energy.range_20_80`` (Sec. 3.1): median 350 Wh/kg threshold of the monopolar configurations."""
    t = thresholds().xs("monopolar", level="stacking")["350 Wh/kg"]
    reached = t.dropna().astype(float)
    if reached.empty:
        return Reproduction(None, data="model", outcome="not reached", note="no configuration reaches 350 Wh/kg")
    return Reproduction(float(reached.median()), data="model", note=(
        f"{len(reached)} of {len(t)} monopolar configurations reach 350 Wh/kg; thresholds "
        + ", ".join(f"{k.split(' (')[0]} {v:.0f}" for k, v in reached.items()) + " µm"))


ANODE_FREE_SEPARATOR_UM = 20.0  # a separator at the thin end of the review's 20-80 µm


def _anodefree(col: str) -> Reproduction:
    r = cell.stack(cell.load_config("ncm811_anodefree"), ANODE_FREE_SEPARATOR_UM).iloc[0]
    return Reproduction(float(r[col]), data="model", note=(
        f"NCM811 | anode-free, {ANODE_FREE_SEPARATOR_UM:g} µm separator, cell level (stack: "
        f"{r['stack_' + col]:.0f}); discharged-state volume"))


def claim_anodefree_wh_per_kg() -> Reproduction:
    """Claim ``kim2025.energy.anodefree_wh_per_kg`` (Fig. 1a): anode-free cell-level Wh/kg."""
    return _anodefree("Wh_per_kg")


def claim_anodefree_wh_per_l() -> Reproduction:
    """Claim ``kim2025.energy.anodefree_wh_per_l`` (Fig. 1a): anode-free cell-level Wh/L."""
    return _anodefree("Wh_per_L")


def claim_rise_with_thinning() -> Reproduction:
    """Claim ``kim2025.energy.rise_with_thinning`` (Fig. 1c): energy density falls monotonically with thickness."""
    L = np.linspace(5, 200, 40)
    falls = []
    for name in cell.CONFIGS:
        r = cell.stack(cell.load_config(name), L)
        falls.append(bool((np.diff(r["Wh_per_kg"]) < 0).all() and (np.diff(r["Wh_per_L"]) < 0).all()))
    return Reproduction(all(falls), data="model", note=(
        f"{sum(falls)} of {len(falls)} configurations lose Wh/kg and Wh/L at every step from 5 to 200 µm"))


def sensitivity_ranges() -> pd.DataFrame:
    """Documented low/high ranges of the cell parameters (``data/cells/sensitivity_ranges.csv``)."""
    return read_csv("data/cells/sensitivity_ranges.csv", keep_default_na=False).set_index("name")


def one_at_a_time(config: str = "ncm811_li", base_thickness_um: float = 30.0) -> pd.DataFrame:
    """Change of cell Wh/kg when each parameter moves over its documented range, the others at default."""
    base = cell.load_config(config)
    ref = float(cell.stack(base, base_thickness_um)["Wh_per_kg"].iloc[0])
    rows = []
    for name, r in sensitivity_ranges().iterrows():
        vals = []
        for x in (r["low"], r["high"]):
            if name == "se_thickness_um":
                vals.append(float(cell.stack(base, x)["Wh_per_kg"].iloc[0]))
                continue
            over = {name: x}
            if name == "cat_se_wt":  # keep fractions summing to one: active material takes the difference
                over["cat_am_wt"] = base["cat_am_wt"].value + base["cat_se_wt"].value - x
            vals.append(float(cell.stack(cell.load_config(config, over), base_thickness_um)["Wh_per_kg"].iloc[0]))
        rows.append((name, r["low"], r["high"], r["unit"], vals[0] - ref, vals[1] - ref, abs(vals[1] - vals[0])))
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "unit", "dWh/kg at low", "dWh/kg at high",
                                       "swing (Wh/kg)"]).set_index("parameter").sort_values("swing (Wh/kg)", ascending=False)


def claim_thickness_dominates() -> Reproduction:
    """Claim ``kim2025.energy.thickness_dominates`` (Sec. 3.1): separator thickness moves energy density more than N/P ratio and catholyte fraction."""
    s = one_at_a_time()["swing (Wh/kg)"]
    g = global_sensitivity()["SRC^2"]
    ok = bool(s["se_thickness_um"] > max(s["np_ratio"], s["cat_se_wt"])
              and g["se_thickness_um"] > max(g["np_ratio"], g["cat_se_wt"]))
    return Reproduction(ok, data="model", note=(
        f"NCM811|Li over documented ranges; one at a time: thickness {s['se_thickness_um']:.0f}, N:P {s['np_ratio']:.0f}, "
        f"catholyte {s['cat_se_wt']:.0f} Wh/kg; jointly (SRC^2): {g['se_thickness_um']:.2f}, {g['np_ratio']:.2f}, "
        f"{g['cat_se_wt']:.2f}"))


def global_sensitivity(config: str = "ncm811_li", n: int = 256, seed: int = 0) -> pd.DataFrame:
    """Latin-hypercube sample of all ranged parameters at once; standardised regression coefficients (SRC).

    Every parameter of ``sensitivity_ranges.csv`` is drawn jointly (scipy's
    LatinHypercube, fixed seed); cell Wh/kg is regressed linearly on the
    standardised inputs. |SRC| ranks the parameters by their share of the
    output variance (SRC^2 sums to about R^2 when the response is near-linear).
    """
    from scipy.stats import qmc

    ranges = sensitivity_ranges()
    u = qmc.LatinHypercube(d=len(ranges), seed=seed).random(n)
    X = ranges["low"].to_numpy(float) + u * (ranges["high"] - ranges["low"]).to_numpy(float)
    base = cell.load_config(config)
    y = []
    for row in X:
        over = dict(zip(ranges.index, row))
        L = over.pop("se_thickness_um")
        over["cat_am_wt"] = base["cat_am_wt"].value + base["cat_se_wt"].value - over["cat_se_wt"]
        y.append(float(cell.stack(cell.load_config(config, over), L)["Wh_per_kg"].iloc[0]))
    y = np.asarray(y)
    Z = (X - X.mean(0)) / X.std(0)
    A = np.column_stack([np.ones(n), Z])
    coef, *_ = np.linalg.lstsq(A, (y - y.mean()) / y.std(), rcond=None)
    r2 = 1 - np.sum((A @ coef - (y - y.mean()) / y.std()) ** 2) / n
    out = pd.DataFrame({"SRC": coef[1:], "SRC^2": coef[1:] ** 2}, index=ranges.index).sort_values("SRC^2", ascending=False)
    out.attrs["R2"] = float(r2)
    return out


def routes() -> pd.DataFrame:
    """Membrane thicknesses the review reports for each fabrication route (Sec. 4.2-4.4), indexed by route."""
    return read_csv("kim2025/routes.csv").set_index("route")


def routes_on_curves(config: str = "ncm811_li", se_sigma_S_per_cm: float = 1e-3) -> pd.DataFrame:
    """Each route's reported thickness range placed on the energy and ASR curves of one configuration.

    For the thin and thick end of each route: cell-level Wh/kg and Wh/L of
    ``config`` and the separator's ASR at ``se_sigma_S_per_cm`` (dense layer).
    """
    from ..physics.asr import area_specific_resistance

    p = cell.load_config(config)
    rows = []
    for route, r in routes().iterrows():
        for end, L in (("thin end", r["thickness_low_um"]), ("thick end", r["thickness_high_um"])):
            if end == "thick end" and r["thickness_high_um"] == r["thickness_low_um"]:
                continue
            s = cell.stack(p, float(L)).iloc[0]
            rows.append((route, end, float(L), s["Wh_per_kg"], s["Wh_per_L"],
                         area_specific_resistance(float(L), se_sigma_S_per_cm)))
    return pd.DataFrame(rows, columns=["route", "end", "thickness (µm)", "cell Wh/kg", "cell Wh/L", "ASR (Ω cm²)"])


def threshold_steps(config: str = "ncm811_li") -> pd.DataFrame:
    """How each refinement of the cell model moves the 350 Wh/kg, 400 Wh/kg and 750 Wh/L thresholds (µm), one step at a time.

    Steps: a simple model (SE 1.64 g/cm3, volume at discharge, flat
    packaging), then the crystallographic SE density, the charged-state
    volume, and the geometric pouch (the book's model). Monopolar and bipolar.
    """
    steps = [("simple model: SE 1.64 g/cm³, discharged volume, flat packaging",
              {"se_density": 1.64, "volume_state": 0, "packaging": 0}),
             ("+ SE density 1.86 g/cm³ (crystallographic)", {"volume_state": 0, "packaging": 0}),
             ("+ volume at the larger of charged/discharged", {"packaging": 0}),
             ("+ geometric pouch (the book's model)", {})]
    rows = []
    for label, over in steps:
        for bip in (0, 1):
            p = cell.load_config(config, {**over, "bipolar": bip})
            rows.append({"step": label, "stacking": "bipolar" if bip else "monopolar",
                         "350 Wh/kg": cell.threshold(p, 350), "400 Wh/kg": cell.threshold(p, 400),
                         "750 Wh/L": cell.threshold(p, 750, "Wh_per_L")})
    return pd.DataFrame(rows).set_index(["step", "stacking"])


def levels(config: str = "ncm811_li", se_thickness_um: float = 30.0) -> pd.DataFrame:
    """Wh/kg and Wh/L of one design at stack, cell (flat and geometric pouch) and pack level."""
    r = cell.stack(cell.load_config(config), se_thickness_um).iloc[0]
    rows = [("stack, discharged volume", r["stack_Wh_per_kg"], r["stack_Wh_per_L_discharged"]),
            ("stack, charged volume", r["stack_Wh_per_kg"], r["stack_Wh_per_L_charged"]),
            ("cell, flat packaging fractions", r["flat_Wh_per_kg"], r["flat_Wh_per_L"]),
            ("cell, geometric pouch", r["pouch_Wh_per_kg"], r["pouch_Wh_per_L"]),
            ("pack (cell-to-pack factors)", r["pack_Wh_per_kg"], r["pack_Wh_per_L"])]
    out = pd.DataFrame(rows, columns=["level", "Wh/kg", "Wh/L"]).set_index("level")
    out.attrs["packaging_mass_share"] = float(r["packaging_mass_share"])
    return out


def _fast_threshold(p, target: float, kind: str) -> float:
    """Threshold from two evaluations: 1 / energy density is affine in the separator thickness.

    Energy does not depend on the thickness while mass and volume (stack,
    pouch, pack, either state) grow linearly with it, so
    ``1/rho(L) = a + b L`` exactly. Returns NaN when even 0.1 um falls short.
    """
    r = cell.stack(p, [1.0, 101.0])[kind].to_numpy()
    b = (1 / r[1] - 1 / r[0]) / 100.0
    a = 1 / r[0] - b
    L = (1 / target - a) / b
    return float(L) if L >= 0.1 else float("nan")


def threshold_map(config: str = "ncm811_li", target: float = 350.0, kind: str = "Wh_per_kg",
                  np_ratios=None, areal_capacities=None) -> pd.DataFrame:
    """Separator thickness threshold (um) over a grid of N:P ratio and areal capacity (NaN: unreachable).

    Parameters
    ----------
    config : str
        Cell configuration with a lithium-metal anode.
    target : float
        Energy-density target in the unit of ``kind``.
    kind : str
        Column of :func:`ssekit.physics.cell.stack`.
    np_ratios, areal_capacities : array, optional
        Grid (defaults 1.0-3.0 and 2-7 mAh/cm2).

    Returns
    -------
    pandas.DataFrame
        Index: areal capacity (mAh/cm2); columns: N:P ratio.
    """
    nps = np.linspace(1.0, 3.0, 11) if np_ratios is None else np.asarray(np_ratios, float)
    qs = np.linspace(2.0, 7.0, 11) if areal_capacities is None else np.asarray(areal_capacities, float)
    base = cell.load_config(config)
    out = np.empty((len(qs), len(nps)))
    for i, q in enumerate(qs):
        for j, n in enumerate(nps):
            p = cell.ParameterSet(base.name, dict(base))
            for k, val in (("areal_capacity", q), ("np_ratio", n)):
                p[k] = cell.Parameter(k, float(val), base[k].unit, "map", "")
            out[i, j] = _fast_threshold(p, target, kind)
    return pd.DataFrame(out, index=pd.Index(qs, name="areal capacity (mAh/cm2)"),
                        columns=pd.Index(nps, name="N:P"))


def power_limits(c_rates=(0.33, 0.5, 1.0, 2.0), max_polarisation_v: float = 0.1) -> pd.DataFrame:
    """Largest separator thickness (um) keeping the ionic polarisation under a limit, per configuration and C-rate.

    Separator ASR plus the cathode composite's ionic resistance (Bruggeman,
    ``L_cat / 3 sigma_cat``); NaN when the cathode alone exceeds the limit.
    """
    rows = []
    for name, label in cell.CONFIGS.items():
        p = cell.load_config(name)
        r = cell.stack(p, 30.0)
        row = {"configuration": label, "cathode ionic (Ω cm²)": float(r["cathode_ionic_ohm_cm2"].iloc[0]),
               "separator 30 µm (Ω cm²)": float(r["separator_ASR_ohm_cm2"].iloc[0])}
        for c in c_rates:
            t = cell.max_separator_thickness(p, c, max_polarisation_v)
            row[f"{c:g}C"] = np.nan if t is None else t
        rows.append(row)
    out = pd.DataFrame(rows).set_index("configuration")
    out.attrs["max_polarisation_v"] = max_polarisation_v
    return out


def ragone(config: str = "ncm811_li", thicknesses_um=(10, 30, 60, 100, 200), c_rates=None) -> pd.DataFrame:
    """Energy left at each C-rate (cell Wh/kg, voltage lowered by the ionic polarisation) and power (W/kg)."""
    cs = np.geomspace(0.05, 10, 40) if c_rates is None else np.asarray(c_rates, float)
    p = cell.load_config(config)
    frames = [cell.power(p, list(thicknesses_um), c).assign(c_rate=c) for c in cs]
    return pd.concat(frames, ignore_index=True)


def claim_power_below_30() -> Reproduction:
    """Claim ``kim2025.energy.below_30_power`` (Sec. 3.1): separators below 30 um are needed for competitive energy *and power*.

    Reproduced value: the largest separator (um) that keeps the ionic
    polarisation of NCM811 | Li at 1C under 0.1 V (separator ASR plus the
    cathode composite's L/(3 sigma_eff), Bruggeman). The review's 30 um is
    limit binds for power only if this is below 30 um.
    """
    t = cell.max_separator_thickness(cell.load_config("ncm811_li"), 1.0, 0.1)
    if t is None:
        return Reproduction(None, data="model", outcome="not reached",
                            note="no separator keeps NCM811|Li under 0.1 V ionic polarisation at 1C")
    return Reproduction(float(t), data="model", note=(
        "largest separator keeping NCM811|Li under 0.1 V ionic polarisation at 1C; the cathode composite "
        "(Bruggeman) carries most of the resistance, so power allows a thicker separator than energy does"))
