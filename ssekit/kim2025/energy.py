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

__all__ = ["PARAMETER_LABELS", "PARAMETER_GROUPS", "parameter_table", "routes", "routes_on_curves", "routes_sentence", "thresholds", "ANODE_FREE_SEPARATOR_UM",
           "inputs_ncm811_350", "inputs_lco_350", "inputs_s_350", "inputs_400", "inputs_750", "inputs_750_bipolar",
           "claim_threshold", "threshold_variants", "claim_bipolar_750", "inputs_range", "claim_range_20_80",
           "range_variants", "inputs_anodefree_wh_per_kg", "inputs_anodefree_wh_per_l", "claim_anodefree",
           "anodefree_variants", "inputs_rise", "claim_rise_with_thinning", "null_no_separator",
           "inputs_thickness_dominates", "claim_thickness_dominates", "thickness_dominates_variants",
           "inputs_power", "claim_power_below_30", "power_variants",
           "SIMPLE_SE_DENSITY", "threshold_steps", "levels", "threshold_map", "power_limits", "ragone",
           "sensitivity_ranges", "sensitivity_label", "one_at_a_time", "global_sensitivity"]


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


#: Reader-facing label and group of every cell parameter (the tables never show code names).
PARAMETER_LABELS = {
    "am_capacity": ("cathode", "active material specific capacity"), "am_voltage": ("cathode", "average discharge voltage"),
    "am_density": ("cathode", "active material density"), "areal_capacity": ("cathode", "areal capacity"),
    "cat_am_wt": ("cathode", "active material share of the composite (by weight)"),
    "cat_se_wt": ("cathode", "catholyte share (by weight)"), "cat_binder_wt": ("cathode", "binder share (by weight)"),
    "cat_carbon_wt": ("cathode", "carbon share (by weight)"), "cat_porosity": ("cathode", "composite porosity"),
    "am_conversion": ("cathode", "conversion cathode (1: sulfur to Li2S)"), "li2s_density": ("cathode", "Li2S density"),
    "anode": ("anode", "anode type (1 Li metal, 2 graphite, 3 Li-In, 0 anode-free)"),
    "np_ratio": ("anode", "N:P ratio (anode over cathode capacity at assembly)"),
    "li_density": ("anode", "lithium density"), "first_cycle_li_loss": ("anode", "lithium lost in the first cycle"),
    "an_capacity": ("anode", "graphite specific capacity"), "an_density": ("anode", "graphite density"),
    "an_am_wt": ("anode", "graphite share of the anode (by weight)"), "an_se_wt": ("anode", "SE share of the anode (by weight)"),
    "an_binder_wt": ("anode", "anode binder share (by weight)"), "an_carbon_wt": ("anode", "anode carbon share (by weight)"),
    "an_porosity": ("anode", "anode porosity"), "an_volume_change": ("anode", "graphite volume growth at charge"),
    "alloy_capacity": ("anode", "indium specific capacity (LiIn)"), "alloy_density": ("anode", "indium density"),
    "alloy_lattice_a": ("anode", "LiIn lattice parameter"), "alloy_volume_change": ("anode", "indium volume growth on forming LiIn"),
    "voltage_offset": ("anode", "change of cell voltage from the anode"),
    "se_density": ("separator and electrolyte", "Li6PS5Cl density"), "se_lattice_a": ("separator and electrolyte", "Li6PS5Cl lattice parameter"),
    "se_formula_units": ("separator and electrolyte", "formula units per Li6PS5Cl cell"),
    "se_sigma": ("separator and electrolyte", "ionic conductivity"), "se_porosity": ("separator and electrolyte", "separator porosity"),
    "se_binder_wt": ("separator and electrolyte", "separator binder share (by weight)"),
    "bruggeman_exponent": ("separator and electrolyte", "Bruggeman exponent"),
    "binder_density": ("separator and electrolyte", "binder density"), "carbon_density": ("cathode", "carbon density"),
    "al_thickness": ("current collectors", "Al foil thickness"), "al_density": ("current collectors", "aluminium density"),
    "cu_thickness": ("current collectors", "Cu foil thickness"), "cu_density": ("current collectors", "copper density"),
    "bipolar_cc_thickness": ("current collectors", "bipolar foil thickness"),
    "bipolar_cc_density": ("current collectors", "bipolar foil density (stainless steel)"),
    "bipolar": ("current collectors", "bipolar stacking (1) or monopolar (0)"),
    "volume_state": ("packaging and levels", "volume counted at (0 discharge, 1 charge, 2 the larger)"),
    "packaging": ("packaging and levels", "cell level from (1 geometric pouch, 0 flat fractions)"),
    "electrode_width": ("packaging and levels", "electrode width"), "electrode_length": ("packaging and levels", "electrode length"),
    "n_layers": ("packaging and levels", "unit cells per pouch"), "laminate_thickness": ("packaging and levels", "pouch wall thickness"),
    "laminate_density": ("packaging and levels", "pouch laminate density"), "seal_width": ("packaging and levels", "seal width"),
    "tab_width": ("packaging and levels", "tab width"), "tab_length": ("packaging and levels", "tab length outside the seal"),
    "tab_thickness": ("packaging and levels", "tab thickness"),
    "cell_to_pack_mass": ("packaging and levels", "pack over cell specific energy"),
    "cell_to_pack_volume": ("packaging and levels", "pack over cell energy density"),
    "packaging_mass_fraction_mono": ("packaging and levels", "flat packaging mass share, monopolar"),
    "packaging_volume_fraction_mono": ("packaging and levels", "flat packaging volume share, monopolar"),
    "packaging_mass_fraction_bipolar": ("packaging and levels", "flat packaging mass share, bipolar"),
    "packaging_volume_fraction_bipolar": ("packaging and levels", "flat packaging volume share, bipolar"),
}
PARAMETER_GROUPS = ("cathode", "separator and electrolyte", "anode", "current collectors", "packaging and levels")


