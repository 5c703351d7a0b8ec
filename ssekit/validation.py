"""Input checks shared by every module: one place that words the errors.

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

import numpy as np

from .errors import InputError

__all__ = ["check_range", "InputError"]


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
