"""The few unit conversions ssekit accepts in users' files and options.

A value given in a unit other than the one a quantity is stored in is
converted when the conversion is a plain factor listed here (``Ah/g`` to
``mAh/g``, ``S/m`` to ``S/cm``, ``nm`` or ``m`` to ``um``, ``%`` to a
fraction, ...), and the conversion is reported; any other unit is refused.

Examples
--------
>>> from ssekit.units import convert
>>> convert(0.2, "Ah/g", "mAh/g")
200.0
>>> convert(5, "%", "-")
0.05
>>> convert(1, "S/m", "S/cm")
0.01
"""

from __future__ import annotations

from .errors import InputError

__all__ = ["known_unit", "normalise_unit", "convert"]

_SPELLINGS = {
    "µm": "um", "μm": "um", "micron": "um", "microns": "um", "micrometre": "um", "micrometer": "um",
    "ω": "ohm", "Ω": "ohm", "ohm·cm2": "ohm cm2", "g/cc": "g/cm3", "g cm-3": "g/cm3", "g/cm^3": "g/cm3",
    "mah/g": "mAh/g", "ah/g": "Ah/g", "mah g-1": "mAh/g", "mah/cm2": "mAh/cm2", "mah cm-2": "mAh/cm2",
    "ah/cm2": "Ah/cm2", "s/cm": "S/cm", "s cm-1": "S/cm", "s/m": "S/m", "s m-1": "S/m", "ms/cm": "mS/cm",
    "ms cm-1": "mS/cm", "": "-", "1": "-", "fraction": "-", "dimensionless": "-", "percent": "%", "wt%": "%",
    "vol%": "%", "vol% xylene": "%", "vol%xylene": "%", "kg/m3": "kg/m3", "g/cm³": "g/cm3", "g cm⁻³": "g/cm3",
    "µl/mg": "uL/mg", "μl/mg": "uL/mg", "ul/mg": "uL/mg", "ml/g": "uL/mg", "s cm⁻¹": "S/cm", "ms cm⁻¹": "mS/cm",
    "kohm": "kohm", "kω": "kohm", "kΩ": "kohm", "mohm": "mohm", "kg m-3": "kg/m3", "a": "angstrom", "å": "angstrom", "Å": "angstrom",
}

# (from, to): factor
_FACTORS = {
    ("Ah/g", "mAh/g"): 1000.0, ("mAh/cm2", "mAh/cm2"): 1.0, ("Ah/cm2", "mAh/cm2"): 1000.0,
    ("S/m", "S/cm"): 0.01, ("mS/cm", "S/cm"): 1e-3,
    ("nm", "um"): 1e-3, ("mm", "um"): 1e3, ("cm", "um"): 1e4, ("m", "um"): 1e6,
    ("kg/m3", "g/cm3"): 1e-3, ("kg/L", "g/cm3"): 1.0, ("g/mL", "g/cm3"): 1.0,
    ("%", "-"): 0.01, ("-", "%"): 100.0, ("mV", "V"): 1e-3, ("kohm", "ohm"): 1e3, ("nm", "um"): 1e-3,
    ("nm", "angstrom"): 10.0, ("pm", "angstrom"): 0.01,
}


def known_unit(unit: str) -> bool:
    """Whether ``unit`` (after :func:`normalise_unit`) is one ssekit knows, so that a mismatch can be told."""
    u = normalise_unit(unit)
    return u in set(_SPELLINGS.values()) | {a for a, _ in _FACTORS} | {b for _, b in _FACTORS} | {"ohm", "V"}


def normalise_unit(unit: str) -> str:
    """One spelling per unit (``µm`` -> ``um``, blank -> ``-``, ...); unknown units are returned stripped."""
    u = " ".join(str(unit).split())
    return _SPELLINGS.get(u, _SPELLINGS.get(u.lower(), u))


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``.

    Raises
    ------
    InputError
        If no plain conversion factor between the two units is known.
    """
    a, b = normalise_unit(from_unit), normalise_unit(to_unit)
    if a == b:
        return float(value)
    if (a, b) not in _FACTORS:
        raise InputError(f"unit {from_unit!r} cannot be converted to {to_unit!r}")
    return float(value) * _FACTORS[(a, b)]
