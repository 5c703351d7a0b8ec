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

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ..data.parameters import Parameter, ParameterSet, load_parameters
from ..units import convert, normalise_unit
from ..errors import InputError
from ..validation import check_range

__all__ = ["CONFIGS", "UM", "PARAMETER_RANGES", "INTEGER_FLAGS", "load_config", "validate", "stack", "threshold"]

CONFIGS = {
    "ncm811_li": "NCM811 | Li metal",
    "lco_li": "LiCoO2 | Li metal",
    "s_li": "S | Li metal",
    "ncm811_graphite": "NCM811 | graphite (ASSB Li-ion)",
    "ncm811_anodefree": "NCM811 | anode-free",
    "ncm811_liin": "NCM811 | Li-In (lab reference)",
}
UM = 1e-4  # cm per um


#: Allowed range of each cell parameter, in the unit of the shipped files:
#: ``name: (low, high, low_inclusive, high_inclusive)``. Integer flags are in
#: :data:`INTEGER_FLAGS`. Bounds are physical: densities of real solids
#: (0.1-25 g/cm3), foils and layers thicker than 0.1 um, specific capacities up
#: to lithium metal's 3860 mAh/g, and a separator conductivity up to 0.05 S/cm,
#: twice the highest room-temperature value in the OBELiX data (0.025 S/cm),
#: so that a value in S/m (100 times too large) is caught.
PARAMETER_RANGES = {
    "se_sigma": (1e-10, 0.05, True, True),
    "am_voltage": (0.0, 6.0, False, True),
    "voltage_offset": (-5.0, 5.0, True, True),
    "areal_capacity": (0.01, 100.0, True, True),
    "np_ratio": (0.0, 100.0, True, True),
    **{k: (0.1, 25.0, True, True) for k in ("se_density", "binder_density", "carbon_density", "al_density",
                                             "cu_density", "bipolar_cc_density", "li_density", "am_density",
                                             "an_density", "alloy_density")},
    **{k: (0.1, 1000.0, True, True) for k in ("al_thickness", "cu_thickness", "bipolar_cc_thickness")},
    **{k: (10.0, 4000.0, True, True) for k in ("li_capacity", "am_capacity", "an_capacity", "alloy_capacity")},
    **{k: (0.0, 1.0, True, False) for k in ("se_porosity", "cat_porosity", "an_porosity", "se_binder_wt",
                                             "packaging_mass_fraction_mono", "packaging_volume_fraction_mono",
                                             "packaging_mass_fraction_bipolar", "packaging_volume_fraction_bipolar")},
}
#: Parameters that must be whole numbers, with their allowed values.
INTEGER_FLAGS = {"bipolar": (0, 1), "anode": (0, 1, 2, 3)}
#: Parameters a configuration needs besides the shared ones, by anode type.
_ANODE_NEEDS = {2: ("an_capacity", "an_density", "an_am_wt", "an_se_wt", "an_binder_wt", "an_carbon_wt", "an_porosity"),
                3: ("alloy_capacity", "alloy_density")}
_BASE_NEEDS = ("am_capacity", "am_voltage", "am_density", "areal_capacity", "cat_am_wt", "cat_se_wt", "cat_binder_wt",
               "cat_carbon_wt", "cat_porosity", "anode", "np_ratio")


@lru_cache(maxsize=1)
def _shipped_units() -> dict[str, str]:
    """Every parameter name the shipped files use, with its unit there."""
    units: dict[str, str] = {}
    for f in ["common", *CONFIGS]:
        units.update({k: v.unit for k, v in load_parameters(f"data/cells/{f}.csv").items()})
    return units


def _in_unit(param: Parameter, origin: str, notes: list[str]) -> Parameter:
    """``param`` in the unit the model uses: converted (with a note) or refused."""
    units = _shipped_units()
    if param.name not in units:
        raise InputError(f"{origin}: unknown cell parameter {param.name!r}; known: {', '.join(sorted(units))}")
    want = units[param.name]
    if normalise_unit(param.unit) == normalise_unit(want):
        return Parameter(param.name, param.value, want, param.source, param.note)
    try:
        value = convert(param.value, param.unit, want)
    except InputError:
        raise InputError(f"{origin}: {param.name} is given in {param.unit!r}, which cannot be converted to the "
                         f"model's unit {want!r}; give it in {want}") from None
    notes.append(f"note: {origin}: {param.name} = {param.value:g} {param.unit} converted to {value:g} {want}")
    return Parameter(param.name, value, want, param.source, param.note)