def parameter_table(config: str = "ncm811_li") -> pd.DataFrame:
    """One configuration's parameters for readers: group, label, value, unit, source (whole words, no code names).

    Examples
    --------
    >>> t = parameter_table()
    >>> set(t["group"]) <= set(PARAMETER_GROUPS), "cat_am_wt" in t["parameter"].tolist()
    (True, False)
    """
    from ..tables import pretty_text, pretty_unit

    p = cell.load_config(config)
    rows = []
    for name, q in p.items():
        group, text = PARAMETER_LABELS.get(name, ("other", name.replace("_", " ")))
        unit = "–" if q.unit in ("-", "") else pretty_unit(q.unit)
        rows.append({"group": group, "parameter": text, "value": q.value, "unit": unit, "source": pretty_text(q.source)})
    out = pd.DataFrame(rows)
    out["group"] = pd.Categorical(out["group"], [*PARAMETER_GROUPS, "other"], ordered=True)
    out = out.sort_values("group", kind="stable").reset_index(drop=True)
    out["group"] = out["group"].astype(str)
    return out


# ---------------------------------------------------------------- claims (inputs, compute, variants)
#
# Every claim below follows ssekit.claims' contract: ``inputs_*()`` returns the
# parameter set(s) as data, the claim function computes from them alone, and
# the ``*_variants`` functions return the plausible model variants the chapter
# tabulates (packaging, volume state, level, LCO cut-off, lithium excess).

#: Level and volume of the default cell-level numbers, for notes.
_LEVELS = {"Wh_per_kg": "cell level (geometric pouch)", "Wh_per_L": "cell level (geometric pouch)",
           "stack_Wh_per_kg": "stack only", "stack_Wh_per_L": "stack only",
           "stack_Wh_per_L_discharged": "stack only, discharged volume",
           "stack_Wh_per_L_charged": "stack only, charged volume", "flat_Wh_per_kg": "cell level (flat packaging)",
           "flat_Wh_per_L": "cell level (flat packaging)"}
_STATES = {0: "discharged-state volume", 1: "charged-state volume", 2: "volume at the larger of the two states"}


def _describe(p, kind: str) -> str:
    level = _LEVELS.get(kind, kind)
    if kind in ("Wh_per_kg", "Wh_per_L") and int(p["packaging"].value) == 0:
        level = "cell level (flat packaging)"
    if kind.endswith("Wh_per_L") and "stack_Wh_per_L_" not in kind:
        level += ", " + _STATES[int(p["volume_state"].value)]
    return f"{level}, {'bipolar' if int(p['bipolar'].value) else 'monopolar'}"


