"""Kim et al. 2025: mechanics and binders as arithmetic (Sec. 3.2, 4.2.1, 4.5; Tables 1-2).

Effective-medium model: Bruggeman, ``sigma_eff = sigma_SE * f**1.5`` with f
the electrolyte volume fraction. It is the standard closed form for
insulating, roughly spherical inclusions (binder, pores) in a conducting
matrix; the voxel chapter (Alabdali) shows it is optimistic when binder
sits at particle contacts, so losses computed here are lower bounds.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..claims import Reproduction
from ..data import load, load_parameters, read_csv
from ..physics import asr, cell

__all__ = ["measured", "inputs_li7p3s11", "inputs_lgps", "inputs_argyrodite_range", "claim_median_measured",
           "null_random_entries", "argyrodite_like", "ROOM_TEMPERATURE_C", "inputs_argyrodite_beyond_10",
           "claim_argyrodite_beyond_10", "null_permute_argyrodite", "inputs_table1", "youngs_variants",
           "inputs_monroe_newman", "claim_monroe_newman_text", "inputs_mechanics", "inputs_glass_ceramics",
           "claim_stoich_li7p3s11", "claim_stoich_li3ps4", "claim_stoich_li7ps6", "inputs_routes", "claim_routes_thinnest",
           "claim_youngs_modulus", "claim_wip_porosity", "params", "params_display", "MECHANICS_LABELS", "table1", "table1_display", "table2", "monroe_newman", "binder_volume_fraction", "relative_conductivity",
           "pib_ratio", "claim_pib_2wt", "claim_pib_sharp", "wip_gain", "claim_table1_vs_text",
           "film_at_cell_level"]


def _csv(name: str) -> pd.DataFrame:
    return read_csv(f"kim2025/{name}")


def params():
    """The review's mechanics and binder inputs (``kim2025/mechanics.csv``), with units and sources."""
    return load_parameters("kim2025/mechanics.csv")


def table1() -> pd.DataFrame:
    """The review's Table 1 (sulfide SE classes), as transcribed."""
    return _csv("table1.csv")


def _span(lo, hi, fmt) -> str:
    if pd.isna(lo):
        return "not legible"
    return fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}"


def table1_display() -> tuple[pd.DataFrame, list[str]]:
    """Table 1 for readers: one row per class with ranges in readable units, and its notes as footnotes.

    Returns the table (no column needs a scroll) and the list of notes,
    each prefixed with the class it belongs to.
    """
    t = table1()
    exp = lambda v: f"10^{np.log10(v):.0f}".replace("10^-", "10⁻").translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))  # noqa: E731
    out = pd.DataFrame({
        "class": [c if not isinstance(ty, str) or not ty else f"{c}: {ty}" for c, ty in zip(t["class"], t["type"])],
        "composition": t["composition"],
        "ionic conductivity (S cm⁻¹)": [_span(a, b, exp) for a, b in zip(t["sigma_low_S_per_cm"], t["sigma_high_S_per_cm"])],
        "shear modulus (GPa)": [_span(a, b, lambda v: f"{v:g}") for a, b in zip(t["shear_modulus_low_GPa"], t["shear_modulus_high_GPa"])],
        "refs.": t["refs"],
    })
    notes = [f"{c}: {n}" for c, n in zip(out["class"], t["note"]) if isinstance(n, str) and n]
    return out, notes


#: Reader labels of the mechanics and binder inputs.
MECHANICS_LABELS = {
    "li_shear_modulus": "shear modulus of lithium", "monroe_newman_factor": "Monroe-Newman factor (electrolyte / lithium shear modulus)",
    "text_shear_low": "lowest sulfide shear modulus in the text", "pib_density": "PIB density", "pbma_density": "PBMA density",
    "se_density": "Li6PS5Cl density", "bruggeman_exponent": "Bruggeman exponent",
    "wip_porosity_before": "porosity after uniaxial pressing", "wip_porosity_after": "porosity after WIP",
    "poisson_ratio_sulfide": "Poisson ratio of sulfides (assumed)",
}


