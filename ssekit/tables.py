"""One way to show a table in the book: units in headers, sensible figures, no NaN cells.

Every chapter passes its tables through :func:`show`, so that a reader sees
µm and Ω cm² rather than ``um`` and ``ohm cm^2``, three significant figures
rather than ``40.000000``, p-values as ``2.5e-04``, a dash with a footnote
instead of ``NaN``, and no meaningless 0, 1, 2 ... index.

Examples
--------
>>> import pandas as pd
>>> from ssekit.tables import show, fmt_sig, pretty_unit
>>> fmt_sig(0.000247207, 2), fmt_sig(40.0), fmt_sig(20210326)
('2.5e-04', '40', '20210326')
>>> pretty_unit("ohm cm^2"), pretty_unit("uL/mg")
('Ω cm²', 'µL mg⁻¹')
>>> html = show(pd.DataFrame({"L": [1.0, None]}), units={"L": "um"}, missing="not measured").to_html()
>>> "L (µm)" in html and "—" in html and "NaN" not in html
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["show", "fmt_sig", "fmt_p", "pretty_unit", "pretty_text", "label", "MISSING", "UNIT_WORDS"]

#: What a missing value shows as.
MISSING = "—"
#: ASCII unit spellings and how the book prints them.
UNIT_WORDS = {
    "ohm cm^2": "Ω cm²", "ohm cm2": "Ω cm²", "ohm": "Ω", "um": "µm", "uL/mg": "µL mg⁻¹", "g/cm3": "g cm⁻³",
    "g/cm^3": "g cm⁻³", "S/cm": "S cm⁻¹", "mAh/g": "mAh g⁻¹", "mAh/cm2": "mAh cm⁻²", "mg/cm2": "mg cm⁻²",
    "angstrom": "Å", "A": "Å", "A^3": "Å³", "A3": "Å³", "degC": "°C", "degree": "°", "cm2": "cm²", "(S/cm)^2": "(S cm⁻¹)²",
    "Wh/kg": "Wh kg⁻¹", "Wh/L": "Wh L⁻¹",
}


def pretty_unit(unit: str) -> str:
    """The printed form of an ASCII unit (``um`` -> ``µm``); unknown units are returned unchanged."""
    return UNIT_WORDS.get(str(unit).strip(), str(unit))


_TEXT_UNITS = [  # (pattern, replacement) for ASCII units inside free text, longest first
    (re.compile(r"\(uL/mg\)\^2"), "(µL mg⁻¹)²"), (re.compile(r"\bohm cm\^?2\b"), "Ω cm²"),
    (re.compile(r"\buL/mg\b"), "µL mg⁻¹"), (re.compile(r"\bmAh/cm2\b"), "mAh cm⁻²"), (re.compile(r"\bmAh/g\b"), "mAh g⁻¹"), (re.compile(r"\bg/cm3\b"), "g cm⁻³"),
    (re.compile(r"(?<=[\d)] )um\b|(?<=of )um\b"), "µm"), (re.compile(r"(?<=\d )ohm\b"), "Ω"),
    (re.compile(r"(?<=\d) A\b(?![-/])"), " Å"), (re.compile(r"\bdegC\b"), "°C"),
]


def pretty_text(text: str) -> str:
    """Free text with ASCII units written with symbols (``40 um`` -> ``40 µm``, ``per uL/mg`` -> ``per µL mg⁻¹``).

    Examples
    --------
    >>> pretty_text("tens of um, about 800 um; per (uL/mg)^2; 3.75 ohm cm^2")
    'tens of µm, about 800 µm; per (µL mg⁻¹)²; 3.75 Ω cm²'
    """
    text = str(text)
    for pattern, repl in _TEXT_UNITS:
        text = pattern.sub(repl, text)
    return text


def fmt_sig(x, sig: int = 3) -> str:
    """A number to ``sig`` significant figures, without trailing zeros; scientific outside 1e-3..1e5."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if isinstance(x, (int, np.integer)) and abs(int(x)) < 10**6:
        return str(int(x))
    x = float(x)
    if x == 0:
        return "0"
    if math.isfinite(x) and x == int(x) and abs(x) < 1e9:
        return str(int(x))
    if not math.isfinite(x):
        return "∞" if x > 0 else "−∞"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.{sig}g}"
    mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent}"