def _set(p, **over):
    """A copy of ``p`` with some values replaced (noted as a variant)."""
    q = cell.ParameterSet(p.name, dict(p))
    for k, val in over.items():
        q[k] = cell.Parameter(k, float(val), p[k].unit, "variant", p[k].note)
    cell.validate(q)
    return q


def _threshold_inputs(config: str, target: float, kind: str, bipolar: int = 0) -> dict:
    return {"config": config, "params": cell.load_config(config, {"bipolar": bipolar}), "target": target, "kind": kind}


def inputs_ncm811_350() -> dict:
    """Inputs of ``kim2025.energy.ncm811_li_350``: NCM811 | Li parameters, 350 Wh/kg at cell level."""
    return _threshold_inputs("ncm811_li", 350.0, "Wh_per_kg")


def inputs_lco_350() -> dict:
    """Inputs of ``kim2025.energy.lco_li_350``: LiCoO2 (4.2 V) | Li, 350 Wh/kg."""
    return _threshold_inputs("lco_li", 350.0, "Wh_per_kg")


def inputs_s_350() -> dict:
    """Inputs of ``kim2025.energy.s_li_350``: S | Li, 350 Wh/kg."""
    return _threshold_inputs("s_li", 350.0, "Wh_per_kg")


def inputs_400() -> dict:
    """Inputs of ``kim2025.energy.400_below_30``: NCM811 | Li, 400 Wh/kg."""
    return _threshold_inputs("ncm811_li", 400.0, "Wh_per_kg")


def inputs_750() -> dict:
    """Inputs of ``kim2025.energy.750_wh_per_l``: NCM811 | Li monopolar, 750 Wh/L."""
    return _threshold_inputs("ncm811_li", 750.0, "Wh_per_L")


def inputs_750_bipolar() -> dict:
    """Inputs of ``kim2025.energy.750_bipolar``: NCM811 | Li, 750 Wh/L, bipolar and monopolar stacks."""
    return {**_threshold_inputs("ncm811_li", 750.0, "Wh_per_L", bipolar=1),
            "monopolar": cell.load_config("ncm811_li", {"bipolar": 0})}


def claim_threshold(inputs: dict) -> Reproduction:
    """Largest separator thickness (um) at which ``inputs['params']`` still reaches ``inputs['target']``.

    Examples
    --------
    >>> r = claim_threshold(inputs_ncm811_350())
    >>> 30 < r.value < 70, r.data
    (True, 'model')
    """
    p, kind, target = inputs["params"], inputs["kind"], float(inputs["target"])
    unit = "Wh/L" if "Wh_per_L" in kind else "Wh/kg"
    t = cell.threshold(p, target, kind)
    where = f"{_describe(p, kind)}; the book's cell model with the documented {cell.CONFIGS.get(p.name, p.name)} parameters"
    if t is None:
        return Reproduction(None, data="model", outcome="not reached",
                            note=f"no separator thickness reaches {target:g} {unit} ({where})")
    return Reproduction(float(t), data="model", note=where)


def _level_variants(inputs: dict) -> dict:
    kind = inputs["kind"]
    base = {"cell, geometric pouch (the book's model)": inputs,
            "cell, flat packaging fractions": {**inputs, "params": _set(inputs["params"], packaging=0)}}
    if "Wh_per_L" in kind:
        for state, label in ((0, "discharged"), (1, "charged")):
            base[f"cell, geometric pouch, {label} volume"] = {**inputs, "params": _set(inputs["params"], volume_state=state)}
            base[f"stack only, {label} volume"] = {**inputs, "kind": f"stack_Wh_per_L_{label}"}
    else:
        base["stack only"] = {**inputs, "kind": "stack_Wh_per_kg"}
    return base


