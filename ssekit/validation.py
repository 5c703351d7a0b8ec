"""Input checks shared by every module: one place that words the errors and holds the ranges.

:data:`QUANTITIES` is the one table of allowed ranges for a quantity that
more than one command takes (the separator thickness of ``cell energy``,
``cell threshold`` and ``cell power`` is checked by the same entry);
:func:`check_quantity` checks an option against it and
:func:`quantity_schema` builds the pandera schema of a table of such
quantities. :func:`obelix_row_problems` checks each OBELiX-format row
(elements, Z, unit cell) before any feature is computed, so that one bad row
is refused with its reason and never breaks the file; :func:`claims_schema`
checks a claims.json's records by type.

Examples
--------
>>> from ssekit.validation import check_range
>>> float(check_range("thickness_um", 20, "µm", 0, 5000))
20.0
>>> check_range("thickness_um", -1, "µm", 0, 5000)
Traceback (most recent call last):
...
ssekit.errors.InputError: thickness_um = -1 µm is outside the allowed range [0, 5000] µm
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .errors import InputError

__all__ = ["check_range", "InputError", "Quantity", "QUANTITIES", "check_quantity", "quantity_schema",
           "VOLUME_PER_ATOM_RANGE_A3", "RADIAN_ANGLES_BELOW", "obelix_row_problems", "claims_schema",
           "check_claims_records"]


def check_range(
    name: str,
    value: float | Iterable[float],
    unit: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> np.ndarray:
    """Return ``value`` as a float array, or raise :class:`InputError`.

    Parameters
    ----------
    name, unit
        Used in the error message, e.g. ``"thickness_um"`` and ``"um"``.
    low, high
        Allowed range; ``low_inclusive``/``high_inclusive`` say whether the
        ends are allowed.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number in {unit}; got {value!r}") from exc
    lo_ok = arr >= low if low_inclusive else arr > low
    hi_ok = arr <= high if high_inclusive else arr < high
    bad = ~(lo_ok & hi_ok) | np.isnan(arr)
    if np.any(bad):
        lb = "[" if low_inclusive else "("
        hb = "]" if high_inclusive and math.isfinite(high) else ")"
        first = float(arr[bad].ravel()[0]) if arr.ndim else float(arr)
        raise InputError(
            f"{name} = {first:g} {unit} is outside the allowed range "
            f"{lb}{low:g}, {high:g}{hb} {unit}"
            + (f" ({int(np.sum(bad))} bad values)" if arr.ndim and arr.size > 1 else "")
        )
    return arr


@dataclass(frozen=True)
class Quantity:
    """The allowed range of one quantity, with its unit and why."""

    unit: str
    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = True
    why: str = ""


#: One range per quantity, whichever command takes it.
QUANTITIES: dict[str, Quantity] = {
    "se_thickness_um": Quantity("um", 0.1, 5000.0, why="thinner than 0.1 um is no separator (and usually a value in "
                                "metres); 5 mm is beyond any pellet"),
    "c_rate": Quantity("1/h", 0.0, 100.0, low_inclusive=False, why="a discharge rate above 100C is not a battery rate"),
    "max_polarisation_v": Quantity("V", 0.0, 5.0, low_inclusive=False, why="more than the cell's voltage"),
    "target_Wh_per_kg": Quantity("Wh/kg", 0.0, 5000.0, low_inclusive=False, why="no cell chemistry comes near 5000"),
    "target_Wh_per_L": Quantity("Wh/L", 0.0, 5000.0, low_inclusive=False, why="no cell chemistry comes near 5000"),
}