def fmt_p(p) -> str:
    """A p-value to two significant figures in scientific notation (``2.5e-04``), or '< 1e-300'."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return MISSING
    return "< 1e-300" if p < 1e-300 else f"{float(p):.1e}"


def label(name: str, unit: str | None = None) -> str:
    """A column or parameter name as a reader's label: ``thickness_um`` -> ``thickness (µm)``.

    Examples
    --------
    >>> label("se_thickness_um"), label("areal_capacity", "mAh/cm2"), label("np_ratio", "-")
    ('se thickness (µm)', 'areal capacity (mAh cm⁻²)', 'np ratio')
    """
    if unit and unit.strip() not in ("-", "–", "1"):
        return f"{str(name).replace('_', ' ')} ({pretty_unit(unit)})"
    out = _header(name, {})
    return out if out != str(name) else str(name).replace("_", " ")


def _header(name: str, units: dict[str, str]) -> str:
    name = str(name)
    if name in units and units[name]:
        return f"{name} ({pretty_unit(units[name])})"
    # columns named like thickness_um / sigma_S_per_cm: spell the unit
    m = re.fullmatch(r"(.*?)_(um|S_per_cm|ohm_cm2|ohm|g_per_cm3|uL_per_mg|vol_pct|pct|eV|A3|A|deg|C|Wh_per_kg|Wh_per_L|GPa|MPa)",
                     name)
    if m:
        unit = {"um": "µm", "S_per_cm": "S cm⁻¹", "ohm_cm2": "Ω cm²", "ohm": "Ω", "g_per_cm3": "g cm⁻³",
                "uL_per_mg": "µL mg⁻¹", "vol_pct": "vol%", "pct": "%", "eV": "eV", "A3": "Å³", "A": "Å",
                "deg": "°", "C": "°C", "Wh_per_kg": "Wh kg⁻¹", "Wh_per_L": "Wh L⁻¹", "GPa": "GPa", "MPa": "MPa"}[m.group(2)]
        return f"{m.group(1).replace('_', ' ')} ({unit})"
    return name


def show(df: pd.DataFrame, *, units: dict[str, str] | None = None, sig: int | dict[str, int] = 3,
         pvalues: Iterable[str] = (), missing: str = "", index: bool | None = None, caption: str = ""):
    """A pandas Styler ready for the book.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (not modified).
    units : dict, optional
        Column -> unit (ASCII allowed, printed with symbols). Columns named
        ``<quantity>_<unit>`` (``thickness_um``) get theirs automatically.
    sig : int or dict
        Significant figures, for all numeric columns or per column.
    pvalues : iterable of str
        Columns holding p-values (two significant figures, scientific).
    missing : str
        Why values are missing; shown as a footnote when any cell is empty.
    index : bool, optional
        Show the index; default: only when it is not a plain 0..n-1 range.
    caption : str
        Caption above the table.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    units = units or {}
    pvalues = set(pvalues)
    out = df.copy()
    if isinstance(out.columns, pd.MultiIndex):  # ("LS_uL_per_mg", "mean") -> "LS mean (µL mg⁻¹)"
        def joined(col):
            first, rest = str(col[0]), " ".join(str(c) for c in col[1:] if str(c))
            head = _header(first, units)
            if head != first and head.endswith(")") and " (" in head:
                base, unit = head.rsplit(" (", 1)
                return f"{base} {rest} ({unit}".replace("  ", " ") if rest else head
            return f"{first} {rest}".strip()
        out.columns = [joined(col) for col in out.columns]
    out.index = out.index.set_names([_header(n, {}) if isinstance(n, str) else n for n in out.index.names])
    fmts = {}
    for col in out.columns:
        s = sig.get(col, 3) if isinstance(sig, dict) else sig
        if col in pvalues:
            fmts[col] = fmt_p
        elif pd.api.types.is_bool_dtype(out[col]):
            fmts[col] = lambda v: MISSING if v is None else ("yes" if v else "no")
        elif pd.api.types.is_numeric_dtype(out[col]):
            fmts[col] = (lambda s_: (lambda v: fmt_sig(v, s_)))(s)
        else:
            fmts[col] = lambda v: MISSING if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)
    has_missing = bool(out.isna().to_numpy().any())
    header = {c: _header(c, units) for c in out.columns}
    st = out.style.format(fmts, na_rep=MISSING).format_index(lambda v: fmt_sig(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else pretty_text(_header(v, {}) if re.fullmatch(r"\w+", str(v)) else v), axis=0)
    st = st.relabel_index([header[c] for c in out.columns], axis=1)
    plain = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    if index is False or (index is None and plain):
        st = st.hide(axis="index")
    st = st.set_table_attributes('class="ssekit-table"')
    foot = f"{MISSING} {missing}" if has_missing and missing else (f"{MISSING} no value" if has_missing else "")
    cap = " ".join(x for x in (caption, f"({foot})" if foot else "") if x)
    if cap:
        st = st.set_caption(cap)
    return st
