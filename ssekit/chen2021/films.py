"""The Chen et al. 2021 film data set: the real Table S1 when supplied, else a surrogate.

Chen et al. (ACS Energy Lett. 2021, 6, 1639, doi:10.1021/acsenergylett.1c00332)
doctor-bladed 110 Li6PS5Cl/PBMA slurries varying the polymer content P%
(wt%), the liquid-to-solid ratio L:S (uL of solvent per mg of LPSCl) and the
co-solvent ratio X:B (vol% xylene in xylene + isobutyl isobutyrate), and
measured thickness, density, ohmic resistance, normalised conductivity, the
deviation of thickness DoT (standard deviation over 9 points) and the relative
deviation RD = DoT / thickness. Their Table S1 is only in the paper's
Supporting Information (XLSX), which this project does not have.

- :func:`load_table_s1` reads that XLSX (or a CSV with the same columns) when a
  user supplies it, and validates it.
- :func:`make_surrogate` generates a labelled surrogate from written-out
  physical assumptions (parameter set ``chen2021_surrogate``).
- :func:`active_film_data` returns the real table when the environment
  variable ``SSEKIT_CHEN_TABLE_S1`` names a file, the surrogate otherwise;
  every chapter on the paper calls it, so supplying the file switches the
  whole book with no code change.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import CleaningReport, ColumnSpec, ParameterSet, load_parameters, sha256, validate
from ..errors import DataValidationError, InputError
from ..files import check_input_file, read_text
from ..units import convert, known_unit, normalise_unit

__all__ = ["ENV_VAR", "SHEET_ENV_VAR", "MIN_ROWS", "TABLE_S1_SPECS", "FILM_COLUMNS", "HEADER_ALIASES", "canonical_columns", "header_unit_factors", "clean_table_s1",
           "load_table_s1", "P_LEVELS", "LS_LEVELS", "XB_LEVELS", "surrogate_parameters", "design",
           "film_physics", "make_surrogate", "FilmData", "active_film_data"]

ENV_VAR = "SSEKIT_CHEN_TABLE_S1"
#: Names the sheet of the supplied XLSX to read (default: the first sheet with Table S1's headers).
SHEET_ENV_VAR = "SSEKIT_CHEN_TABLE_S1_SHEET"
#: Fewest films the analysis accepts: three classes, stratified 80/20 splits
#: and 5-fold cross-validation inside need a few films of each class in every
#: fold (the paper has 110).
MIN_ROWS = 30
#: The unit each canonical column is read in (a header's bracketed unit is compared with it).
_UNITS = {"P_pct": "%", "LS_uL_per_mg": "uL/mg", "XB_vol_pct": "%", "thickness_um": "um",
          "density_g_per_cm3": "g/cm3", "resistance_ohm": "ohm", "sigma_S_per_cm": "S/cm", "DoT_um": "um", "RD": "-"}

#: Canonical columns of Table S1, with units and the physically allowed range.
TABLE_S1_SPECS = [
    ColumnSpec("P_pct", "float", "wt%", 0, 50),
    ColumnSpec("LS_uL_per_mg", "float", "uL/mg", 0.05, 10),
    ColumnSpec("XB_vol_pct", "float", "vol% xylene", 0, 100),
    ColumnSpec("thickness_um", "float", "um", 1, 2000),
    ColumnSpec("density_g_per_cm3", "float", "g/cm3", 0.05, 5),
    ColumnSpec("resistance_ohm", "float", "ohm", 0, 1e7, ),
    ColumnSpec("sigma_S_per_cm", "float", "S/cm", 1e-9, 1),
    ColumnSpec("DoT_um", "float", "um", 0, 2000),
    ColumnSpec("RD", "float", "(DoT/thickness)", 0, 10),
]
FILM_COLUMNS = [s.name for s in TABLE_S1_SPECS]

#: Header spellings accepted for each canonical column (compared after
#: lower-casing and dropping spaces, units in brackets and punctuation).
HEADER_ALIASES = {
    "P_pct": ["p", "p%", "ppct", "polymer", "polymercontent", "binder", "bindercontent", "pbma"],
    "LS_uL_per_mg": ["ls", "l:s", "lsratio", "liquidtosolid", "liquidtosolidratio", "liquidsolidratio"],
    "XB_vol_pct": ["xb", "x:b", "xbratio", "cosolvent", "cosolventratio", "xylene"],
    "thickness_um": ["thickness", "t", "filmthickness", "averagethickness"],
    "density_g_per_cm3": ["density", "rho", "ρ"],
    "resistance_ohm": ["resistance", "ohmicresistance", "r", "ω", "ohm"],
    "sigma_S_per_cm": ["conductivity", "normalizedconductivity", "normalisedconductivity", "sigma", "σ", "σn",
                       "sigman", "ionicconductivity"],
    "DoT_um": ["dot", "deviationofthickness", "thicknessdeviation"],
    "RD": ["rd", "relativedeviation", "relativethicknessdeviation"],
}


def _key(header: str) -> str:
    h = str(header).strip().lower()
    h = re.sub(r"[\(\[].*?[\)\]]", "", h)  # drop units in brackets
    return re.sub(r"[\s_\-./]", "", h)


def canonical_columns(columns) -> dict[str, str]:
    """Map source headers to canonical names; unknown headers are ignored."""
    lookup = {alias.replace(":", ""): canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}
    lookup.update({_key(c): c for c in FILM_COLUMNS})
    out = {}
    for col in columns:
        k = _key(col).replace(":", "")
        if k in lookup and lookup[k] not in out.values():
            out[col] = lookup[k]
    return out


def header_unit_factors(raw: pd.DataFrame, mapping: dict[str, str], dataset: str,
                        rep: CleaningReport) -> dict[str, float]:
    """Factor per canonical column from the unit in its header's brackets, e.g. ``Thickness (mm)``.

    A unit equal to the column's (or not one ssekit knows) gives no entry; a
    unit that converts by a listed factor (:mod:`ssekit.units`) gives that
    factor and a step in ``rep``; a known unit of another kind is refused.
    """
    factors = {}
    for src, canon in mapping.items():
        m = re.search(r"[\(\[](.*?)[\)\]]", str(src))
        if not m or canon == "RD":
            continue
        unit, want = m.group(1).strip(), _UNITS[canon]
        if normalise_unit(unit) == normalise_unit(want) or not known_unit(unit):
            continue
        try:
            factors[canon] = convert(1.0, unit, want)
        except InputError:
            spec = TABLE_S1_SPECS[FILM_COLUMNS.index(canon)]
            raise DataValidationError(f"{dataset}: column {str(src)!r} says its unit is {unit}, but "
                                      f"{spec.describe()} is read in {want}; convert it to {want}") from None
        rep.add(canon, f"header {str(src)!r}: values converted from {unit} to {want} (x {factors[canon]:g})",
                len(raw))
    return factors


def clean_table_s1(raw: pd.DataFrame, dataset: str = "Chen 2021 Table S1", *,
                   min_rows: int = 1) -> tuple[pd.DataFrame, CleaningReport]:
    """Validate a Table S1-shaped frame and return it with canonical columns.

    Row labels of ``raw`` are used in messages (the loader labels rows by
    their line in the file). A unit in a header's brackets is honoured when
    it converts by a plain factor (``Thickness (mm)``), refused when it is
    a known unit of another kind; full duplicate rows are reported with
    their lines and kept.

    Raises
    ------
    DataValidationError
        When a column is missing (the message lists the accepted headers),
        a value is not numeric or outside its range, R is not positive, P%
        or X:B look like fractions instead of percent, or fewer than
        ``min_rows`` films remain.
    """
    mapping = canonical_columns(raw.columns)
    missing = [c for c in FILM_COLUMNS if c not in mapping.values()]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(HEADER_ALIASES[c][:4])}" for c in missing)
        raise DataValidationError(f"{dataset}: missing column(s) {missing} (accepted headers - {accepted}); "
                                  f"found {list(map(str, raw.columns))}")
    rep = CleaningReport(dataset, rows_in=len(raw))
    factors = header_unit_factors(raw, mapping, dataset, rep)
    df = raw.rename(columns=mapping)[FILM_COLUMNS].copy()
    df = df.replace(r"^\s*$", np.nan, regex=True)
    empty = df.isna().all(axis=1)
    if empty.any():
        rep.add("(all)", "empty rows (spreadsheet padding) removed", int(empty.sum()))
        df = df[~empty]
    for col in FILM_COLUMNS:
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna()
        if bad.any():
            ex = ", ".join(f"{df.index.name or 'row'} {i}: {v!r}" for i, v in list(df.loc[bad, col].items())[:5])
            spec = TABLE_S1_SPECS[FILM_COLUMNS.index(col)]
            raise DataValidationError(f"{dataset}: column {spec.describe()} has {int(bad.sum())} missing or non-numeric value(s): {ex}")
        df[col] = num.astype(float) * factors.get(col, 1.0)
    df = validate(df, TABLE_S1_SPECS, dataset)
    label = df.index.name or "row"
    zero_r = df["resistance_ohm"] <= 0
    if zero_r.any():
        where = ", ".join(f"{label} {i}" for i in df.index[zero_r][:5])
        raise DataValidationError(f"{dataset}: column resistance_ohm (float ohm, > 0) must be positive; {where}: 0")
    for col in ("P_pct", "XB_vol_pct"):
        if 0 < df[col].max() <= 1 and col not in factors:
            raise DataValidationError(f"{dataset}: column {TABLE_S1_SPECS[FILM_COLUMNS.index(col)].describe()} holds "
                                      f"only values <= 1 (largest {df[col].max():g}): fractions, not percent; "
                                      "multiply by 100 or write '(fraction)' in the header")
    dup = df.duplicated(keep=False)
    if dup.any():
        rep.add("(all)", f"identical rows (every column equal) kept as given, at {label}s "
                f"{[int(i) for i in df.index[dup][:8]]}: check for a copy-paste", int(dup.sum()))
    gap = (df["RD"] - df["DoT_um"] / df["thickness_um"]).abs() > 0.02 + 0.05 * df["RD"]
    rep.add("RD", "rows where RD differs from DoT/thickness by more than 5 % + 0.02 (kept, as given)", int(gap.sum()))
    if len(df) < min_rows:
        raise DataValidationError(f"{dataset}: {len(df)} film row(s); the analysis needs at least {min_rows} "
                                  "(the paper reports 110)")
    if len(df) != 110:
        rep.add("(all)", f"row count {len(df)} (the paper reports 110)", len(df))
    rep.rows_out = len(df)
    return df.reset_index(drop=True), rep


def _header_row(grid: pd.DataFrame, max_scan: int = 10) -> int | None:
    """Index of the first row (of the first ``max_scan``) that holds every Table S1 header, or None."""
    for i in range(min(max_scan, len(grid))):
        values = [str(v) for v in grid.iloc[i].tolist() if pd.notna(v)]
        if set(canonical_columns(values).values()) >= set(FILM_COLUMNS):
            return i
    return None


def _with_header(grid: pd.DataFrame, row: int, first_line: int = 1) -> pd.DataFrame:
    """Rows under ``row`` with that row as header, labelled by their line in the file."""
    out = grid.iloc[row + 1:].copy()
    out.columns = [str(v) if pd.notna(v) else f"(blank {j})" for j, v in enumerate(grid.iloc[row])]
    out.index = pd.Index(range(first_line + row + 1, first_line + row + 1 + len(out)), name="line")
    return out


def load_table_s1(path: str | Path, sheet: str | int | None = None,
                  min_rows: int = MIN_ROWS) -> tuple[pd.DataFrame, CleaningReport]:
    """Read the paper's Table S1 (XLSX or CSV) and validate it.

    Parameters
    ----------
    path : str or Path
        An XLSX (or XLS) workbook, or a CSV with the same columns.
    sheet : str or int, optional
        The sheet to read (name or 0-based position). Default: the first sheet
        whose first ten rows hold Table S1's headers; caption rows above the
        header are skipped, and both are reported.
    min_rows : int
        Fewest films accepted (default :data:`MIN_ROWS`, what the analysis needs).

    Raises
    ------
    DataValidationError
        For a missing, empty or unreadable file, a missing sheet or column,
        and every check of :func:`clean_table_s1`; the message names the file,
        the sheet, the line, the column with its unit and allowed range.
    """
    path = Path(path)
    try:
        check_input_file(path, f"Table S1 file (${ENV_VAR})")
    except InputError as exc:
        raise DataValidationError(str(exc)) from None
    notes = []
    if path.suffix.lower() in (".csv", ".txt"):
        text, notes = read_text(path, "Table S1 CSV")
        try:
            sheets = {None: pd.read_csv(io.StringIO(text), header=None, dtype=str, skip_blank_lines=False)}
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataValidationError(f"{path}: not a readable CSV ({' '.join(str(exc).split())})") from None
    else:
        try:
            book = pd.ExcelFile(path)
        except Exception as exc:  # not a workbook: openpyxl/xlrd raise many types
            raise DataValidationError(f"{path}: not a readable Excel workbook ({type(exc).__name__}); "
                                      "give the SI's XLSX or a CSV") from None
        names = book.sheet_names
        if sheet is not None:
            pick = names[sheet] if isinstance(sheet, int) and 0 <= sheet < len(names) else sheet
            if pick not in names:
                raise DataValidationError(f"{path}: no sheet {sheet!r}; the workbook has {names}")
            names = [pick]
        sheets = {n: pd.read_excel(book, sheet_name=n, header=None) for n in names}
    for name, grid in sheets.items():
        row = _header_row(grid)
        if row is None:
            continue
        where = f"{path.name}" + (f", sheet {name!r}" if name is not None else "")
        df, rep = clean_table_s1(_with_header(grid, row), f"Chen 2021 Table S1 ({where})", min_rows=min_rows)
        if name is not None and name != next(iter(sheets)):
            rep.add("(all)", f"read sheet {name!r}: the sheet(s) before it hold no Table S1 header", 0)
        if row:
            rep.add("(all)", f"{row} caption row(s) above the header skipped", row)
        for n in notes:
            rep.add("(file)", n, 0)
        return df, rep
    first = next(iter(sheets))
    where = f"{path.name}" + (f", sheet {first!r}" if first is not None else "")
    grid = sheets[first]
    if grid.empty:
        raise DataValidationError(f"Chen 2021 Table S1 ({where}): the sheet is empty")
    # no row holds every header: report against the first row, which names what is missing
    return clean_table_s1(_with_header(grid, 0), f"Chen 2021 Table S1 ({where})", min_rows=min_rows)


# --------------------------------------------------------------------------
# the surrogate
# --------------------------------------------------------------------------

P_LEVELS = (3.0, 5.0, 7.0, 10.0)
LS_LEVELS = (0.6, 0.8, 1.0, 1.2, 1.4)
XB_LEVELS = (0.0, 25.0, 50.0, 75.0, 100.0)


def surrogate_parameters() -> ParameterSet:
    """The surrogate's assumptions, each with unit and source."""
    return load_parameters("chen2021/surrogate.csv")