def threshold_variants(inputs: dict) -> dict:
    """Plausible variants of a threshold: packaging (pouch or flat), level (cell or stack), volume state.

    For LiCoO2 also the 4.5 V cut-off (185 mAh/g); for S | Li also the same
    lithium excess as the oxide cells (the foil carrying the cycled lithium
    on top, N:P + 1).
    """
    out = _level_variants(inputs)
    p = inputs["params"]
    if p.name == "lco_li":
        hv = cell.load_config("lco_hv_li", {"bipolar": int(p["bipolar"].value)})
        out["LiCoO2 charged to 4.5 V (185 mAh/g)"] = {**inputs, "params": hv}
    if p.name == "s_li":
        out["same lithium excess as the oxide cells (N:P + 1)"] = {
            **inputs, "params": _set(p, np_ratio=p["np_ratio"].value + 1)}
    return out


def claim_bipolar_750(inputs: dict) -> Reproduction:
    """Claim ``kim2025.energy.750_bipolar``: does bipolar stacking move the 750 Wh/L threshold?

    In the geometric pouch a bipolar stack differs from a monopolar one only
    where the model can tell them apart: one bipolar foil per cell against
    half an Al and half a Cu foil (mass and thickness from their own
    parameters). The packaging the review credits bipolar designs with
    saving is at pack level, for which it gives no input. When both stacks
    have the same thickness the claim cannot be tested, and says so.
    """
    p, mono = inputs["params"], inputs["monopolar"]
    kind, target = inputs["kind"], float(inputs["target"])
    tb, tm = cell.threshold(p, target, kind), cell.threshold(mono, target, kind)
    rb, rm = cell.stack(p, 30.0).iloc[0], cell.stack(mono, 30.0).iloc[0]
    same = abs(rb["cc_um"] - rm["cc_um"]) < 1e-9 and int(p["packaging"].value) == 1
    fmt = lambda t: "none" if t is None else f"{t:.0f} µm"  # noqa: E731
    note = (f"750 Wh/L threshold {fmt(tb)} bipolar, {fmt(tm)} monopolar ({_describe(p, kind)}); collectors "
            f"{rb['cc_um']:.1f} µm bipolar vs {rm['cc_um']:.1f} µm monopolar per cell")
    if same:
        return Reproduction(None, data="model", checkable=False, note=(
            note + ": the geometric pouch holds both stacks in the same volume, so bipolarity cannot move "
            "the cell-level Wh/L here; the review's gain is at pack level (shared housing), for which it "
            "gives no inputs"))
    if tb is None:
        return Reproduction(None, data="model", outcome="not reached", note=note)
    return Reproduction(float(tb), data="model", note=note)


def inputs_range() -> dict:
    """Inputs of ``kim2025.energy.range_20_80``: every shipped configuration, monopolar, 350 Wh/kg."""
    return {"params": {name: cell.load_config(name) for name in cell.CONFIGS}, "target": 350.0, "kind": "Wh_per_kg"}


def claim_range_20_80(inputs: dict) -> Reproduction:
    """Claim ``kim2025.energy.range_20_80`` (Sec. 3.1): median 350 Wh/kg threshold of the configurations that reach it."""
    got = {name: cell.threshold(p, inputs["target"], inputs["kind"]) for name, p in inputs["params"].items()}
    reached = {k: v for k, v in got.items() if v is not None}
    level = _describe(next(iter(inputs["params"].values())), inputs["kind"])
    if not reached:
        return Reproduction(None, data="model", outcome="not reached", note=f"no configuration reaches 350 Wh/kg ({level})")
    return Reproduction(float(np.median(list(reached.values()))), data="model", note=(
        f"{len(reached)} of {len(got)} configurations reach 350 Wh/kg ({level}); thresholds "
        + ", ".join(f"{cell.CONFIGS[k].split(' (')[0]} {v:.0f}" for k, v in reached.items()) + " µm"))


def range_variants(inputs: dict) -> dict:
    """The range claim at cell level (pouch or flat packaging) and stack level."""
    ps = inputs["params"]
    return {"cell, geometric pouch (the book's model)": inputs,
            "cell, flat packaging fractions": {**inputs, "params": {k: _set(p, packaging=0) for k, p in ps.items()}},
            "stack only": {**inputs, "kind": "stack_Wh_per_kg"}}


ANODE_FREE_SEPARATOR_UM = 20.0  # a separator at the thin end of the review's 20-80 µm


def _anodefree_inputs(column: str) -> dict:
    return {"params": cell.load_config("ncm811_anodefree"), "separator_um": ANODE_FREE_SEPARATOR_UM, "column": column}


