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
- energy ``Q (1 - loss) V`` (``loss``: first-cycle lithium loss, anode-free only)
- separator ASR ``L / sigma_eff`` with ``sigma_eff = sigma phi_SE^b``
  (Bruggeman, ``phi_SE`` the SE volume fraction left by porosity and binder,
  ``b = bruggeman_exponent`` = 1.5)

Two states of charge. The areal *mass* is the same in both (lithium only
moves); the *thickness* is not:

- lithium metal: the plated lithium adds ``t_Li = 3.6 M_Li / (F rho_Li)`` per
  mAh/cm2 (4.85 um; computed, not typed) at full charge; for cathodes built
  lithiated (NCM, LCO) the foil holds N:P x Q at discharge and (N:P + 1) x Q
  at charge; a sulfur cell is built charged (foil N:P x Q, N:P - 1 at
  discharge); anode-free: Q x loss of dead lithium at discharge, Q at charge
- sulfur: the utilised share ``u = q / 1672 mAh/g`` of S is Li2S at discharge
  (molar masses from periodictable, ``li2s_density``); the expansion is added
  to the cathode's thickness (none taken up by its pores: an upper bound)
- graphite: its volume grows by ``an_volume_change`` at charge
- Li-In: the indium that takes up the cathode's lithium at charge (a share
  ``1 / N:P`` of it) becomes LiIn, ``alloy_volume_change`` (+50 %, from the
  LiIn and In crystal data in ``ncm811_liin.csv``) larger
- layered oxides (NCM, LCO): volume change neglected (a few %)

The N:P ratio is the same quantity in every configuration: the capacity of
the lithium (or indium, graphite) on the anode at assembly over the
cathode's capacity. The lithium *excess* it implies is not: a lithiated
cathode (NCM, LCO) brings its own lithium, so the whole foil is excess
(``N:P x Q``); a sulfur cathode brings none, so the foil first supplies the
cycled lithium and the excess is ``(N:P - 1) x Q``. :func:`lithium_excess`
gives it; the tables show both.

``stack_Wh_per_L`` (and every volumetric result built on it, thresholds
included) uses the *larger* of the two thicknesses (``volume_state = 2``;
0 counts the discharged and 1 the charged state) -- the space a cell must
provide; ``stack_Wh_per_L_discharged`` and ``stack_Wh_per_L_charged`` are
both reported.

Three levels. *Stack*: the unit cell alone. *Cell*: ``packaging = 1`` (the
default) builds a pouch from geometry -- ``n_layers`` unit cells of
``electrode_width x electrode_length``, two laminate walls
(``laminate_thickness``, ``laminate_density``) over the footprint widened by
``seal_width`` on each side, one Al and one Cu tab (``tab_width x
(tab_length + seal_width) x tab_thickness``); the cell's volume is its box,
footprint ``(W + 2 s) x (L + 2 s + tab_length)`` times ``n T_stack + 2
t_laminate``. ``packaging = 0`` keeps the flat fractions
(``packaging_mass_fraction_*``), reported as ``flat_Wh_per_kg/L`` in any
case. *Pack*: cell x ``cell_to_pack_mass`` / ``cell_to_pack_volume``.

Power (:func:`power`): ionic resistance = separator ASR + the cathode
composite's ``L_cat / (3 sigma_cat)`` (uniform reaction, ion current falling
linearly through the electrode), ``sigma_cat = sigma phi_cat^b`` with
``phi_cat`` the catholyte's volume fraction (Bruggeman, not the voxel
model); the polarisation at C-rate c is ``c Q R``.

Examples
--------
>>> round(lithium_um_per_mah_cm2(0.534), 3)  # plated lithium per mAh/cm2
4.849
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..chemistry import molar_mass
from ..data.parameters import Parameter, ParameterSet, load_parameters
from ..errors import InputError
from ..units import convert, normalise_unit
from ..validation import check_range
from .constants import C_PER_MAH, FARADAY

__all__ = ["CONFIGS", "UM", "PARAMETER_RANGES", "INTEGER_FLAGS", "load_config", "validate", "lithium_um_per_mah_cm2",
           "lithium_g_per_mah", "sulfur_discharge_volume_ratio", "lithium_excess", "stack", "threshold", "power", "max_separator_thickness"]

