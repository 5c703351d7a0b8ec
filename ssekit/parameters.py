"""Physical parameters as data: every value has a unit and a source.

Parameter sets are CSV files in ``ssekit/data/parameters/`` with the columns
``name, value, unit, source, note``. Code asks for a parameter by name and
unit, so a unit mismatch is an error rather than a silent factor of 1000.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

PARAM_DIR = Path(str(resources.files("ssekit") / "data" / "parameters"))


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

    def get_value(self, name: str, unit: str) -> float:
        """Value of ``name``, checking that it is stored in ``unit``."""
        if name not in self:
            raise KeyError(f"parameter {name!r} not in set {self.name!r}; it has {sorted(self)}")
        p = self[name]
        if p.unit != unit:
            raise ValueError(f"parameter {name!r} of set {self.name!r} is in {p.unit}, asked for {unit}")
        return p.value

    def to_frame(self) -> pd.DataFrame:
        """The set as a table (name, value, unit, source, note)."""
        return pd.DataFrame([vars(p) for p in self.values()]).set_index("name")

    def table(self):
        """The set for display in the book: values to 4 significant figures."""
        return self.to_frame().style.format({"value": "{:.4g}"})


def available() -> list[str]:
    """Names of the shipped parameter sets."""
    return sorted(p.stem for p in PARAM_DIR.glob("*.csv"))


def load_parameters(name: str, path: Path | None = None) -> ParameterSet:
    """Load a shipped parameter set by name, or a user's CSV from ``path``."""
    path = Path(path) if path is not None else PARAM_DIR / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"no parameter set {name!r} at {path}; shipped sets: {available()}")
    df = pd.read_csv(path, dtype={"name": str, "unit": str, "source": str, "note": str}, keep_default_na=False)
    missing = {"name", "value", "unit", "source"} - set(df.columns)
    if missing:
        raise ValueError(f"parameter file {path} lacks column(s) {sorted(missing)}")
    values = pd.to_numeric(df["value"], errors="coerce")
    if values.isna().any():
        bad = df.loc[values.isna(), "name"].tolist()
        raise ValueError(f"parameter file {path}: non-numeric value for {bad}")
    params = {
        r.name: Parameter(r.name, float(v), r.unit, r.source, getattr(r, "note", ""))
        for r, v in zip(df.itertuples(index=False), values)
    }
    return ParameterSet(name, params)
