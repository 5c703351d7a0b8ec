"""Compositions and unit cells: formula parsing and cell volume.

Formula parsing uses ``periodictable.formula``: a small, pure-Python,
long-maintained package that reads fractional stoichiometries and groups
such as ``Li1.3Al0.3Ti1.7(PO4)3``; pymatgen would do the same but brings
well over a hundred megabytes of dependencies for these functions.

Examples
--------
>>> element_fractions("Li3PS4")
(('Li', 0.375), ('P', 0.125), ('S', 0.5))
>>> same_composition("Li6PS5Cl", "Li12P2S10Cl2")
True
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .errors import InputError

__all__ = ["cell_volume", "crystal_density", "molar_mass", "element_fractions", "same_composition"]

# --------------------------------------------------------------------------


def cell_volume(a, b, c, alpha, beta, gamma):
    """Unit-cell volume in A^3 from lattice lengths (A) and angles (degrees).

    ``V = a b c sqrt(1 - cos^2 al - cos^2 be - cos^2 ga + 2 cos al cos be cos ga)``

    >>> round(cell_volume(2, 2, 2, 90, 90, 90), 9)
    8.0
    """
    al, be, ga = (np.radians(np.asarray(x, float)) for x in (alpha, beta, gamma))
    ca, cb, cg = np.cos(al), np.cos(be), np.cos(ga)
    root = 1 - ca**2 - cb**2 - cg**2 + 2 * ca * cb * cg
    if np.any(np.asarray(root) <= 0):
        raise InputError("lattice angles (degree) do not describe a cell: 1 - sum cos^2 + 2 prod cos must be > 0")
    out = np.asarray(a, float) * np.asarray(b, float) * np.asarray(c, float) * np.sqrt(root)
    return out if np.ndim(out) else float(out)


def molar_mass(formula: str) -> float:
    """Molar mass in g/mol of a chemical formula (standard atomic weights from ``periodictable``).

    Parameters
    ----------
    formula : str
        A formula such as ``"Li6PS5Cl"``.

    Returns
    -------
    float
        Molar mass, g/mol.

    Raises
    ------
    InputError
        If the formula cannot be read.

    Examples
    --------
    >>> round(molar_mass("Li2S"), 2)
    45.94
    """
    import periodictable

    try:
        return float(periodictable.formula(str(formula).strip()).mass)
    except Exception:  # periodictable raises pyparsing and value errors for bad text
        raise InputError(f"cannot read the chemical formula {formula!r}") from None


def crystal_density(formula: str, volume_A3: float, z: int) -> float:
    """Crystallographic (X-ray) density in g/cm3: ``Z M / (N_A V_cell)``.

    Parameters
    ----------
    formula : str
        Formula unit, e.g. ``"Li6PS5Cl"``.
    volume_A3 : float
        Unit-cell volume in A^3 (see :func:`cell_volume`).
    z : int
        Formula units per unit cell.

    Returns
    -------
    float
        Density, g/cm3.

    Examples
    --------
    Cubic argyrodite Li6PS5Cl, a = 9.85 A, Z = 4:

    >>> round(crystal_density("Li6PS5Cl", cell_volume(9.85, 9.85, 9.85, 90, 90, 90), 4), 3)
    1.865
    """
    from .physics.constants import AVOGADRO

    if not volume_A3 > 0 or not z > 0:
        raise InputError("unit-cell volume (A^3) and Z must be positive")
    return z * molar_mass(formula) / (AVOGADRO * volume_A3 * 1e-24)


@lru_cache(maxsize=8192)
def element_fractions(formula: str) -> tuple[tuple[str, float], ...] | None:
    """Normalised composition: ((element, atom fraction), ...) sorted, or None if unparseable."""
    import periodictable

    if not isinstance(formula, str) or not formula.strip():
        return None
    try:
        atoms = periodictable.formula(formula.strip().replace(" ", "")).atoms
    except Exception:  # periodictable raises pyparsing and value errors for bad text
        return None
    total = float(sum(atoms.values()))
    if total <= 0:
        return None
    return tuple(sorted((str(el), round(float(n) / total, 6)) for el, n in atoms.items()))


def same_composition(f1: str, f2: str, tol: float = 2e-3) -> bool:
    """True when two formulas have the same elements with atom fractions within ``tol``."""
    a, b = element_fractions(f1), element_fractions(f2)
    if a is None or b is None or [e for e, _ in a] != [e for e, _ in b]:
        return False
    return all(abs(x - y) <= tol for (_, x), (_, y) in zip(a, b))