def inputs_anodefree_wh_per_kg() -> dict:
    """Inputs of ``kim2025.energy.anodefree_wh_per_kg``."""
    return _anodefree_inputs("Wh_per_kg")


def inputs_anodefree_wh_per_l() -> dict:
    """Inputs of ``kim2025.energy.anodefree_wh_per_l``."""
    return _anodefree_inputs("Wh_per_L")


def claim_anodefree(inputs: dict) -> Reproduction:
    """Claims ``kim2025.energy.anodefree_wh_per_kg`` / ``_wh_per_l`` (Fig. 1a): anode-free NCM811 energy density.

    The note names the level and the volume state the number is counted at,
    with the stack's discharged and charged values beside it.
    """
    p, col = inputs["params"], inputs["column"]
    r = cell.stack(p, float(inputs["separator_um"])).iloc[0]
    note = f"NCM811 | anode-free, {float(inputs['separator_um']):g} µm separator, {_describe(p, col)}"
    if col.endswith("Wh_per_L") and not col.startswith("stack_Wh_per_L_"):
        state = int(p["volume_state"].value)
        if state == 2:
            larger = "charged" if r["stack_Wh_per_L_charged"] <= r["stack_Wh_per_L_discharged"] else "discharged"
            note += f" (here the {larger} state)"
        note += (f"; stack {r['stack_Wh_per_L_discharged']:.0f} Wh/L discharged, "
                 f"{r['stack_Wh_per_L_charged']:.0f} Wh/L charged")
    return Reproduction(float(r[col]), data="model", note=note)


def anodefree_variants(inputs: dict) -> dict:
    """The anode-free numbers at cell level (pouch or flat), stack level and, for Wh/L, each volume state."""
    p, col = inputs["params"], inputs["column"]
    out = {"cell, geometric pouch (the book's model)": inputs,
           "cell, flat packaging fractions": {**inputs, "params": _set(p, packaging=0)}}
    if col == "Wh_per_L":
        for state, label in ((0, "discharged"), (1, "charged")):
            out[f"cell, geometric pouch, {label} volume"] = {**inputs, "params": _set(p, volume_state=state)}
            out[f"stack only, {label} volume"] = {**inputs, "column": f"stack_Wh_per_L_{label}"}
    else:
        out["stack only"] = {**inputs, "column": "stack_Wh_per_kg"}
    return out


def inputs_rise() -> dict:
    """Inputs of ``kim2025.energy.rise_with_thinning``: every configuration, 5-200 µm, separator counted."""
    return {"params": {name: cell.load_config(name) for name in cell.CONFIGS},
            "thickness_um": [float(x) for x in np.linspace(5, 200, 40)], "count_separator": True}


def claim_rise_with_thinning(inputs: dict) -> Reproduction:
    """Claim ``kim2025.energy.rise_with_thinning`` (Fig. 1c): Wh/kg and Wh/L fall at every step of thickness, every configuration."""
    L = np.asarray(inputs["thickness_um"], float)
    falls = []
    for p in inputs["params"].values():
        r = cell.stack(p, L, count_separator=inputs["count_separator"])
        falls.append(bool((np.diff(r["Wh_per_kg"]) < 0).all() and (np.diff(r["Wh_per_L"]) < 0).all()))
    return Reproduction(all(falls), data="model", note=(
        f"{sum(falls)} of {len(falls)} configurations lose Wh/kg and Wh/L at every step from "
        f"{L.min():g} to {L.max():g} µm" + ("" if inputs["count_separator"] else " (separator without mass or volume)")))


def null_no_separator(inputs: dict, rng) -> dict:
    """Null model: the separator has no mass and no thickness, so its thickness cannot move energy density."""
    return {**inputs, "count_separator": False}


def sensitivity_label(name: str) -> str:
    """Reader-facing name of a ranged parameter (the ``note`` of ``sensitivity_ranges.csv``, first clause).

    Examples
    --------
    >>> sensitivity_label("cat_se_wt")
    'catholyte weight fraction'
    """
    note = str(sensitivity_ranges().loc[name, "note"])
    return note.split(" (")[0] if note else name.replace("_", " ")