def check_quantity(name: str, value, option: str | None = None) -> np.ndarray:
    """Check ``value`` against :data:`QUANTITIES` ``[name]``; the message names ``option`` if given.

    Examples
    --------
    >>> check_quantity("se_thickness_um", [20, 30]).tolist()
    [20.0, 30.0]
    >>> check_quantity("se_thickness_um", 20e-6, "--se-thickness-um")
    Traceback (most recent call last):
    ...
    ssekit.errors.InputError: --se-thickness-um = 2e-05 um is outside the allowed range [0.1, 5000] um (thinner than 0.1 um is no separator (and usually a value in metres); 5 mm is beyond any pellet)
    """
    q = QUANTITIES[name]
    try:
        return check_range(option or name, value, q.unit, q.low, q.high, low_inclusive=q.low_inclusive,
                           high_inclusive=q.high_inclusive)
    except InputError as exc:
        raise InputError(f"{exc} ({q.why})" if q.why else str(exc)) from None


def quantity_schema(names: Iterable[str]):
    """A pandera schema: each named column a float within its :data:`QUANTITIES` range (no NaN, no inf).

    Examples
    --------
    >>> import pandas as pd
    >>> len(quantity_schema(["c_rate"]).validate(pd.DataFrame({"c_rate": [1.0, 2.0]})))
    2
    """
    import pandera.pandas as pa

    cols = {}
    for n in names:
        q = QUANTITIES[n]
        lo = pa.Check.ge(q.low) if q.low_inclusive else pa.Check.gt(q.low)
        hi = pa.Check.le(q.high) if q.high_inclusive else pa.Check.lt(q.high)
        cols[n] = pa.Column(float, [lo, hi], nullable=False, coerce=True)
    return pa.DataFrameSchema(cols, strict=False)


#: Plausible volume per atom of a crystal, A^3 (solids span about 5-60; a tenfold slack each way is not allowed).
VOLUME_PER_ATOM_RANGE_A3 = (3.0, 200.0)
#: Three lattice angles all below this (degrees) were almost surely given in radians (pi = 3.14...).
RADIAN_ANGLES_BELOW = 3.2


def obelix_row_problems(rows) -> list[str]:
    """Why each cleaned OBELiX-format row cannot be predicted ('' when it can), before any feature is built.

    Checked: every element of the composition has element data (H-Lr);
    Z is a positive number where it is used (no True Composition); the three
    lattice angles are not all below :data:`RADIAN_ANGLES_BELOW` (radians);
    the angles describe a cell; the volume per atom lies in
    :data:`VOLUME_PER_ATOM_RANGE_A3`.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`ssekit.data.clean_obelix` (columns ``composition``,
        ``true_composition``, ``Z``, ``a_A`` ... ``gamma_deg``).

    Returns
    -------
    list of str
    """
    import pandas as pd

    from .chemistry import element_amounts
    from .ml.composition import element_table

    known = set(element_table().index)
    lattice = ["a_A", "b_A", "c_A", "alpha_deg", "beta_deg", "gamma_deg"]
    out = []
    n = len(rows)

    def col(name):
        return rows[name].tolist() if name in rows else [None] * n

    lat_cols = [pd.to_numeric(rows[c], errors="coerce").tolist() if c in rows else [float("nan")] * n
                for c in lattice]
    zs = pd.to_numeric(rows["Z"], errors="coerce").tolist() if "Z" in rows else [float("nan")] * n
    for comp, true, z, *lat in zip(col("composition"), col("true_composition"), zs, *lat_cols):
        amounts = element_amounts(comp) if isinstance(comp, str) else None
        if amounts is None:
            out.append("")  # no parsable composition: the model's own refusal names it
            continue
        unknown = [e for e, _ in amounts if e not in known]
        if unknown:
            out.append(f"element(s) {unknown} in composition {comp!r} have no element data (only H to Lr are "
                       "described)")
            continue
        true_am = element_amounts(true) if isinstance(true, str) and true.strip() else None
        if true_am is not None and [e for e, _ in true_am if e not in known]:
            out.append(f"element(s) {[e for e, _ in true_am if e not in known]} in True Composition {true!r} have no "
                       "element data (only H to Lr are described)")
            continue
        if any(pd.isna(v) for v in lat):
            out.append("")
            continue
        a, b, c, al, be, ga = (float(v) for v in lat)
        if max(al, be, ga) < RADIAN_ANGLES_BELOW:
            out.append(f"lattice angles alpha, beta, gamma = {al:g}, {be:g}, {ga:g} are all below "
                       f"{RADIAN_ANGLES_BELOW:g}: they look like radians; give them in degrees")
            continue
        ca, cb, cg = (math.cos(math.radians(x)) for x in (al, be, ga))
        root = 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg
        if not root > 0:
            out.append(f"lattice angles {al:g}, {be:g}, {ga:g} degree do not describe a cell "
                       "(1 - sum cos^2 + 2 prod cos must be > 0)")
            continue
        volume = a * b * c * math.sqrt(root)
        if true_am is not None:
            atoms = sum(n for _, n in true_am)
        else:
            if pd.isna(z):
                out.append("")
                continue
            if not (z > 0 and math.isfinite(z)):
                out.append(f"Z = {z:g} formula units per cell: Z must be a positive number where it is used (no True "
                           "Composition to count the atoms)")
                continue
            atoms = float(z) * sum(n for _, n in amounts)
        vpa = volume / atoms if atoms > 0 else math.inf
        lo, hi = VOLUME_PER_ATOM_RANGE_A3
        if not lo <= vpa <= hi:
            out.append(f"unit cell volume per atom {vpa:.3g} A^3 is implausible (allowed [{lo:g}, {hi:g}] A^3; "
                       f"cell {volume:.4g} A^3 for {atoms:g} atoms): check the lattice, Z and the composition")
            continue
        out.append("")
    return out


