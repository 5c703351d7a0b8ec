"""Cell-stack energy density and separator resistance against electrolyte thickness.

A transparent, per-unit-area model of an all-solid-state cell (in the spirit of
the SolidPAC calculations that Kim et al. 2025, doi:10.1021/acsaem.5c02250,
Sec. 3.1, summarise). Every default lives in ``ssekit/data/cells/*.csv``
(name, value, unit, source); ``common.csv`` holds shared materials and a
configuration file (``ncm811_li``, ``lco_li``, ``s_li``, ``ncm811_graphite``,
``ncm811_anodefree``) adds the electrodes. Any value can be overridden.

Units convention: inputs are in the units their parameter file declares
(um, g/cm3, mAh/g, mAh/cm2, V, S/cm, dimensionless fractions); internally
lengths are converted to cm once, so areal masses are g/cm2, areal energies
mWh/cm2, and results are Wh/kg, Wh/L and ohm cm2. A plain convention (unit
in every parameter name's file entry, checked by ``get_value``) is enough for
this handful of quantities; pint would add a dependency for no extra safety
here.

Per unit area of one cell (monopolar: double-sided electrodes, so half of an
Al and half of a Cu foil per cell; bipolar: one bipolar foil per cell):

- cathode: active mass ``m_AM = Q / q_AM``; composite mass ``m_AM / w_AM``;
  thickness = solid volume / (1 - porosity)
- separator: thickness L, mass ``L (1 - eps) rho_mix`` (SE + binder)
- anode: lithium ``N:P * Q / q_Li`` (none when anode-free), a graphite
  composite sized like the cathode, or a Li-In alloy foil ``N:P * Q / q_In``
- energy ``Q * V``; cell level divides by (1 - packaging fraction)
- separator ASR ``L / sigma_eff`` with ``sigma_eff = sigma (1 - eps)^1.5``
  (Bruggeman, for the separator's residual porosity and binder)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ..data.parameters import Parameter, ParameterSet, load_parameters
from ..errors import InputError
from ..validation import check_range

__all__ = ["CONFIGS", "UM", "load_config", "validate", "stack", "threshold"]

CONFIGS = {
    "ncm811_li": "NCM811 | Li metal",
    "lco_li": "LiCoO2 | Li metal",
    "s_li": "S | Li metal",
    "ncm811_graphite": "NCM811 | graphite (ASSB Li-ion)",
    "ncm811_anodefree": "NCM811 | anode-free",
    "ncm811_liin": "NCM811 | Li-In (lab reference)",
}
UM = 1e-4  # cm per um


def load_config(name: str, overrides: dict[str, float] | None = None, path=None) -> ParameterSet:
    """Shared materials plus one configuration, with optional overrides (same units as the files)."""
    if path is None and name not in CONFIGS:
        raise InputError(f"unknown cell configuration {name!r}; shipped: {', '.join(CONFIGS)} (or give your own file)")
    common = load_parameters("data/cells/common.csv")
    cfg = load_parameters(path if path is not None else f"data/cells/{name}.csv", name)
    params = ParameterSet(name, {**common, **cfg})
    for key, value in (overrides or {}).items():
        if key not in params:
            raise InputError(f"unknown cell parameter {key!r}; known: {', '.join(sorted(params))}")
        p = params[key]
        params[key] = Parameter(key, float(value), p.unit, "user override", p.note)
    validate(params)
    return params


def _fractions(p: ParameterSet, prefix: str) -> None:
    keys = [k for k in p if k.startswith(prefix) and k.endswith("_wt")]
    for k in keys:
        check_range(k, p[k].value, "(weight fraction)", 0, 1)
    total = sum(p[k].value for k in keys)
    if abs(total - 1) > 1e-6:
        raise InputError(f"weight fractions {', '.join(keys)} sum to {total:g}; they must sum to 1")


def validate(p: ParameterSet) -> None:
    """Refuse impossible designs with a message naming the parameter, unit and range."""
    for k in ("cat_porosity", "se_porosity", "an_porosity"):
        if k in p:
            check_range(k, p[k].value, "(volume fraction)", 0, 1, high_inclusive=False)
    for k in ("packaging_mass_fraction_mono", "packaging_volume_fraction_mono",
              "packaging_mass_fraction_bipolar", "packaging_volume_fraction_bipolar"):
        check_range(k, p[k].value, "(fraction)", 0, 1, high_inclusive=False)
    for k in ("am_capacity", "am_voltage", "am_density", "areal_capacity", "se_density", "se_sigma"):
        check_range(k, p[k].value, p[k].unit, 0, np.inf, low_inclusive=False)
    check_range("np_ratio", p["np_ratio"].value, "(dimensionless)", 0, 100)
    check_range("se_binder_wt", p["se_binder_wt"].value, "(weight fraction)", 0, 1, high_inclusive=False)
    _fractions(p, "cat_")
    if int(p["anode"].value) == 2:
        _fractions(p, "an_")
    if int(p["anode"].value) not in (0, 1, 2, 3):
        raise InputError("anode must be 0 (anode-free), 1 (lithium metal), 2 (graphite composite) or 3 (Li-In alloy)")
    if int(p["anode"].value) == 0 and p["np_ratio"].value != 0:
        raise InputError("an anode-free cell has np_ratio = 0")


def _composite(p: ParameterSet, prefix: str, am_mass):
    """Areal mass (g/cm2) and thickness (cm) of a composite electrode holding ``am_mass`` of active material."""
    w = {k: p[f"{prefix}{k}_wt"].value for k in ("am", "se", "binder", "carbon")}
    dens = {"am": p[f"{'am' if prefix == 'cat_' else 'an'}_density"].value, "se": p["se_density"].value,
            "binder": p["binder_density"].value, "carbon": p["carbon_density"].value}
    mass = am_mass / w["am"]
    solid_volume = sum(mass * w[k] / dens[k] for k in w)
    return mass, solid_volume / (1 - p[f"{prefix}porosity"].value)


def stack(p: ParameterSet, se_thickness_um) -> pd.DataFrame:
    """Energy densities and separator ASR for separator thickness(es) in um.

    Returns one row per thickness with layer thicknesses (um), areal masses
    (mg/cm2), stack and cell gravimetric (Wh/kg) and volumetric (Wh/L) energy
    density, and the separator ASR (ohm cm2).
    """
    L_se = check_range("se_thickness_um", se_thickness_um, "um", 0, np.inf, low_inclusive=False) * UM
    L_se = np.atleast_1d(L_se)
    v = lambda k: p[k].value  # noqa: E731
    Q = v("areal_capacity")  # mAh/cm2
    am_mass = Q / v("am_capacity")  # g/cm2
    cat_mass, cat_thick = _composite(p, "cat_", am_mass)
    anode = int(v("anode"))
    if anode == 1:
        an_mass = v("np_ratio") * Q / v("li_capacity")
        an_thick = an_mass / v("li_density")
    elif anode == 2:
        an_mass, an_thick = _composite(p, "an_", v("np_ratio") * Q / v("an_capacity"))
    elif anode == 3:
        an_mass = v("np_ratio") * Q / v("alloy_capacity")
        an_thick = an_mass / v("alloy_density")
    else:
        an_mass, an_thick = 0.0, 0.0
    rho_sep = 1 / (v("se_binder_wt") / v("binder_density") + (1 - v("se_binder_wt")) / v("se_density"))
    sep_mass = L_se * (1 - v("se_porosity")) * rho_sep
    if int(v("bipolar")):
        cc_mass = v("bipolar_cc_thickness") * UM * v("bipolar_cc_density")
        cc_thick = v("bipolar_cc_thickness") * UM
        pm, pv = v("packaging_mass_fraction_bipolar"), v("packaging_volume_fraction_bipolar")
    else:
        cc_mass = 0.5 * (v("al_thickness") * UM * v("al_density") + v("cu_thickness") * UM * v("cu_density"))
        cc_thick = 0.5 * (v("al_thickness") + v("cu_thickness")) * UM
        pm, pv = v("packaging_mass_fraction_mono"), v("packaging_volume_fraction_mono")
    voltage = v("am_voltage") + (v("voltage_offset") if "voltage_offset" in p else 0.0)
    energy = Q * voltage  # mWh/cm2
    mass = cat_mass + an_mass + sep_mass + cc_mass  # g/cm2
    thick = cat_thick + an_thick + L_se + cc_thick  # cm
    sigma_eff = v("se_sigma") * (1 - v("se_porosity")) ** 1.5
    out = pd.DataFrame({
        "se_thickness_um": L_se / UM,
        "cathode_um": cat_thick / UM, "anode_um": an_thick / UM, "cc_um": cc_thick / UM,
        "cathode_mg_cm2": cat_mass * 1e3, "anode_mg_cm2": an_mass * 1e3, "separator_mg_cm2": sep_mass * 1e3,
        "cc_mg_cm2": cc_mass * 1e3,
        "stack_Wh_per_kg": energy / mass,  # mWh/g == Wh/kg
        "stack_Wh_per_L": energy / thick,  # mWh/cm3 == Wh/L
    })
    out["Wh_per_kg"] = out["stack_Wh_per_kg"] * (1 - pm)
    out["Wh_per_L"] = out["stack_Wh_per_L"] * (1 - pv)
    out["separator_ASR_ohm_cm2"] = L_se / sigma_eff
    return out


def threshold(p: ParameterSet, target: float, kind: str = "Wh_per_kg", lo_um: float = 0.1, hi_um: float = 5000.0):
    """Largest separator thickness (um) at which the cell still reaches ``target``.

    ``kind`` is 'Wh_per_kg' or 'Wh_per_L' (cell level; 'stack_...' for the
    stack alone). Returns None when even a 0.1 um separator falls short, and
    ``hi_um`` when the target is met at every thickness up to it. Energy
    density falls strictly with thickness, so the crossing is unique.
    """
    f = lambda L: float(stack(p, L)[kind].iloc[0]) - target  # noqa: E731
    if f(lo_um) < 0:
        return None
    if f(hi_um) >= 0:
        return hi_um
    return float(brentq(f, lo_um, hi_um, xtol=1e-6))
