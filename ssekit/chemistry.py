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
>>> element_amounts("Li0.6[Li0.2Sn0.8S2]")
(('Li', 0.8), ('S', 2.0), ('Sn', 0.8))
>>> crystal_system(225)
'cubic'
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from .errors import InputError

__all__ = ["cell_volume", "crystal_density", "molar_mass", "element_fractions", "same_composition", "element_amounts",
           "crystal_system", "CRYSTAL_SYSTEMS"]

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
_TOKEN = re.compile(r"([A-Z][a-z]?)|((?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)|(\()|(\))")


@lru_cache(maxsize=1)
def _symbols() -> frozenset[str]:
    import periodictable

    return frozenset(el.symbol for el in periodictable.elements if el.number > 0)


def _fast_atoms(text: str) -> dict[str, float] | None:
    """Atoms of a plain formula (elements, amounts, nested parentheses); None for anything else."""
    symbols = _symbols()
    stack: list[dict[str, float]] = [{}]
    last: dict[str, float] | None = None  # the unit an amount would multiply
    pos = 0

    def flush(mult: float = 1.0) -> None:
        nonlocal last
        if last is not None:
            for k, v in last.items():
                stack[-1][k] = stack[-1].get(k, 0.0) + v * mult
            last = None

    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            return None
        pos = m.end()
        el, num, op, cl = m.groups()
        if el:
            if el not in symbols:
                return None
            flush()
            last = {el: 1.0}
        elif num:
            if last is None:
                return None
            flush(float(num))
        elif op:
            flush()
            stack.append({})
        else:
            flush()
            if len(stack) == 1:
                return None
            last = stack.pop()
    if pos != len(text) or len(stack) != 1:
        return None
    flush()
    return stack[0]


@lru_cache(maxsize=16384)
def element_amounts(formula: str) -> tuple[tuple[str, float], ...] | None:
    """Atoms of each element in a formula: ((element, amount), ...) sorted by symbol, or None if unparseable.

    Square and curly brackets are read as parentheses (``Li0.6[Li0.2Sn0.8S2]``);
    isotopes count as their element (D as H). Text that is not a formula
    (``0.7Li2S-0.3P2S5``, blanks, non-strings) gives None, never a guess.

    Parameters
    ----------
    formula : str
        A chemical formula, fractional amounts and groups allowed.

    Returns
    -------
    tuple of (str, float) or None
        Amounts as written (not normalised), rounded to 1e-6.
    """
    if not isinstance(formula, str) or not formula.strip():
        return None
    text = formula.strip().replace(" ", "").translate(str.maketrans("[]{}", "()()"))
    atoms = _fast_atoms(text)
    if atoms is None:  # anything unusual (isotopes, charges, ...) goes to periodictable
        import periodictable

        try:
            parsed = periodictable.formula(text).atoms
        except Exception:  # periodictable raises pyparsing and value errors for bad text
            return None
        atoms = {}
        for el, n in parsed.items():
            sym = str(getattr(el, "element", el).symbol)
            atoms[sym] = atoms.get(sym, 0.0) + float(n)
    out = atoms
    if not out or sum(out.values()) <= 0 or any(v < 0 for v in out.values()):
        return None
    return tuple(sorted((el, round(n, 6)) for el, n in out.items() if n > 0))


@lru_cache(maxsize=16384)
def element_fractions(formula: str) -> tuple[tuple[str, float], ...] | None:
    """Normalised composition: ((element, atom fraction), ...) sorted, or None if unparseable.

    Parameters
    ----------
    formula : str
        A chemical formula (see :func:`element_amounts`).

    Returns
    -------
    tuple of (str, float) or None
        Atom fractions rounded to 1e-6.
    """
    amounts = element_amounts(formula)
    if amounts is None:
        return None
    total = float(sum(n for _, n in amounts))
    return tuple((el, round(n / total, 6)) for el, n in amounts)


CRYSTAL_SYSTEMS = ("triclinic", "monoclinic", "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic")


def crystal_system(space_group_number: int) -> str | None:
    """The crystal system of a space group number (1-230), or None outside that range.

    Parameters
    ----------
    space_group_number : int
        International Tables number.

    Returns
    -------
    str or None
        One of :data:`CRYSTAL_SYSTEMS`.
    """
    try:
        n = int(space_group_number)
    except (TypeError, ValueError):
        return None
    for upper, name in zip((2, 15, 74, 142, 167, 194, 230), CRYSTAL_SYSTEMS):
        if 1 <= n <= upper:
            return name
    return None


def same_composition(f1: str, f2: str, tol: float = 2e-3) -> bool:
    """True when two formulas have the same elements with atom fractions within ``tol``.

    Parameters
    ----------
    f1, f2 : str
        Chemical formulas.
    tol : float
        Largest allowed difference of any atom fraction.

    Returns
    -------
    bool
    """
    a, b = element_fractions(f1), element_fractions(f2)
    if a is None or b is None or [e for e, _ in a] != [e for e, _ in b]:
        return False
    return all(abs(x - y) <= tol for (_, x), (_, y) in zip(a, b))