def _check_parameter(param: Parameter, origin: str = "") -> None:
    """Refuse a non-finite, non-integer flag or out-of-range value, naming parameter, unit and range."""
    where = f"{origin}: " if origin else ""
    v = param.value
    unit = param.unit if param.unit not in ("-", "") else "(dimensionless)"
    if not np.isfinite(v):
        raise InputError(f"{where}{param.name} = {v} {unit} is not a finite number")
    if param.name in INTEGER_FLAGS:
        allowed = INTEGER_FLAGS[param.name]
        if v not in allowed:
            raise InputError(f"{where}{param.name} = {v:g} is not allowed; it is an integer flag, one of "
                             f"{', '.join(map(str, allowed))}")
    elif param.name in PARAMETER_RANGES:
        lo, hi, lo_in, hi_in = PARAMETER_RANGES[param.name]
        try:
            check_range(param.name, v, unit, lo, hi, low_inclusive=lo_in, high_inclusive=hi_in)
        except InputError as exc:
            raise InputError(f"{where}{exc}") from None
    elif param.name.endswith("_wt"):
        try:
            check_range(param.name, v, "(weight fraction)", 0, 1)
        except InputError as exc:
            raise InputError(f"{where}{exc}") from None


def load_config(name: str, overrides: dict[str, float | tuple[float, str]] | None = None, path=None) -> ParameterSet:
    """Shared materials plus one configuration, with optional overrides, every parameter validated.

    Parameters
    ----------
    name : str
        A shipped configuration (see :data:`CONFIGS`), or the name for ``path``.
    overrides : dict, optional
        ``{name: value}`` in the unit of the shipped files, or
        ``{name: (value, unit)}``: a unit listed in :mod:`ssekit.units` is
        converted (and noted in the returned set's ``notes``), another refused.
    path : str or Path, optional
        A user's configuration file (name, value, unit, source). Its units are
        converted or refused the same way; unknown names are refused.

    Raises
    ------
    InputError
        Naming the file or override, the parameter, its unit and allowed range.
    """
    if path is None and name not in CONFIGS:
        raise InputError(f"unknown cell configuration {name!r}; shipped: {', '.join(CONFIGS)} (or give your own file)")
    notes: list[str] = []
    common = load_parameters("data/cells/common.csv")
    cfg = load_parameters(path if path is not None else f"data/cells/{name}.csv", name)
    if path is not None:
        notes += cfg.notes
        cfg = {k: _in_unit(v, f"parameter file {path}", notes) for k, v in cfg.items()}
    params = ParameterSet(name, {**common, **cfg})
    for key, value in (overrides or {}).items():
        if key not in params:
            raise InputError(f"unknown cell parameter {key!r}; known: {', '.join(sorted(params))}")
        value, unit = value if isinstance(value, tuple) else (value, params[key].unit)
        params[key] = _in_unit(Parameter(key, float(value), unit, "user override", params[key].note),
                               f"--set {key}", notes)
    origin = {k: f"parameter file {path}" for k in cfg} if path is not None else {}
    origin.update({k: f"--set {k}" for k in (overrides or {})})
    _require(params, f"parameter file {path}" if path is not None else f"configuration {name}")
    for key, p in params.items():
        _check_parameter(p, origin.get(key, ""))
    validate(params)
    params.notes = notes
    return params


def _require(p: ParameterSet, origin: str) -> None:
    needs = list(_BASE_NEEDS)
    anode = p["anode"].value if "anode" in p else None
    if anode in _ANODE_NEEDS:
        needs += _ANODE_NEEDS[anode]
    missing = [k for k in needs if k not in p]
    if missing:
        units = _shipped_units()
        listed = ", ".join(f"{k} ({units.get(k, '-')})" for k in missing)
        raise InputError(f"{origin} lacks {listed}")


def _fractions(p: ParameterSet, prefix: str) -> None:
    keys = [k for k in p if k.startswith(prefix) and k.endswith("_wt")]
    for k in keys:
        check_range(k, p[k].value, "(weight fraction)", 0, 1)
    total = sum(p[k].value for k in keys)
    if abs(total - 1) > 1e-6:
        raise InputError(f"weight fractions {', '.join(keys)} sum to {total:g}; they must sum to 1")


def validate(p: ParameterSet) -> None:
    """Refuse impossible designs with a message naming the parameter, unit and range.

    Every parameter is checked on its own (finite, in :data:`PARAMETER_RANGES`,
    integer flags in :data:`INTEGER_FLAGS`), then the design as a whole
    (weight fractions sum to one, an anode-free cell has no lithium excess).
    """
    for param in p.values():
        _check_parameter(param)
    for k in ("packaging_mass_fraction_mono", "packaging_volume_fraction_mono",
              "packaging_mass_fraction_bipolar", "packaging_volume_fraction_bipolar"):
        check_range(k, p[k].value, "(fraction)", 0, 1, high_inclusive=False)
    for k in ("am_capacity", "am_voltage", "am_density", "areal_capacity", "se_density", "se_sigma"):
        check_range(k, p[k].value, p[k].unit, 0, np.inf, low_inclusive=False)
    _fractions(p, "cat_")
    if int(p["anode"].value) == 2:
        _fractions(p, "an_")
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