def sensitivity_ranges() -> pd.DataFrame:
    """Documented low/high ranges of the cell parameters (``data/cells/sensitivity_ranges.csv``)."""
    return read_csv("data/cells/sensitivity_ranges.csv", keep_default_na=False).set_index("name")


def _oat(p, ranges: pd.DataFrame, base_thickness_um: float, column: str = "Wh_per_kg",
         count_separator: bool = True) -> pd.DataFrame:
    """One-at-a-time swings of ``column`` over each parameter's range, the others at ``p``'s values."""
    def value(params, L):
        return float(cell.stack(params, L, count_separator=count_separator)[column].iloc[0])

    ref = value(p, base_thickness_um)
    rows = []
    for name, r in ranges.iterrows():
        vals = []
        for x in (float(r["low"]), float(r["high"])):
            if name == "se_thickness_um":
                vals.append(value(p, x))
                continue
            over = {name: x}
            if name == "cat_se_wt":  # keep fractions summing to one: active material takes the difference
                over["cat_am_wt"] = p["cat_am_wt"].value + p["cat_se_wt"].value - x
            vals.append(value(_set(p, **over), base_thickness_um))
        rows.append((name, r["low"], r["high"], r["unit"], vals[0] - ref, vals[1] - ref, abs(vals[1] - vals[0])))
    unit = "Wh/L" if "Wh_per_L" in column else "Wh/kg"
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "unit", f"d{unit} at low", f"d{unit} at high",
                                       f"swing ({unit})"]).set_index("parameter").sort_values(f"swing ({unit})", ascending=False)


def one_at_a_time(config: str = "ncm811_li", base_thickness_um: float = 30.0) -> pd.DataFrame:
    """Change of cell Wh/kg when each parameter moves over its documented range, the others at default."""
    return _oat(cell.load_config(config), sensitivity_ranges(), base_thickness_um)


def inputs_thickness_dominates() -> dict:
    """Inputs of ``kim2025.energy.thickness_dominates``: NCM811 | Li, the documented ranges, 30 µm base."""
    return {"params": cell.load_config("ncm811_li"), "ranges": sensitivity_ranges(), "base_thickness_um": 30.0,
            "column": "Wh_per_kg", "count_separator": True}


def claim_thickness_dominates(inputs: dict) -> Reproduction:
    """Claim ``kim2025.energy.thickness_dominates`` (Sec. 3.1): thickness moves energy density more than N/P ratio and catholyte fraction.

    One parameter at a time over its documented range (deterministic); the
    joint Latin-hypercube view of the chapter is shown beside it, not judged.
    """
    t = _oat(inputs["params"], inputs["ranges"], float(inputs["base_thickness_um"]), inputs["column"],
             inputs["count_separator"])
    s = t[t.columns[-1]]
    unit = t.columns[-1].split("(")[1].rstrip(")")
    ok = bool(s["se_thickness_um"] > max(s["np_ratio"], s["cat_se_wt"]))
    return Reproduction(ok, data="model", note=(
        f"NCM811 | Li, {_describe(inputs['params'], inputs['column'])}, one at a time over documented ranges: "
        f"thickness {s['se_thickness_um']:.0f}, N:P {s['np_ratio']:.0f}, catholyte {s['cat_se_wt']:.0f} {unit}"))


def thickness_dominates_variants(inputs: dict) -> dict:
    """The comparison on cell Wh/kg (pouch or flat), stack Wh/kg and cell Wh/L."""
    return {"cell Wh/kg, geometric pouch (the book's model)": inputs,
            "cell Wh/kg, flat packaging fractions": {**inputs, "params": _set(inputs["params"], packaging=0)},
            "stack Wh/kg": {**inputs, "column": "stack_Wh_per_kg"},
            "cell Wh/L, geometric pouch": {**inputs, "column": "Wh_per_L"}}


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
        y.append(float(cell.stack(_set(base, **over), L)["Wh_per_kg"].iloc[0]))
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