CONFIGS = {
    "ncm811_li": "NCM811 | Li metal",
    "lco_li": "LiCoO2 (4.2 V) | Li metal",
    "lco_hv_li": "LiCoO2 (4.5 V) | Li metal",
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
    "alloy_volume_change": (0.0, 3.0, True, True),
    "an_volume_change": (0.0, 3.0, True, True),
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
INTEGER_FLAGS = {"bipolar": (0, 1), "anode": (0, 1, 2, 3), "volume_state": (0, 1, 2), "packaging": (0, 1),
                 "am_conversion": (0, 1)}
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
    for k in ("cell_to_pack_mass", "cell_to_pack_volume"):
        check_range(k, p[k].value, "(fraction)", 0, 1, low_inclusive=False)
    check_range("first_cycle_li_loss", p["first_cycle_li_loss"].value, "(fraction)", 0, 1, high_inclusive=False)
    for k in ("am_capacity", "am_voltage", "am_density", "areal_capacity", "se_density", "se_sigma", "li_density",
              "electrode_width", "electrode_length", "n_layers", "laminate_density", "bruggeman_exponent"):
        check_range(k, p[k].value, p[k].unit, 0, np.inf, low_inclusive=False)
    _fractions(p, "cat_")
    for k in ("laminate_thickness", "seal_width", "tab_width", "tab_length", "tab_thickness"):
        check_range(k, p[k].value, p[k].unit, 0, np.inf)
    if int(p.get("am_conversion", Parameter("am_conversion", 0, "-", "")).value) == 1:
        check_range("am_capacity", p["am_capacity"].value, "mAh/g", 0, _sulfur_capacity())
    if int(p["anode"].value) == 2:
        _fractions(p, "an_")
    if int(p["anode"].value) == 0 and p["np_ratio"].value != 0:
        raise InputError("an anode-free cell has np_ratio = 0")


@lru_cache(maxsize=None)
def lithium_g_per_mah() -> float:
    """Mass of lithium per mAh (g/mAh): ``3.6 C/mAh x M_Li / F``.

    Returns
    -------
    float
        g/mAh (the inverse, 3862 mAh/g, is lithium's theoretical capacity).
    """
    return C_PER_MAH * molar_mass("Li") / FARADAY


def lithium_um_per_mah_cm2(li_density: float = 0.534) -> float:
    """Thickness of dense lithium per mAh/cm2 of capacity, in um.

    Parameters
    ----------
    li_density : float
        Lithium density, g/cm3.

    Returns
    -------
    float
        um per mAh/cm2 (4.85 for 0.534 g/cm3).
    """
    return lithium_g_per_mah() / li_density / UM


@lru_cache(maxsize=None)
def _li2s_per_s() -> float:
    """Mass of Li2S per mass of the sulfur it holds."""
    return molar_mass("Li2S") / molar_mass("S")


@lru_cache(maxsize=None)
def _sulfur_capacity() -> float:
    """Theoretical capacity of S -> Li2S, mAh/g (1672)."""
    return 2 * FARADAY / molar_mass("S") / C_PER_MAH


def sulfur_discharge_volume_ratio(capacity: float, s_density: float = 2.07, li2s_density: float = 1.66) -> float:
    """Volume of the discharged sulfur (S + Li2S) over the volume of the sulfur it came from.

    Parameters
    ----------
    capacity : float
        Delivered capacity, mAh per g of sulfur (at most 1672).
    s_density, li2s_density : float
        Densities, g/cm3.

    Returns
    -------
    float
        Volume ratio (1.79 at full utilisation: Li2S takes 79 % more room).

    Examples
    --------
    >>> round(sulfur_discharge_volume_ratio(1671.9), 2)
    1.79
    """
    u = check_range("capacity", capacity, "mAh/g", 0, _sulfur_capacity() * (1 + 1e-9)) / _sulfur_capacity()
    li2s_per_s = _li2s_per_s()
    return float(((1 - u) / s_density + u * li2s_per_s / li2s_density) * s_density)


def lithium_excess(p: ParameterSet) -> float | None:
    """Lithium beyond what the cathode cycles, in units of the cathode's capacity (None without a lithium anode).

    ``N:P`` for a lithiated cathode (the foil is all excess), ``N:P - 1`` for
    sulfur (the foil supplies the cycled lithium first).

    Examples
    --------
    >>> lithium_excess(load_config("ncm811_li")), lithium_excess(load_config("s_li"))
    (1.5, 0.5)
    """
    if int(p["anode"].value) != 1:
        return None
    conversion = "am_conversion" in p and int(p["am_conversion"].value) == 1
    return float(p["np_ratio"].value - (1.0 if conversion else 0.0))


def _composite(p: ParameterSet, prefix: str, am_mass):
    """Areal mass (g/cm2), thickness (cm), AM and SE volumes (cm3/cm2) of a composite holding ``am_mass``."""
    w = {k: p[f"{prefix}{k}_wt"].value for k in ("am", "se", "binder", "carbon")}
    dens = {"am": p[f"{'am' if prefix == 'cat_' else 'an'}_density"].value, "se": p["se_density"].value,
            "binder": p["binder_density"].value, "carbon": p["carbon_density"].value}
    mass = am_mass / w["am"]
    vols = {k: mass * w[k] / dens[k] for k in w}
    return mass, sum(vols.values()) / (1 - p[f"{prefix}porosity"].value), vols["am"], vols["se"]


def _pouch(p: ParameterSet, unit_mass, unit_thick, energy):
    """Cell-level Wh/kg, Wh/L and packaging mass share of a pouch of ``n_layers`` unit cells (areal inputs)."""
    v = lambda k: p[k].value  # noqa: E731
    W, Lg, s, n = v("electrode_width"), v("electrode_length"), v("seal_width"), v("n_layers")
    t_lam = v("laminate_thickness") * UM
    area = W * Lg
    lam_mass = 2 * (W + 2 * s) * (Lg + 2 * s) * t_lam * v("laminate_density")
    tab_mass = v("tab_width") * (v("tab_length") + s) * v("tab_thickness") * UM * (v("al_density") + v("cu_density"))
    mass = n * area * unit_mass + lam_mass + tab_mass  # g
    volume = (W + 2 * s) * (Lg + 2 * s + v("tab_length")) * (n * unit_thick + 2 * t_lam)  # cm3
    e = n * area * energy  # mWh
    return e / mass, e / volume, (lam_mass + tab_mass) / mass


def stack(p: ParameterSet, se_thickness_um, count_separator: bool = True) -> pd.DataFrame:
    """Energy densities, both states of charge, three levels, and ionic resistances per separator thickness.

    Parameters
    ----------
    p : ParameterSet
        From :func:`load_config`.
    se_thickness_um : float or array
        Separator thickness(es), um.
    count_separator : bool
        False gives the separator neither mass nor thickness (its ASR is
        kept): the null model of the claims that energy density rises as the
        separator thins.

    Returns
    -------
    pandas.DataFrame
        One row per thickness: layer thicknesses (um, discharged; ``anode_um_charged``,
        ``cathode_um_charged``), areal masses (mg/cm2), ``stack_Wh_per_kg``,
        ``stack_Wh_per_L_discharged``, ``stack_Wh_per_L_charged``, ``stack_Wh_per_L``
        (per ``volume_state``, by default the larger thickness), cell level ``Wh_per_kg`` / ``Wh_per_L`` (per
        ``packaging``), ``pouch_*``, ``flat_*``, ``pack_*``, ``packaging_mass_share``,
        ``separator_ASR_ohm_cm2`` and ``cathode_ionic_ohm_cm2``.
    """
    L_se = check_range("se_thickness_um", se_thickness_um, "um", 0, np.inf, low_inclusive=False) * UM
    L_se = np.atleast_1d(L_se)
    v = lambda k: p[k].value  # noqa: E731
    Q = v("areal_capacity")  # mAh/cm2
    loss = v("first_cycle_li_loss")
    am_mass = Q / v("am_capacity")  # g/cm2
    cat_mass, cat_thick, cat_am_vol, cat_se_vol = _composite(p, "cat_", am_mass)
    cat_thick_ch = cat_thick
    conversion = "am_conversion" in p and int(v("am_conversion")) == 1
    if conversion:  # built charged (S); Li2S at discharge
        cat_thick_dis = cat_thick + cat_am_vol * (sulfur_discharge_volume_ratio(v("am_capacity"), v("am_density"),
                                                                                  v("li2s_density")) - 1)
    else:
        cat_thick_dis = cat_thick
    t_li = lithium_um_per_mah_cm2(v("li_density")) * UM  # cm per mAh/cm2
    anode = int(v("anode"))
    if anode == 1:
        an_mass = v("np_ratio") * Q * lithium_g_per_mah()
        foil = v("np_ratio") * Q * t_li
        an_thick_dis, an_thick_ch = (foil - Q * t_li, foil) if conversion else (foil, foil + Q * t_li)
        loss = 0.0  # the lithium reservoir makes up the first-cycle loss
    elif anode == 2:
        an_mass, an_thick, an_am_vol, _ = _composite(p, "an_", v("np_ratio") * Q / v("an_capacity"))
        an_thick_dis, an_thick_ch = an_thick, an_thick + an_am_vol * (v("an_volume_change") if "an_volume_change" in p else 0.0)
    elif anode == 3:
        an_mass = v("np_ratio") * Q / v("alloy_capacity")
        an_thick_dis = an_mass / v("alloy_density")
        grow = v("alloy_volume_change") if "alloy_volume_change" in p else 0.0
        an_thick_ch = an_thick_dis * (1 + grow * min(1.0, 1.0 / v("np_ratio")))
    else:
        an_mass, an_thick_dis, an_thick_ch = 0.0, loss * Q * t_li, Q * t_li
    rho_sep = 1 / (v("se_binder_wt") / v("binder_density") + (1 - v("se_binder_wt")) / v("se_density"))
    sep_mass = L_se * (1 - v("se_porosity")) * rho_sep * float(count_separator)
    L_counted = L_se * float(count_separator)
    if int(v("bipolar")):
        cc_mass = v("bipolar_cc_thickness") * UM * v("bipolar_cc_density")
        cc_thick = v("bipolar_cc_thickness") * UM
        pm, pv = v("packaging_mass_fraction_bipolar"), v("packaging_volume_fraction_bipolar")
    else:
        cc_mass = 0.5 * (v("al_thickness") * UM * v("al_density") + v("cu_thickness") * UM * v("cu_density"))
        cc_thick = 0.5 * (v("al_thickness") + v("cu_thickness")) * UM
        pm, pv = v("packaging_mass_fraction_mono"), v("packaging_volume_fraction_mono")
    voltage = v("am_voltage") + (v("voltage_offset") if "voltage_offset" in p else 0.0)
    energy = Q * (1 - loss) * voltage  # mWh/cm2
    mass = cat_mass + an_mass + sep_mass + cc_mass  # g/cm2
    thick_dis = cat_thick_dis + an_thick_dis + L_counted + cc_thick  # cm
    thick_ch = cat_thick_ch + an_thick_ch + L_counted + cc_thick
    state = int(v("volume_state"))
    if state not in (0, 1, 2):
        raise InputError("volume_state must be 0 (discharged), 1 (charged) or 2 (the larger of the two)")
    thick = (thick_dis, thick_ch, np.maximum(thick_dis, thick_ch))[state]
    b = v("bruggeman_exponent")
    sep_se_vol = (1 - v("se_binder_wt")) / v("se_density")
    phi_sep = (1 - v("se_porosity")) * sep_se_vol / (sep_se_vol + v("se_binder_wt") / v("binder_density"))
    sigma_sep = v("se_sigma") * phi_sep**b
    phi_cat = cat_se_vol / cat_thick
    sigma_cat = v("se_sigma") * phi_cat**b
    e_kg = energy / mass  # mWh/g == Wh/kg
    e_l = energy / thick  # mWh/cm3 == Wh/L
    pk, pl, share = _pouch(p, mass, thick, energy)
    geometric = int(v("packaging")) == 1
    flat_kg, flat_l = e_kg * (1 - pm), e_l * (1 - pv)
    cell_kg, cell_l = (pk, pl) if geometric else (flat_kg, flat_l)
    n = len(L_se)
    full = lambda x: np.broadcast_to(np.asarray(x, float), (n,))  # noqa: E731
    out = pd.DataFrame({
        "se_thickness_um": L_se / UM,
        "cathode_um": full(cat_thick_dis / UM), "anode_um": full(an_thick_dis / UM), "cc_um": full(cc_thick / UM),
        "cathode_um_charged": full(cat_thick_ch / UM), "anode_um_charged": full(an_thick_ch / UM),
        "cathode_mg_cm2": full(cat_mass * 1e3), "anode_mg_cm2": full(an_mass * 1e3), "separator_mg_cm2": sep_mass * 1e3,
        "cc_mg_cm2": full(cc_mass * 1e3),
        "stack_Wh_per_kg": e_kg,
        "stack_Wh_per_L_discharged": energy / thick_dis,
        "stack_Wh_per_L_charged": energy / thick_ch,
        "stack_Wh_per_L": e_l,
        "flat_Wh_per_kg": flat_kg, "flat_Wh_per_L": flat_l,
        "pouch_Wh_per_kg": pk, "pouch_Wh_per_L": pl,
        "packaging_mass_share": share if geometric else full(pm),
        "Wh_per_kg": cell_kg, "Wh_per_L": cell_l,
        "pack_Wh_per_kg": cell_kg * v("cell_to_pack_mass"), "pack_Wh_per_L": cell_l * v("cell_to_pack_volume"),
        "separator_ASR_ohm_cm2": L_se / sigma_sep,
        "cathode_ionic_ohm_cm2": full(cat_thick_dis / (3 * sigma_cat)),
    })
    out.attrs.update(voltage=voltage, capacity=Q * (1 - loss), sigma_sep=sigma_sep, sigma_cat=sigma_cat)
    return out


def threshold(p: ParameterSet, target: float, kind: str = "Wh_per_kg", lo_um: float = 0.1, hi_um: float = 5000.0):
    """Largest separator thickness (um) at which the cell still reaches ``target``.

    Parameters
    ----------
    p : ParameterSet
        From :func:`load_config`.
    target : float
        Energy density to reach, in the unit of ``kind``.
    kind : str
        Any energy-density column of :func:`stack`: 'Wh_per_kg' or 'Wh_per_L'
        (cell level), 'stack_...', 'pouch_...', 'flat_...', 'pack_...'.
    lo_um, hi_um : float
        Search interval, um.

    Returns
    -------
    float or None
        None when even ``lo_um`` falls short; ``hi_um`` when the target is met
        at every thickness up to it. Energy density falls strictly with
        thickness and its inverse is affine in it (energy is fixed, mass and
        volume grow linearly), so the crossing is unique and exact from two
        evaluations.
    """
    # Energy does not depend on the separator while every mass and volume (stack, pouch, flat, pack, either
    # state) grows linearly with it, so 1 / rho(L) = a + b L exactly: two evaluations give the crossing.
    r = stack(p, [lo_um, hi_um])[kind].to_numpy(float)
    if r[0] < target:
        return None
    if r[1] >= target:
        return hi_um
    b = (1 / r[1] - 1 / r[0]) / (hi_um - lo_um)
    return float(lo_um + (1 / target - 1 / r[0]) / b)


def power(p: ParameterSet, se_thickness_um, c_rate: float = 1.0) -> pd.DataFrame:
    """Ionic resistance, polarisation and the energy left at a C-rate, per separator thickness.

    Parameters
    ----------
    p : ParameterSet
        From :func:`load_config`.
    se_thickness_um : float or array
        Separator thickness(es), um.
    c_rate : float
        Discharge rate, 1/h (current density = C-rate x reversible capacity).

    Returns
    -------
    pandas.DataFrame
        Per thickness: ``separator_ASR_ohm_cm2``, ``cathode_ionic_ohm_cm2``,
        ``polarisation_V`` (ohmic, ionic paths only), ``Wh_per_kg_at_rate`` (cell
        level, the voltage lowered by the polarisation) and ``W_per_kg``.
    """
    check_range("c_rate", c_rate, "1/h", 0, 100, low_inclusive=False)
    r = stack(p, se_thickness_um)
    current = c_rate * r.attrs["capacity"] * 1e-3  # A/cm2
    out = r[["se_thickness_um", "separator_ASR_ohm_cm2", "cathode_ionic_ohm_cm2", "Wh_per_kg"]].copy()
    out["current_mA_cm2"] = current * 1e3
    out["polarisation_V"] = current * (out["separator_ASR_ohm_cm2"] + out["cathode_ionic_ohm_cm2"])
    share = np.clip(1 - out["polarisation_V"] / r.attrs["voltage"], 0, None)
    out["Wh_per_kg_at_rate"] = out["Wh_per_kg"] * share
    out["W_per_kg"] = out["Wh_per_kg_at_rate"] * c_rate
    return out


def max_separator_thickness(p: ParameterSet, c_rate: float, max_polarisation_v: float):
    """Largest separator thickness (um) keeping the ionic polarisation at ``c_rate`` below ``max_polarisation_v``.

    ``L_max = sigma_sep (dV / I - R_cathode)``: separator ASR plus the cathode
    composite's ionic resistance (Bruggeman) times the current must stay
    under the limit.

    Parameters
    ----------
    p : ParameterSet
        From :func:`load_config`.
    c_rate : float
        Discharge rate, 1/h.
    max_polarisation_v : float
        Allowed ohmic (ionic) polarisation, V.

    Returns
    -------
    float or None
        Thickness in um, or None when the cathode alone already exceeds the limit.
    """
    check_range("max_polarisation_v", max_polarisation_v, "V", 0, 5, low_inclusive=False)
    r = power(p, 1.0, c_rate)
    current = float(r["current_mA_cm2"].iloc[0]) * 1e-3
    sigma_sep = float(UM / r["separator_ASR_ohm_cm2"].iloc[0])
    room = max_polarisation_v / current - float(r["cathode_ionic_ohm_cm2"].iloc[0])
    return None if room <= 0 else room * sigma_sep / UM