def params_display() -> pd.DataFrame:
    """The mechanics inputs for readers: label, value, unit, source."""
    from ..tables import pretty_text, pretty_unit

    rows = [{"parameter": MECHANICS_LABELS.get(k, k.replace("_", " ")), "value": q.value,
             "unit": "–" if q.unit in ("-", "") else pretty_unit(q.unit), "source": pretty_text(q.source)}
            for k, q in params().items()]
    return pd.DataFrame(rows).set_index("parameter")


def table2() -> pd.DataFrame:
    """The review's Table 2 (fabrication routes rated), indexed by route."""
    return _csv("table2.csv").set_index("route")


def monroe_newman() -> pd.DataFrame:
    """Each Table 1 class against the Monroe-Newman criterion G_SE >= 2 G_Li."""
    p = params()
    need = p.get_value("monroe_newman_factor", "-") * p.get_value("li_shear_modulus", "GPa")
    t = table1()[["class", "type", "shear_modulus_low_GPa", "shear_modulus_high_GPa"]].copy()
    t["criterion_GPa"] = need
    known = t["shear_modulus_low_GPa"].notna()
    t["met across the range"] = np.where(known, np.where(t["shear_modulus_low_GPa"] >= need, "yes", "no"), "unknown")
    t["met at the high end"] = np.where(known, np.where(t["shear_modulus_high_GPa"] >= need, "yes", "no"), "unknown")
    return t


def binder_volume_fraction(wt_frac, binder_density: float) -> np.ndarray:
    """Binder volume fraction of the solids from its weight fraction (binder + SE)."""
    w = np.asarray(wt_frac, float)
    rho_se = params().get_value("se_density", "g/cm3")
    return (w / binder_density) / (w / binder_density + (1 - w) / rho_se)


def relative_conductivity(binder_wt=0.0, binder_density: float = 1.0, porosity=0.0) -> np.ndarray:
    """Bruggeman sigma_eff / sigma_SE for a binder weight fraction and a porosity."""
    n = params().get_value("bruggeman_exponent", "-")
    f = (1 - np.asarray(porosity, float)) * (1 - binder_volume_fraction(binder_wt, binder_density))
    return f**n


def pib_ratio(wt: float, p=None) -> float:
    """Bruggeman σ_eff/σ_SE at a PIB weight fraction ``wt`` (parameters ``p``, default the shipped set)."""
    p = params() if p is None else p
    w = float(wt)
    rho_b, rho_se = p.get_value("pib_density", "g/cm3"), p.get_value("se_density", "g/cm3")
    phi_b = (w / rho_b) / (w / rho_b + (1 - w) / rho_se)
    return float((1 - phi_b) ** p.get_value("bruggeman_exponent", "-"))


def claim_pib_2wt(inputs: dict) -> Reproduction:
    """Claim ``kim2025.binder.pib_2wt`` (Sec. 4.2.1): conductivity kept at 2 wt% PIB, relative to none."""
    return Reproduction(pib_ratio(0.02, inputs["params"]), data="model",
                        note="Bruggeman σ(2 wt% PIB)/σ(0); the 0.9 threshold for 'relatively high' is the book's reading")


def claim_pib_sharp(inputs: dict) -> Reproduction:
    """Claim ``kim2025.binder.pib_sharp`` (Sec. 4.2.1): conductivity at 5 wt% PIB relative to 2 wt%."""
    p = inputs["params"]
    r = pib_ratio(0.05, p) / pib_ratio(0.02, p)
    return Reproduction(r, data="model", note=("a bulk effective-medium model gives only a smooth loss from 2 to 5 wt% PIB; "
                                                "the review attributes the sharp drop to interfacial resistance, which it "
                                                "does not contain"))


def wip_gain() -> float:
    """Bruggeman conductivity gain from pressing porosity from 12 % to 0.15 % (WIP)."""
    p = params()
    return float(relative_conductivity(porosity=p.get_value("wip_porosity_after", "-"))
                 / relative_conductivity(porosity=p.get_value("wip_porosity_before", "-")))