def claims_schema():
    """The pandera schema of a claims.json's records: id, paper and status text, status one of the known ones."""
    import pandera.pandas as pa

    from .claims import STATUSES

    text = pa.Column(str, pa.Check(lambda s: s.map(type).eq(str)), nullable=False)
    return pa.DataFrameSchema({
        "id": text, "paper": text,
        "status": pa.Column(str, [pa.Check(lambda s: s.map(type).eq(str)), pa.Check.isin(list(STATUSES))]),
        "reported": pa.Column(object, pa.Check(lambda s: s.map(_json_scalar)), nullable=True, required=False),
        "reproduced": pa.Column(object, pa.Check(lambda s: s.map(_json_scalar)), nullable=True, required=False),
        "unit": pa.Column(object, pa.Check(lambda s: s.map(lambda v: v is None or isinstance(v, str))),
                          nullable=True, required=False),
        "note": pa.Column(object, pa.Check(lambda s: s.map(lambda v: v is None or isinstance(v, str))),
                          nullable=True, required=False),
    }, strict=False)


def _json_scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool)) or (
        isinstance(v, list) and all(x is None or isinstance(x, (int, float, str)) for x in v))


def check_claims_records(records: list, where: str):
    """Records of a claims.json as a DataFrame, or one :class:`InputError` naming the record and field.

    Examples
    --------
    >>> check_claims_records([{"id": "x", "paper": 3, "status": "differs"}], "c.json")
    Traceback (most recent call last):
    ...
    ssekit.errors.InputError: c.json: record 1 (id 'x'): field 'paper' holds 3 (int), which the claims.json schema does not allow; rebuild the book (scripts/book)
    """
    import pandas as pd
    import pandera.errors as pe

    df = pd.DataFrame.from_records(records).astype(object)
    try:
        claims_schema().validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases
        row = cases.iloc[0]
        col = row["column"]
        i = row["index"]
        if col is None or i is None or pd.isna(i):
            raise InputError(f"{where}: records do not match the claims.json schema ({row['check']}); "
                             "rebuild the book (scripts/book)") from None
        i = int(i)
        v = records[i].get(col)
        raise InputError(f"{where}: record {i + 1} (id {records[i].get('id')!r}): field {col!r} holds {v!r} "
                         f"({type(v).__name__}), which the claims.json schema does not allow; rebuild the book "
                         "(scripts/book)") from None
    return df
