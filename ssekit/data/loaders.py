"""Validated loaders of the shipped measurement tables (OBELiX, Laskowski 2023, Liverpool).

Every file is listed in the data registry (:mod:`ssekit.data.shipped`) with
its sha256, licence, citation and units. Loaders verify the checksum, rename the
columns to canonical names with units in them (``sigma_S_per_cm``, ``Ea_eV``,
``T_C``), clean the documented quirks of each source and count every cleaning
step, then validate types and physical ranges. Nothing is dropped or coerced
silently: a value that cannot be read is an error that names the column, the
rows and the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import ChecksumError, DataValidationError
from ..files import read_csv_file
from .shipped import entry, path, verify

__all__ = [
    "DataValidationError",
    "ChecksumError",
    "CleaningReport",
    "ColumnSpec",
    "load",
    "load_with_report",
    "clean_obelix",
    "clean_laskowski",
    "clean_liverpool",
    "validate",
]

# Combining overline (U+0305): stray after numbers in the Laskowski extraction,
# and the crystallographic "bar" in space-group symbols such as P1\u0305.
OVERLINE = "\u0305"
UNICODE_MINUS = "\u2212"


@dataclass
class CleaningReport:
    """What a loader changed, step by step, with counts.

    Attributes
    ----------
    dataset : str
        Registry name of the data set.
    rows_in, rows_out : int
        Rows read from the file and rows returned (they are equal: loaders
        never drop rows; filtering is left to the analysis, which counts it).
    steps : list of tuple
        ``(column, what was done, number of cells affected)``.
    """

    dataset: str
    rows_in: int = 0
    rows_out: int = 0
    steps: list[tuple[str, str, int]] = field(default_factory=list)

    def add(self, column: str, what: str, count: int) -> None:
        """Record one cleaning step and the number of cells it touched."""
        self.steps.append((column, what, int(count)))

    def to_frame(self) -> pd.DataFrame:
        """The steps as a table (column, step, cells)."""
        return pd.DataFrame(self.steps, columns=["column", "step", "cells"])

    def __str__(self) -> str:
        lines = [f"{self.dataset}: {self.rows_in} rows read, {self.rows_out} rows returned"]
        lines += [f"  {c}: {w} ({n} cells)" for c, w, n in self.steps]
        return "\n".join(lines)


# --------------------------------------------------------------------------
# column specifications and validation
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """A canonical column: type, unit and physically allowed range."""

    name: str
    kind: str  # "float", "int", "str", "bool"
    unit: str = ""
    low: float | None = None
    high: float | None = None
    nullable: bool = False

    def describe(self) -> str:
        """The column in words: name, type, unit and allowed range."""
        rng = ""
        if self.low is not None or self.high is not None:
            lo = "-inf" if self.low is None else f"{self.low:g}"
            hi = "inf" if self.high is None else f"{self.high:g}"
            rng = f" in [{lo}, {hi}]"
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.name} ({self.kind}{unit}{rng})"


_PA_TYPES = {"float": float, "int": "Int64", "str": object, "bool": bool}


def _schema(specs: list[ColumnSpec]) -> pa.DataFrameSchema:
    cols = {}
    for s in specs:
        checks = []
        if s.low is not None or s.high is not None:
            checks.append(
                pa.Check.in_range(
                    -np.inf if s.low is None else s.low,
                    np.inf if s.high is None else s.high,
                    error=f"allowed range {s.describe()}",
                )
            )
        cols[s.name] = pa.Column(_PA_TYPES[s.kind], checks=checks, nullable=s.nullable, coerce=False)
    return pa.DataFrameSchema(cols, strict=False)


def validate(df: pd.DataFrame, specs: list[ColumnSpec], dataset: str) -> pd.DataFrame:
    """Validate a tidy frame against column specifications.

    Raises
    ------
    DataValidationError
        Naming each failing column with its unit and allowed range, and the
        first offending rows and values.
    """
    missing = [s.name for s in specs if s.name not in df.columns]
    if missing:
        raise DataValidationError(
            f"{dataset}: missing column(s) {missing}; expected "
            + ", ".join(s.describe() for s in specs)
        )
    try:
        return _schema(specs).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        by_name = {s.name: s for s in specs}
        lines = [f"{dataset}: {len(fc)} invalid value(s)"]
        for col, grp in fc.groupby("column", dropna=False, sort=True):
            spec = by_name.get(str(col))
            desc = spec.describe() if spec else str(col)
            label = df.index.name or "row"
            rows = ", ".join(f"{label} {i}: {v!r}" for i, v in zip(grp["index"].head(5), grp["failure_case"].head(5)))
            checks = "; ".join(sorted(set(map(str, grp["check"]))))
            lines.append(f"  column {desc}: {len(grp)} failing ({checks}); {rows}")
        raise DataValidationError("\n".join(lines)) from None


def _require_raw(raw: pd.DataFrame, columns: list[str], dataset: str) -> None:
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataValidationError(f"{dataset}: missing column(s) {missing} in the source table; it has {list(raw.columns)}")


def _numeric(raw: pd.Series, column: str, dataset: str, ids: pd.Series | None = None) -> pd.Series:
    """Parse text to float; blanks become NaN, anything else unreadable is an error."""
    text = raw.astype("string").str.strip()
    blank = text.isna() | (text == "")
    num = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    if bad.any():
        where = ids[bad] if ids is not None else raw.index[bad]
        examples = ", ".join(f"{w}: {v!r}" for w, v in list(zip(where, raw[bad]))[:5])
        raise DataValidationError(
            f"{dataset}: column {column!r} has {int(bad.sum())} non-numeric value(s) ({examples}); "
            "fix the source or add a documented cleaning step"
        )
    return num.astype(float)


# --------------------------------------------------------------------------
# OBELiX training split
# --------------------------------------------------------------------------

#: Smallest lattice parameter accepted (angstrom). No crystal has a cell edge
#: below ~2.5 A (the shortest in the shipped OBELiX data is 3.3 A); a value
#: below 2 is a length in nm (or another unit slip) and is refused.
LATTICE_MIN_A = 2.0

OBELIX_SPECS = [
    ColumnSpec("ID", "str"),
    ColumnSpec("composition", "str"),
    ColumnSpec("true_composition", "str"),
    ColumnSpec("Z", "float", "formula units per cell", 0, 1000, nullable=True),
    ColumnSpec("sigma_S_per_cm", "float", "S/cm", 1e-20, 1),
    ColumnSpec("sigma_censored", "bool"),
    ColumnSpec("space_group", "str"),
    ColumnSpec("space_group_number", "int", "", 1, 230),
    ColumnSpec("a_A", "float", "angstrom", LATTICE_MIN_A, 200),
    ColumnSpec("b_A", "float", "angstrom", LATTICE_MIN_A, 200),
    ColumnSpec("c_A", "float", "angstrom", LATTICE_MIN_A, 200),
    ColumnSpec("alpha_deg", "float", "degree", 1, 179),
    ColumnSpec("beta_deg", "float", "degree", 1, 179),
    ColumnSpec("gamma_deg", "float", "degree", 1, 179),
    ColumnSpec("family", "str", nullable=True),
    ColumnSpec("doi", "str", nullable=True),
    ColumnSpec("laskowski_id", "int", "", 1, 10000, nullable=True),
    ColumnSpec("liion_id", "int", "", 1, 100000, nullable=True),
]

_OBELIX_RAW = {
    "ID": "ID",
    "Reduced Composition": "composition",
    "True Composition": "true_composition",
    "Z": "Z",
    "Ionic conductivity (S cm-1)": "sigma_S_per_cm",
    "Space group": "space_group",
    "Space group #": "space_group_number",
    "a": "a_A",
    "b": "b_A",
    "c": "c_A",
    "alpha": "alpha_deg",
    "beta": "beta_deg",
    "gamma": "gamma_deg",
    "Family": "family",
    "DOI": "doi",
    "Laskowski ID": "laskowski_id",
    "Liion ID": "liion_id",
}


def _refuse_other_units(raw: pd.DataFrame, dataset: str) -> None:
    """A conductivity column in another unit than S/cm (S/m, mS/cm) is refused by name, never read as S/cm."""
    import re

    for col in raw.columns:
        text = str(col).strip()
        if text != "Ionic conductivity (S cm-1)" and re.match(r"(?i)ionic\s*conductivity", text):
            raise DataValidationError(
                f"{dataset}: column {text!r} is not in S/cm; this format needs 'Ionic conductivity (S cm-1)' in S/cm "
                "(from S/m divide by 100, from mS/cm by 1000, and rename the column)")


def clean_obelix(raw: pd.DataFrame, dataset: str = "obelix_train", require_measurements: bool = True
                 ) -> tuple[pd.DataFrame, CleaningReport]:
    """Tidy and validate a table in the OBELiX CSV format.

    With ``require_measurements=False`` (rows to be predicted) the
    conductivity, Z, space group and lattice may be blank; values that are
    given are still checked against their ranges. Every column of the format
    must be present either way.

    Known quirk: conductivities below the measurement limit are written as
    ``<1E-10`` (or ``<1E-8``). They are kept, with the bound as the value and
    ``sigma_censored = True``; the count is reported.
    """
    _refuse_other_units(raw, dataset)
    _require_raw(raw, list(_OBELIX_RAW), dataset)
    rep = CleaningReport(dataset, rows_in=len(raw))
    ids = raw["ID"].astype("string")
    out = pd.DataFrame(index=raw.index)
    for src in ("ID", "Reduced Composition", "True Composition", "Space group", "Family", "DOI"):
        s = raw[src].astype("string").str.strip()
        out[_OBELIX_RAW[src]] = s.where(s != "").astype(object)
    sig = raw["Ionic conductivity (S cm-1)"].astype("string").str.strip()
    censored = sig.str.startswith("<").fillna(False).astype(bool)
    rep.add("sigma_S_per_cm", "'<x' below-detection values kept as the bound x, flagged sigma_censored", int(censored.sum()))
    out["sigma_S_per_cm"] = _numeric(sig.str.lstrip("<"), "Ionic conductivity (S cm-1)", dataset, ids)
    out["sigma_censored"] = censored
    for src in ("Z", "a", "b", "c", "alpha", "beta", "gamma"):
        out[_OBELIX_RAW[src]] = _numeric(raw[src], src, dataset, ids)
    for src in ("Space group #", "Laskowski ID", "Liion ID"):
        vals = _numeric(raw[src], src, dataset, ids)
        if ((vals.dropna() % 1) != 0).any():
            raise DataValidationError(f"{dataset}: column {src!r} must hold whole numbers")
        out[_OBELIX_RAW[src]] = vals.astype("Int64")
    out = out[[s.name for s in OBELIX_SPECS]]
    out.index = pd.Index(ids.fillna("?").astype(str).to_numpy(), name="ID")  # errors name the row by its ID
    specs = OBELIX_SPECS if require_measurements else [
        replace(sp, nullable=True) if sp.name not in ("ID", "sigma_censored") else sp for sp in OBELIX_SPECS]
    out = validate(out, specs, dataset)
    rep.rows_out = len(out)
    return out.reset_index(drop=True), rep


# --------------------------------------------------------------------------
# Laskowski 2023 SI table
# --------------------------------------------------------------------------

LASKOWSKI_SPECS = [
    ColumnSpec("composition", "str", nullable=True),
    ColumnSpec("sigma_S_per_cm", "float", "S/cm", 1e-30, 1, nullable=True),
    ColumnSpec("sigma_censored", "bool"),
    ColumnSpec("Ea_eV", "float", "eV", 0, 5, nullable=True),
    ColumnSpec("space_group", "str", nullable=True),
    ColumnSpec("space_group_number", "int", "", 1, 230, nullable=True),
    ColumnSpec("phase_note", "str", nullable=True),
    ColumnSpec("icsd_id", "int", "", 0, 10_000_000, nullable=True),
    ColumnSpec("ref", "int", "", 1, 10000, nullable=True),
    ColumnSpec("ref_text", "str", nullable=True),
    ColumnSpec("is_fragment", "bool"),
]
LASKOWSKI_COLUMNS = [
    "composition", "sigma_S_per_cm", "Ea_eV", "space_group", "space_group_number", "phase_note", "icsd_id", "ref",
]


def clean_laskowski(raw: pd.DataFrame, dataset: str = "laskowski2023_si") -> tuple[pd.DataFrame, CleaningReport]:
    """Tidy and validate the Laskowski 2023 SI table (8 columns, no header).

    Rows with no reference number are fragments of table cells that the PDF
    extraction wrapped onto extra lines (e.g. a lone ``O10`` or ``Al2O3``);
    they are returned with ``is_fragment = True`` so that analyses can leave
    them out with a count.

    Known quirks of the extraction, each counted: a stray combining overline
    (U+0305) after numbers is removed; unicode minus signs become ``-``; in
    space-group symbols the overline is the crystallographic bar, written
    ``-n`` (``P1\u0305`` -> ``P-1``); surrounding spaces are stripped; blanks
    stay missing (most rows have no activation energy).
    """
    if raw.shape[1] != 8:
        raise DataValidationError(f"{dataset}: expected 8 columns ({', '.join(LASKOWSKI_COLUMNS)}), found {raw.shape[1]}")
    raw = raw.copy()
    raw.columns = LASKOWSKI_COLUMNS
    rep = CleaningReport(dataset, rows_in=len(raw))
    text = raw.astype("string")
    out = pd.DataFrame(index=raw.index)
    for col in ("sigma_S_per_cm", "Ea_eV", "space_group_number", "icsd_id", "ref"):
        s = text[col].str.strip()
        if col == "sigma_S_per_cm":
            censored = s.str.startswith("<").fillna(False).astype(bool)
            rep.add(col, "'<x' below-detection values kept as the bound x, flagged sigma_censored", int(censored.sum()))
            out["sigma_censored"] = censored
            s = s.str.lstrip("<")
            # One bound reads '<1E10' among '<1E-10' rows of the same
            # reference: a dropped minus sign, restored and counted.
            typo = censored & s.str.fullmatch(r"1E10").fillna(False).astype(bool)
            if typo.any():
                rep.add(col, "bound '<1E10' read as '<1E-10' (minus sign lost in extraction)", int(typo.sum()))
                s = s.where(~typo, "1E-10")
        if col == "ref":
            span = s.str.fullmatch(r"\d+-\d+").fillna(False).astype(bool)
            if span.any():
                rep.add(col, "reference ranges 'a-b': first reference a kept (full text in ref_text)", int(span.sum()))
            out["ref_text"] = s.where(s != "").astype(object)
            s = s.str.replace(r"^(\d+)-\d+$", r"\1", regex=True)
        n_over = int(s.str.contains(OVERLINE, regex=False).fillna(False).sum())
        n_minus = int(s.str.contains(UNICODE_MINUS, regex=False).fillna(False).sum())
        if n_over:
            rep.add(col, "stray combining overline (U+0305) removed", n_over)
        if n_minus:
            rep.add(col, "unicode minus (U+2212) replaced by '-'", n_minus)
        s = s.str.replace(OVERLINE, "", regex=False).str.replace(UNICODE_MINUS, "-", regex=False)
        out[col] = _numeric(s, col, dataset)
    for col in ("space_group_number", "icsd_id", "ref"):
        out[col] = out[col].astype("Int64")
    sg = text["space_group"].str.strip()
    has_bar = sg.str.contains(OVERLINE, regex=False).fillna(False)
    rep.add("space_group", "overline bar written as '-n' (P1\u0305 -> P-1)", int(has_bar.sum()))
    sg = sg.str.replace(r"(\d)" + OVERLINE, r"-\1", regex=True).str.replace(UNICODE_MINUS, "-", regex=False)
    out["space_group"] = sg.where(sg != "").astype(object)
    for col in ("composition", "phase_note"):
        s = text[col].str.strip()
        out[col] = s.where(s != "").astype(object)
    # The PDF extraction split wrapped table cells over extra rows; such rows
    # carry no reference number. They are kept and flagged, never merged by guess.
    out["is_fragment"] = out["ref"].isna()
    rep.add("is_fragment", "rows with no reference number (wrapped-cell fragments of the PDF extraction) flagged", int(out["is_fragment"].sum()))
    rep.add("Ea_eV", "blank activation energy left missing", int(out["Ea_eV"].isna().sum()))
    rep.add("sigma_S_per_cm", "blank conductivity left missing", int(out["sigma_S_per_cm"].isna().sum()))
    out = out[[s.name for s in LASKOWSKI_SPECS]]
    out = validate(out, LASKOWSKI_SPECS, dataset)
    rep.rows_out = len(out)
    return out, rep


def _clean_doi_lookup(raw: pd.DataFrame, dataset: str = "laskowski2023_doi_lookup") -> tuple[pd.DataFrame, CleaningReport]:
    _require_raw(raw, ["ref. number", "DOI"], dataset)
    rep = CleaningReport(dataset, rows_in=len(raw))
    out = pd.DataFrame({"ref": _numeric(raw["ref. number"], "ref. number", dataset).astype("Int64"),
                        "doi": raw["DOI"].astype("string").str.strip().astype(object)})
    out = validate(out, [ColumnSpec("ref", "int", "", 1, 10000), ColumnSpec("doi", "str", nullable=True)], dataset)
    rep.rows_out = len(out)
    return out, rep


# --------------------------------------------------------------------------
# Liverpool Ionics Dataset
# --------------------------------------------------------------------------

LIVERPOOL_SPECS = [
    ColumnSpec("liion_id", "int", "", 1, 100000),
    ColumnSpec("composition", "str"),
    ColumnSpec("doi", "str", nullable=True),
    ColumnSpec("T_C", "float", "degC", -273.15, 1500),
    ColumnSpec("sigma_S_per_cm", "float", "S/cm", 1e-20, 10),
    ColumnSpec("log10_sigma", "float", "log10(S/cm)", -20, 1),
    ColumnSpec("family", "str", nullable=True),
    ColumnSpec("chemical_family", "str", nullable=True),
]
_LIVERPOOL_RAW = {
    "ID": "liion_id", "composition": "composition", "source": "doi", "temperature": "T_C",
    "target": "sigma_S_per_cm", "log_target": "log10_sigma", "family": "family", "ChemicalFamily": "chemical_family",
}


def clean_liverpool(raw: pd.DataFrame, dataset: str = "liverpool_ionics") -> tuple[pd.DataFrame, CleaningReport]:
    """Tidy and validate the Liverpool Ionics Dataset.

    Temperatures are in degrees Celsius. The file's ``log_target`` column is
    checked against ``log10(target)``; as ``target`` is rounded to three
    significant figures they may differ by up to ~0.0022; more is an error.
    """
    raw = raw.rename(columns=lambda c: str(c).lstrip("\ufeff"))
    _require_raw(raw, list(_LIVERPOOL_RAW), dataset)
    rep = CleaningReport(dataset, rows_in=len(raw))
    ids = raw["ID"].astype("string")
    out = pd.DataFrame(index=raw.index)
    out["liion_id"] = _numeric(raw["ID"], "ID", dataset).astype("Int64")
    for src in ("composition", "source", "family", "ChemicalFamily"):
        s = raw[src].astype("string").str.strip()
        out[_LIVERPOOL_RAW[src]] = s.where(s != "").astype(object)
    for src in ("temperature", "target", "log_target"):
        out[_LIVERPOOL_RAW[src]] = _numeric(raw[src], src, dataset, ids)
    out = out[[s.name for s in LIVERPOOL_SPECS]]
    out = validate(out, LIVERPOOL_SPECS, dataset)
    # ``target`` is printed to 3 significant figures, ``log_target`` to ~10
    # digits, so they agree only to rounding: |diff| <= log10(1 + 0.5/100)
    # ~ 0.0022. A larger gap is an error; the rounding-level gaps are counted.
    diff = (np.log10(out["sigma_S_per_cm"]) - out["log10_sigma"]).abs()
    mismatch = diff > 0.0025
    if mismatch.any():
        raise DataValidationError(
            f"{dataset}: log_target disagrees with log10(target) by more than 0.0025 in "
            f"{int(mismatch.sum())} row(s), IDs {[int(i) for i in out.loc[mismatch, 'liion_id'].head(5)]}"
        )
    dup = out["liion_id"].duplicated(keep=False)
    rep.add("liion_id", f"rows whose ID occurs more than once, kept as given (IDs "
            f"{sorted({int(i) for i in out.loc[dup, 'liion_id']})[:5]}); a join by ID must choose among them", int(dup.sum()))
    rep.add("log10_sigma", "differs from log10(sigma_S_per_cm) by 1e-6..0.0025 (3-figure rounding of target); log10_sigma kept as given",
            int((diff > 1e-6).sum()))
    rep.rows_out = len(out)
    return out, rep


# --------------------------------------------------------------------------
# public loading API
# --------------------------------------------------------------------------

_READERS = {
    "obelix_train": (lambda p: pd.read_csv(p, dtype=str, keep_default_na=False), clean_obelix),
    "laskowski2023_si": (lambda p: pd.read_csv(p, header=None, dtype=str, keep_default_na=False), clean_laskowski),
    "laskowski2023_doi_lookup": (lambda p: pd.read_csv(p, dtype=str, keep_default_na=False), _clean_doi_lookup),
    "liverpool_ionics": (lambda p: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig"), clean_liverpool),
}


def load_with_report(name: str, file: Path | None = None, *, check_sha256: bool = True) -> tuple[pd.DataFrame, CleaningReport]:
    """Load a registered data set as a tidy frame, with its cleaning report.

    Parameters
    ----------
    name : str
        Registry name (see :func:`registry`).
    file : Path, optional
        Read this file instead of the shipped one (e.g. a newer release in the
        same format). Its checksum is then not compared with the registry; it
        is read as UTF-8 (a byte-order mark is dropped; a Latin-1 file is read
        with a note in the report), and a missing, empty or header-only file
        is refused with one line naming it.
    check_sha256 : bool
        Verify the shipped file's checksum first (default True).
    """
    if name not in _READERS:
        raise DataValidationError(f"no loader for {name!r}; loaders exist for {sorted(_READERS)}")
    shipped = file is None
    if shipped:
        if check_sha256:
            verify(name)
        file = path(name)
    read, clean = _READERS[name]
    if shipped:
        df, rep = clean(read(file), name)
    else:
        raw, notes = read_csv_file(file, f"{name} file", header=None if name == "laskowski2023_si" else "infer",
                                   dtype=str, keep_default_na=False)
        df, rep = clean(raw, f"{name} ({Path(file).name})")
        for n in notes:
            rep.add("(file)", n, 0)
    expected = int(entry(name)["rows"])
    if shipped and len(df) != expected:
        raise DataValidationError(f"{name}: {len(df)} rows read, registry says {expected}")
    return df, rep


def load(name: str, file: Path | None = None) -> pd.DataFrame:
    """Load a registered data set as a tidy, validated frame (see :func:`load_with_report`).

    Examples
    --------
    >>> from ssekit.data import load
    >>> df = load("obelix_train")
    >>> len(df), "sigma_S_per_cm" in df.columns
    (478, True)
    """
    return load_with_report(name, file)[0]