def film_at_cell_level() -> pd.DataFrame:
    """Chen et al.'s 40 um film against an 800 um pellet of the powder, in an NCM811 | Li cell."""
    from ..chen2021 import analysis as chen2021

    rep = chen2021.reported()
    rows = []
    for label, L, s in (("Chen film (class 1)", rep.get_value("film_thickness", "um"), rep.get_value("film_sigma", "S/cm")),
                        ("powder pellet", rep.get_value("pellet_thickness", "um"), rep.get_value("powder_sigma", "S/cm"))):
        p = cell.load_config("ncm811_li", {"se_sigma": s, "se_porosity": 0.0})
        r = cell.stack(p, L).iloc[0]
        rows.append((label, L, s, asr.area_specific_resistance(L, s), r["Wh_per_kg"], r["Wh_per_L"]))
    return pd.DataFrame(rows, columns=["separator", "thickness_um", "sigma_S_per_cm", "ASR_ohm_cm2", "Wh_per_kg",
                                       "Wh_per_L"]).set_index("separator")


# ---------------------------------------------------------------- Sec. 2.1: materials against measured data

def _laskowski_measured() -> pd.DataFrame:
    lk = load("laskowski2023_si")
    return lk[~lk["is_fragment"] & lk["sigma_S_per_cm"].notna() & ~lk["sigma_censored"]]


def measured(composition: str) -> pd.Series:
    """Room-temperature conductivities (S/cm) of one composition in the shipped Laskowski 2023 table.

    Rows that are extraction fragments, blank or only a detection bound are left out.
    """
    lk = _laskowski_measured()
    return lk.loc[lk["composition"] == composition, "sigma_S_per_cm"].reset_index(drop=True)


def _material_inputs(*compositions: str) -> dict:
    return {"compositions": list(compositions),
            "sigma_S_per_cm": pd.concat([measured(c) for c in compositions], ignore_index=True).to_numpy(float),
            "pool_S_per_cm": _sulfides()["sigma_S_per_cm"].to_numpy(float)}


def _sulfides() -> pd.DataFrame:
    from .asr import is_sulfide

    lk = _laskowski_measured()
    return lk[[is_sulfide(c) for c in lk["composition"]]]


def inputs_li7p3s11() -> dict:
    """Inputs of ``kim2025.materials.li7p3s11``: its measured conductivities and the whole table (the null's pool)."""
    return _material_inputs("Li7P3S11")


def inputs_lgps() -> dict:
    """Inputs of ``kim2025.materials.lgps``."""
    return _material_inputs("Li10GeP2S12")


def inputs_argyrodite_range() -> dict:
    """Inputs of ``kim2025.materials.argyrodite_range``: Li6PS5Cl and Li6PS5Br."""
    return _material_inputs("Li6PS5Cl", "Li6PS5Br")


def claim_median_measured(inputs: dict) -> Reproduction:
    """Median of the measured room-temperature conductivities in ``inputs`` (claims ``kim2025.materials.*``)."""
    vals = np.asarray(inputs["sigma_S_per_cm"], float)
    names = " and ".join(inputs["compositions"])
    if len(vals) == 0:
        return Reproduction(None, data="substitute data", checkable=False, note=f"no measurement of {names} shipped")
    return Reproduction(float(np.median(vals)), data="substitute data", note=(
        f"median of {len(vals)} Laskowski 2023 entries for {names} "
        f"(range {vals.min():.2g}-{vals.max():.2g} S/cm; measurements collected from the literature, not the review's)"))


def null_random_entries(inputs: dict, rng) -> dict:
    """Null model: the compound's entries replaced by as many drawn at random from the table's sulfides (labels permuted)."""
    return {**inputs, "sigma_S_per_cm": rng.choice(np.asarray(inputs["pool_S_per_cm"], float),
                                                   size=len(inputs["sigma_S_per_cm"]), replace=False)}