def design(n: int = 110, seed: int = 20210326) -> pd.DataFrame:
    """The surrogate's design of experiments.

    A full factorial of P% {3, 5, 7, 10} x L:S {0.6 ... 1.4} x X:B {0 ... 100}
    (100 recipes) plus ``n - 100`` replicates drawn at random from it; for
    ``n < 100``, a random subset of the factorial.
    """
    grid = pd.MultiIndex.from_product([P_LEVELS, LS_LEVELS, XB_LEVELS], names=["P_pct", "LS_uL_per_mg", "XB_vol_pct"])
    df = grid.to_frame(index=False)
    rng = np.random.default_rng(seed)
    if n < len(df):  # a random fraction of the factorial (used by the power study)
        return df.iloc[np.sort(rng.choice(len(df), n, replace=False))].reset_index(drop=True)
    if n > len(df):  # the factorial plus replicates, drawn without replacement while there are enough recipes
        extra = df.iloc[np.sort(rng.choice(len(df), n - len(df), replace=n - len(df) > len(df)))]
        df = pd.concat([df, extra], ignore_index=True)
    return df.reset_index(drop=True)


def film_physics(recipes: pd.DataFrame, params: ParameterSet | None = None) -> pd.DataFrame:
    """Noise-free film properties from the surrogate's physical relations.

    Per mg of LPSCl the slurry holds ``V_se = 1/rho_lpscl`` uL of electrolyte,
    ``V_b = P/(100-P)/rho_binder`` uL of binder and ``L:S`` uL of solvent.

    - solid volume fraction of the slurry ``phi = (V_se + V_b)/(V_se + V_b + L:S)``
    - viscosity index ``v = w_p (P-5)/5 + w_xb X:B/100 + w_ls (1 - L:S)``;
      aggregation ``a = max(0, v - threshold)``
    - porosity ``eps = clip(eps0 + k_ls (L:S - 1) + k_a a)``
    - dried thickness ``h = gap * phi / (1 - eps) * (1 + k_h a)``
    - electrolyte volume fraction of the film ``f = (1 - eps) V_se/(V_se + V_b)``;
      conductivity ``sigma = sigma_powder * f**n`` (binder blocking and tortuosity)
    - density ``rho = (1 - eps) * (1 + P/(100-P)) / (V_se + V_b)``
    - uniformity ``ln RD = ln RD_min + c (L:S - L_opt(X:B))**2 + k_rd a`` with
      ``L_opt = L_opt50 + s (X:B - 50)/50`` (the L:S x X:B interaction)
    - ``DoT = RD * h`` and ``R = h / (sigma * A)``
    """
    p = params or surrogate_parameters()
    g = lambda name: p[name].value  # noqa: E731
    P, LS, XB = (recipes[c].to_numpy(float) for c in ("P_pct", "LS_uL_per_mg", "XB_vol_pct"))
    v_se = 1.0 / g("rho_lpscl")
    v_b = P / (100.0 - P) / g("rho_binder")
    v_s = v_se + v_b
    phi = v_s / (v_s + LS)
    visc = g("visc_weight_p") * (P - 5) / 5 + g("visc_weight_xb") * XB / 100 + g("visc_weight_ls") * (1 - LS)
    agg = np.maximum(0.0, visc - g("visc_threshold"))
    eps = np.clip(g("porosity_base") + g("porosity_per_ls") * (LS - 1) + g("porosity_per_aggregation") * agg,
                  g("porosity_min"), g("porosity_max"))
    h = g("wet_gap_um") * phi / (1 - eps) * (1 + g("thickness_per_aggregation") * agg)
    f_se = (1 - eps) * v_se / v_s
    sigma = g("sigma_powder") * f_se ** g("tortuosity_exponent")
    rho = (1 - eps) * (1 + P / (100 - P)) / v_s
    ls_opt = g("ls_opt_at_xb50") + g("ls_opt_slope_xb") * (XB - 50) / 50
    ln_rd = np.log(g("rd_min")) + g("rd_curvature") * (LS - ls_opt) ** 2 + g("rd_per_aggregation") * agg
    return pd.DataFrame({"aggregation": agg, "porosity": eps, "thickness_um": h, "sigma_S_per_cm": sigma,
                         "density_g_per_cm3": rho, "ln_RD": ln_rd})