def routes_sentence(table: pd.DataFrame, target_wh_per_kg: float = 350.0, asr_limit_ohm_cm2: float = 3.75) -> str:
    """One sentence, generated from :func:`routes_on_curves`, saying which route ends reach a target and an ASR limit.

    Examples
    --------
    >>> t = pd.DataFrame({"route": ["a", "a", "b"], "end": ["thin end", "thick end", "thin end"],
    ...                   "thickness (µm)": [20, 60, 40], "cell Wh/kg": [380, 300, 351],
    ...                   "ASR (Ω cm²)": [2.0, 6.0, 4.0]})
    >>> print(routes_sentence(t))
    With these inputs, a (thin end, 20 µm) and b (40 µm) reach 350 Wh/kg; a (thin end, 20 µm) keeps the separator's ASR at or below the 3.75 Ω cm² of the review's liquid reference.
    """
    def name(r, t):
        several = (t["route"] == r["route"]).sum() > 1
        return f"{r['route']} ({r['end'] + ', ' if several else ''}{r['thickness (µm)']:g} µm)"

    def listing(rows):
        names = [name(r, table) for _, r in rows.iterrows()]
        if not names:
            return "no route"
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    hit = table[table["cell Wh/kg"] >= target_wh_per_kg]
    low = table[table["ASR (Ω cm²)"] <= asr_limit_ohm_cm2]
    verb = "reaches" if len(hit) == 1 else "reach"
    verb2 = "keeps" if len(low) <= 1 else "keep"
    return (f"With these inputs, {listing(hit)} {verb} {target_wh_per_kg:g} Wh/kg; {listing(low)} {verb2} the "
            f"separator's ASR at or below the {asr_limit_ohm_cm2:g} Ω cm² of the review's liquid reference.")


#: The Li6PS5Cl density of the simple model the threshold steps start from (g/cm3), 88 % of
#: the crystallographic value: the step shows what the density choice alone moves.
SIMPLE_SE_DENSITY = 1.64


def threshold_steps(config: str = "ncm811_li") -> pd.DataFrame:
    """How each refinement of the cell model moves the 350 Wh/kg, 400 Wh/kg and 750 Wh/L thresholds (µm), one step at a time.

    Steps: a simple model (SE 1.64 g/cm3, volume at discharge, flat
    packaging), then the crystallographic SE density, the charged-state
    volume, and the geometric pouch (the book's model). Monopolar and bipolar.
    """
    steps = [(f"simple model: SE {SIMPLE_SE_DENSITY:g} g/cm³, discharged volume, flat packaging",
              {"se_density": SIMPLE_SE_DENSITY, "volume_state": 0, "packaging": 0}),
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


def inputs_power() -> dict:
    """Inputs of ``kim2025.energy.below_30_power``: NCM811 | Li at 1C, 0.1 V allowed ionic polarisation."""
    return {"params": cell.load_config("ncm811_li"), "c_rate": 1.0, "max_polarisation_v": 0.1}


def claim_power_below_30(inputs: dict) -> Reproduction:
    """Claim ``kim2025.energy.below_30_power`` (Sec. 3.1): separators below 30 um are needed for competitive energy *and power*.

    Reproduced value: the largest separator (um) that keeps the ionic
    polarisation at the given C-rate under the allowed voltage (separator
    ASR plus the cathode composite's L/(3 sigma_eff), Bruggeman). The
    review's 30 um binds for power only if this is below 30 um.
    """
    c, dv = float(inputs["c_rate"]), float(inputs["max_polarisation_v"])
    t = cell.max_separator_thickness(inputs["params"], c, dv)
    if t is None:
        return Reproduction(None, data="model", outcome="not reached",
                            note=f"the cathode composite alone exceeds {dv:g} V of ionic polarisation at {c:g}C")
    return Reproduction(float(t), data="model", note=(
        f"largest separator keeping NCM811 | Li under {dv:g} V ionic polarisation at {c:g}C; the cathode composite "
        "(Bruggeman) carries most of the resistance"))


def power_variants(inputs: dict) -> dict:
    """The power limit at C/3, C/2 and 1C with 0.1 V allowed, and at 1C with 0.2 V.

    (At 1C with 0.05 V, or at 2C, the cathode composite alone exceeds the
    limit: no separator thickness is defined, so those are not variants of
    a thickness.)
    """
    return {"1C, 0.1 V (the book's reading)": inputs, "C/2, 0.1 V": {**inputs, "c_rate": 0.5},
            "C/3, 0.1 V": {**inputs, "c_rate": 1 / 3}, "1C, 0.2 V": {**inputs, "max_polarisation_v": 0.2}}