#: The metalloids an argyrodite Li(7-x)M S(6-x) X(x) can hold on its P site.
_ARGYRODITE_M = ("P", "Ge", "Si", "Sb", "As", "Sn")
#: Room temperature for tables that print a temperature, °C.
ROOM_TEMPERATURE_C = (20.0, 30.0)


def argyrodite_like(formula: str) -> bool:
    """Whether a formula has argyrodite stoichiometry Li(7-x)MS(6-x)X(x), 0 <= x <= 2 (M = P, Ge, Si, Sb, As, Sn; X = halide or BH4).

    Used for the Laskowski table, which has no family column.

    Examples
    --------
    >>> argyrodite_like("Li6PS5Cl"), argyrodite_like("Li5.5PS4.5Cl1.5"), argyrodite_like("Li3PS4")
    (True, True, False)
    """
    from ..chemistry import element_amounts

    amounts = element_amounts(formula)
    if not amounts:
        return False
    a = dict(amounts)
    m = sum(a.get(e, 0.0) for e in _ARGYRODITE_M)
    if m <= 0 or "S" not in a or "O" in a:
        return False
    li, sx = a.get("Li", 0.0) / m, a["S"] / m
    x = sum(a.get(e, 0.0) for e in ("Cl", "Br", "I")) / m + a.get("B", 0.0) / m
    return 4.9 <= li <= 7.6 and 3.9 <= sx <= 6.1 and x <= 2.1 and abs((li - sx) - 1) <= 0.6


def inputs_argyrodite_beyond_10() -> dict:
    """Inputs of ``kim2025.materials.argyrodite_beyond_10``: every shipped table, room temperature, with an argyrodite flag.

    OBELiX (training split; family 'argyrodites'), Liverpool Ionics (family
    'Argyrodite', 20-30 °C) and Laskowski 2023 (argyrodite stoichiometry,
    :func:`argyrodite_like`). Each: composition, σ (S/cm), argyrodite.
    """
    ob = load("obelix_train")
    ob = ob[ob["sigma_S_per_cm"].notna() & ~ob["sigma_censored"]]
    lv = load("liverpool_ionics")
    lo, hi = ROOM_TEMPERATURE_C
    lv = lv[lv["sigma_S_per_cm"].notna() & lv["T_C"].between(lo, hi)]
    lk = _laskowski_measured()
    frame = lambda d, flag: pd.DataFrame({"composition": d["composition"].to_numpy(),  # noqa: E731
                                          "sigma_S_per_cm": d["sigma_S_per_cm"].to_numpy(float),
                                          "argyrodite": np.asarray(flag, bool)})
    return {"tables": {
        "OBELiX training split": frame(ob, ob["family"] == "argyrodites"),
        "Liverpool Ionics (20-30 °C)": frame(lv, lv["family"] == "Argyrodite"),
        "Laskowski 2023": frame(lk, [argyrodite_like(c) for c in lk["composition"]]),
    }}


def claim_argyrodite_beyond_10(inputs: dict) -> Reproduction:
    """Claim ``kim2025.materials.argyrodite_beyond_10`` (Sec. 2.1): the best measured room-temperature argyrodite in every shipped table."""
    best, parts = None, []
    for name, t in inputs["tables"].items():
        arg = t[t["argyrodite"]]
        if arg.empty:
            parts.append(f"{name}: none")
            continue
        top = arg.loc[arg["sigma_S_per_cm"].idxmax()]
        parts.append(f"{name}: {len(arg)} argyrodites, {int((arg['sigma_S_per_cm'] > 1e-2).sum())} above 10 mS/cm, "
                     f"best {top['composition']} {top['sigma_S_per_cm'] * 1e3:.3g} mS/cm")
        if best is None or top["sigma_S_per_cm"] > best[1]:
            best = (top["composition"], float(top["sigma_S_per_cm"]), name)
    if best is None:
        return Reproduction(None, data="substitute data", checkable=False, note="no argyrodite in the shipped tables")
    return Reproduction(best[1], data="substitute data", note=(
        f"best: {best[0]} ({best[2]}); " + "; ".join(parts)))