def make_surrogate(params: ParameterSet | None = None, seed: int | None = None, n: int = 110) -> pd.DataFrame:
    """The surrogate Table S1: design, physics, then log-normal measurement scatter.

    Returns the canonical Table S1 columns (see :data:`FILM_COLUMNS`).
    Deterministic for a given seed (default: the parameter set's ``seed``).
    """
    p = params or surrogate_parameters()
    seed = int(p["seed"].value) if seed is None else seed
    rng = np.random.default_rng(seed)
    rec = design(n, seed)
    phys = film_physics(rec, p)
    h = phys["thickness_um"] * np.exp(rng.normal(0, p["noise_thickness"].value, n))
    sigma = phys["sigma_S_per_cm"] * np.exp(rng.normal(0, p["noise_sigma"].value, n))
    rd = np.exp(phys["ln_RD"] + rng.normal(0, p["noise_rd"].value, n))
    out = rec.copy()
    out["thickness_um"] = h
    out["density_g_per_cm3"] = phys["density_g_per_cm3"]
    out["resistance_ohm"] = h * 1e-4 / (sigma * p["measurement_area"].value)
    out["sigma_S_per_cm"] = sigma
    out["DoT_um"] = rd * h
    out["RD"] = rd
    return out[FILM_COLUMNS]


