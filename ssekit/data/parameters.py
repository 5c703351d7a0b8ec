"""Physical parameters as data: every value has a unit and a source.

A parameter set is a CSV file with the columns ``name, value, unit, source,
note``: the paper packages ship theirs (``chen2021/reported.csv``,
``kim2025/asr.csv``, ...) and the cell model its configurations
(``data/cells/*.csv``). Code asks for a parameter by name *and* unit, so a
unit mismatch is an error rather than a silent factor of 1000.

Examples
--------
>>> from ssekit.data import load_parameters
>>> p = load_parameters("kim2025/asr.csv")
>>> p.get_value("liquid_sigma", "S/cm")
0.02
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, InputError
from ..files import read_csv_file
from .shipped import PACKAGE, path as registered_path, verify

__all__ = ["Parameter", "ParameterSet", "load_parameters"]


@dataclass(frozen=True)
class Parameter:
    """One parameter: value, unit and where it comes from."""

    name: str
    value: float
    unit: str
    source: str
    note: str = ""


class ParameterSet(dict[str, Parameter]):
    """A named collection of :class:`Parameter`, read from a CSV file."""

    def __init__(self, name: str, params: dict[str, Parameter]):
        super().__init__(params)
        self.name = name
        #: What was done to the values that the user should be told (unit conversions).
        self.notes: list[str] = []

    def get_value(self, name: str, unit: str) -> float:
        """Value of ``name``, checking that it is stored in ``unit``.

        Raises
        ------
        InputError
            If the set has no such parameter, or stores it in another unit.
        """
        if name not in self:
            raise InputError(f"parameter {name!r} not in set {self.name!r}; it has {sorted(self)}")
        p = self[name]
        if p.unit != unit:
            raise InputError(f"parameter {name!r} of set {self.name!r} is in {p.unit}, asked for {unit}")
        return p.value

    def to_frame(self) -> pd.DataFrame:
        """The set as a table (name, value, unit, source, note)."""
        return pd.DataFrame([vars(p) for p in self.values()]).set_index("name")

    def table(self):
        """The set for display in the book: values to 4 significant figures, units with symbols."""
        from ..tables import pretty_text, pretty_unit, show

        df = self.to_frame()
        df["unit"] = df["unit"].map(lambda u: "–" if u in ("-", "") else pretty_text(pretty_unit(u)).replace(" ", "\u00a0"))
        for col in df.columns:
            if col != "unit" and not pd.api.types.is_numeric_dtype(df[col]):
                df[col] = df[col].map(lambda v: pretty_text(v) if isinstance(v, str) else v)
        return show(df, sig={"value": 4}, missing="")


def load_parameters(file: str | Path, name: str | None = None) -> ParameterSet:
    """Load a parameter set: a registered file (package-relative path) or a user's CSV.

    Parameters
    ----------
    file : str or Path
        A package-relative registered path such as ``"kim2025/asr.csv"``
        (checksum verified), or the path of a user's CSV file.
    name : str, optional
        Name of the set (default: the file's stem).

    Raises
    ------
    DataValidationError
        If the file is missing, empty or unreadable, lacks a column, names a
        parameter twice or has a blank name, or a value is not a finite number.
    """
    rel = str(file)
    if not Path(rel).is_absolute() and (PACKAGE / rel).is_file():
        st = (PACKAGE / rel).stat()
        cached = _registered(rel, st.st_size, st.st_mtime_ns)  # checked and parsed once per version of the file
        out = ParameterSet(name or cached.name, dict(cached))
        out.notes = list(cached.notes)
        return out
    return _load(Path(file), name)


@lru_cache(maxsize=128)
def _registered(rel: str, size: int, mtime_ns: int) -> ParameterSet:
    """A registered set, checksum verified; keyed by the file's size and time so that an edited file is read again."""
    verify(rel)
    return _load(registered_path(rel), None)


def _load(path: Path, name: str | None) -> ParameterSet:
    if not path.is_file() and not path.is_dir():
        raise DataValidationError(f"{path}: no such parameter file")
    df, notes = read_csv_file(path, "parameter file", dtype=str, keep_default_na=False)
    df.columns = [str(c).strip() for c in df.columns]
    missing = {"name", "value", "unit", "source"} - set(df.columns)
    if missing:
        raise DataValidationError(f"parameter file {path} lacks column(s) {sorted(missing)} "
                                  f"(needs name, value, unit, source; found {list(df.columns)})")
    names = df["name"].str.strip()
    if (names == "").any():
        rows = [int(i) + 2 for i in df.index[names == ""]][:5]
        raise DataValidationError(f"parameter file {path}: blank name on line(s) {rows}")
    dup = names[names.duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        lines = [int(i) + 2 for i in dup.index[dup == first]]
        raise DataValidationError(f"parameter file {path}: {first!r} is given {len(lines)} times (lines {lines}); "
                                  f"{dup.nunique()} duplicated name(s) in all - keep one row per parameter")
    values = pd.to_numeric(df["value"].str.strip().str.replace("\u2212", "-", regex=False), errors="coerce")
    if values.isna().any():
        bad = df.loc[values.isna(), "name"].tolist()
        where = ", ".join(f"line {int(i) + 2}: {v!r}" for i, v in df.loc[values.isna(), "value"].head(5).items())
        raise DataValidationError(f"parameter file {path}: non-numeric value for {bad} ({where}); "
                                  "give a plain number in the file's unit column")
    finite = np.isfinite(values.to_numpy(float))
    if not finite.all():
        bad = [f"{n} = {v}" for n, v in zip(df.loc[~finite, "name"], df.loc[~finite, "value"])]
        raise DataValidationError(f"parameter file {path}: value must be a finite number for {bad}")
    params = {
        n: Parameter(n, float(v), str(r.unit).strip(), str(r.source).strip(), str(getattr(r, "note", "")).strip())
        for n, r, v in zip(names, df.itertuples(index=False), values)
    }
    out = ParameterSet(name or path.stem, params)
    out.notes = [f"note: {path}: {n.removeprefix('note: ')}" for n in notes]
    return out