def null_permute_argyrodite(inputs: dict, rng) -> dict:
    """Null model: within each table the argyrodite flag is permuted, so 'argyrodite' marks as many random compounds."""
    return {"tables": {k: t.assign(argyrodite=rng.permutation(t["argyrodite"].to_numpy()))
                       for k, t in inputs["tables"].items()}}


def inputs_table1() -> dict:
    """Inputs of the Table 1 claims: the transcribed table and the assumed Poisson ratio."""
    return {"table1": table1(), "poisson_ratio": params().get_value("poisson_ratio_sulfide", "-"), "shear": "middle"}


def claim_youngs_modulus(inputs: dict) -> Reproduction:
    """Claim ``kim2025.mech.youngs_modulus`` (Sec. 2.2): Young's modulus implied by Table 1's shear moduli."""
    t = inputs["table1"].dropna(subset=["shear_modulus_low_GPa"])
    nu = float(inputs["poisson_ratio"])
    g = {"low": t["shear_modulus_low_GPa"], "high": t["shear_modulus_high_GPa"],
         "middle": (t["shear_modulus_low_GPa"] + t["shear_modulus_high_GPa"]) / 2}[inputs["shear"]]
    e = 2 * g * (1 + nu)
    return Reproduction(float(e.median()), data="paper inputs", note=(
        f"E = 2G(1+ν), ν = {nu:g} (assumed), G the {inputs['shear']} of each Table 1 range; per class "
        + ", ".join(f"{c} {v:.0f}" for c, v in zip(t["class"], e)) + " GPa"))


def youngs_variants(inputs: dict) -> dict:
    """Poisson ratio 0.25-0.35 and G at either end of Table 1's ranges."""
    return {"ν = 0.3, middle of each G range (the book's reading)": inputs,
            "ν = 0.25": {**inputs, "poisson_ratio": 0.25}, "ν = 0.35": {**inputs, "poisson_ratio": 0.35},
            "G at the low end of each range": {**inputs, "shear": "low"},
            "G at the high end of each range": {**inputs, "shear": "high"}}


def claim_table1_vs_text(inputs: dict) -> Reproduction:
    """Claim ``kim2025.mech.shear_range`` (Sec. 3.2 vs Table 1): lowest sulfide shear modulus in Table 1 (text: 6-11 GPa)."""
    t = inputs["table1"]
    low = float(t["shear_modulus_low_GPa"].min())
    at = ", ".join(t.loc[t["shear_modulus_low_GPa"] == low, "class"])
    return Reproduction(low, data="paper inputs", note=f"lowest shear modulus among Table 1's sulfide classes ({at}: {low:g} GPa)")


def inputs_monroe_newman() -> dict:
    """Inputs of ``kim2025.mech.monroe_newman_text``: the text's 6-11 GPa, lithium's 3.4 GPa and the factor 2."""
    return {"params": params()}


def claim_monroe_newman_text(inputs: dict) -> Reproduction:
    """Claim ``kim2025.mech.monroe_newman_text`` (Sec. 3.2): the text's lowest sulfide shear modulus against 2 x G_Li."""
    p = inputs["params"]
    need = p.get_value("monroe_newman_factor", "-") * p.get_value("li_shear_modulus", "GPa")
    low = p.get_value("text_shear_low", "GPa")
    return Reproduction(low >= need, data="paper inputs", note=(
        f"the text's 6-11 GPa starts at {low:g} GPa, below 2 × 3.4 = {need:g} GPa: the softest sulfides it quotes "
        "miss the criterion it cites" if low < need else f"{low:g} GPa ≥ {need:g} GPa"))


def inputs_mechanics() -> dict:
    """Inputs of the binder and pressing claims: the review's numbers and the book's assumptions (``kim2025/mechanics.csv``)."""
    return {"params": params()}