@dataclass(frozen=True)
class FilmData:
    """The film table in use and what it is."""

    table: pd.DataFrame
    is_surrogate: bool
    source: str
    report: CleaningReport | None = None

    @property
    def label(self) -> str:
        return "SURROGATE data (not the paper's)" if self.is_surrogate else f"real data: {self.source}"

    @property
    def data_kind(self) -> str:
        """The claims registry's word for it."""
        return "surrogate" if self.is_surrogate else "paper data"


@lru_cache(maxsize=4)
def _active(path: str, digest: str, sheet: str) -> FilmData:
    if not path:
        return FilmData(make_surrogate(), True, "surrogate generated by ssekit.chen2021.films.make_surrogate")
    df, rep = load_table_s1(path, sheet or None)
    where = Path(path).name + (f", sheet {sheet!r}" if sheet else "")
    return FilmData(df, False, f"Chen et al. 2021 Table S1, user-supplied ({where}, sha256 {digest[:12]})", rep)


def active_film_data() -> FilmData:
    """The real Table S1 if ``$SSEKIT_CHEN_TABLE_S1`` names a file, else the surrogate (a fresh copy each call).

    ``$SSEKIT_CHEN_TABLE_S1_SHEET`` names the sheet to read (default: the
    first with Table S1's headers).
    """
    path = os.environ.get(ENV_VAR, "").strip()
    sheet = os.environ.get(SHEET_ENV_VAR, "").strip()
    digest = sha256(Path(path)) if path and Path(path).is_file() else ""
    d = _active(path, digest, sheet)
    return dataclasses.replace(d, table=d.table.copy())  # a copy: editing it never changes the cached table