def claim_wip_porosity(inputs: dict | None = None) -> Reproduction:
    """Claim ``kim2025.process.wip_porosity`` (Sec. 4.5): porosity after WIP (a measurement)."""
    return Reproduction(None, data="paper inputs", checkable=False, note=(
        f"a measured porosity; no model here predicts pressing. What it is worth: Bruggeman gives "
        f"{wip_gain():.2f}x the conductivity at 0.15 % than at 12 % porosity"))


def _formula_counts(formula: str) -> dict[str, float]:
    from ..chemistry import element_amounts

    return dict(element_amounts(formula) or ())


def inputs_glass_ceramics() -> dict:
    """Inputs of the Sec. 2.1 stoichiometry claims: the three glass-ceramics and the Li2S:P2S5 ratios the review prints."""
    return {"pairs": {"Li7P3S11": (70.0, 30.0), "Li3PS4": (75.0, 25.0), "Li7PS6": (87.5, 12.5)}}


def _stoichiometry(formula: str, ratio) -> Reproduction:
    li2s, p2s5 = map(float, ratio)
    made = {"Li": 2 * li2s, "P": 2 * p2s5, "S": li2s + 5 * p2s5}
    want = _formula_counts(formula)
    scale = made["P"] / want["P"]
    ok = all(abs(made[e] / scale - want.get(e, 0.0)) < 1e-9 for e in made) and set(want) <= set(made)
    got = "".join(f"{e}{'' if made[e] / scale == 1 else format(made[e] / scale, 'g')}" for e in ("Li", "P", "S"))
    return Reproduction(bool(ok), data="paper inputs", note=(
        f"{li2s:g} Li2S + {p2s5:g} P2S5 holds Li, P and S as {got} (the formula the review names: {formula})"))


def claim_stoich_li7p3s11(inputs: dict) -> Reproduction:
    """Claim ``kim2025.chem.li7p3s11_70_30`` (Sec. 2.1): Li7P3S11 derives from 70Li2S-30P2S5."""
    return _stoichiometry("Li7P3S11", inputs["pairs"]["Li7P3S11"])


def claim_stoich_li3ps4(inputs: dict) -> Reproduction:
    """Claim ``kim2025.chem.li3ps4_75_25`` (Sec. 2.1): β-Li3PS4 derives from 75Li2S-25P2S5."""
    return _stoichiometry("Li3PS4", inputs["pairs"]["Li3PS4"])


def claim_stoich_li7ps6(inputs: dict) -> Reproduction:
    """Claim ``kim2025.chem.li7ps6_875_125`` (Sec. 2.1): HT-Li7PS6 derives from 87.5Li2S-12.5P2S5."""
    return _stoichiometry("Li7PS6", inputs["pairs"]["Li7PS6"])


def inputs_routes() -> dict:
    """Inputs of ``kim2025.routes.table2_thinnest``: Table 2's ratings and the thinnest membranes the text reports per route."""
    from .energy import routes

    return {"table2": table2(), "routes": routes()}


_RATING = {"poor": 0, "fair": 1, "good": 2, "excellent": 3}


def claim_routes_thinnest(inputs: dict) -> Reproduction:
    """Claim ``kim2025.routes.table2_thinnest`` (Table 2 vs Sec. 4.2-4.4): the route rated best for minimum thickness reports the thinnest membrane."""
    t2, r = inputs["table2"], inputs["routes"]
    key = lambda name: name.replace("scaffold support", "scaffold")  # noqa: E731
    thin = {key(k): float(v) for k, v in r["thickness_low_um"].items()}
    rating = {k: _RATING[v] for k, v in t2["achievable minimum thickness"].items()}
    best_rated = [k for k, v in rating.items() if v == max(rating.values())]
    thinnest = min(thin, key=thin.get)
    return Reproduction(thinnest in best_rated, data="paper inputs", note=(
        "rated best: " + ", ".join(best_rated) + f"; thinnest reported: {thinnest} ({thin[thinnest]:g} µm); "
        + ", ".join(f"{k} {t2.loc[k, 'achievable minimum thickness']} / {thin[k]:g} µm" for k in rating)))
