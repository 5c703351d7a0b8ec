"""Command-line logic of the Chen et al. 2021 film-quality model: ``ssekit films classify``.

The parser lines and what each command does live here; :mod:`ssekit.cli`
only wires them. The classifier is fitted once per process and data set
(:func:`classifier`), not on every call.

Examples
--------
>>> import argparse
>>> from ssekit.chen2021.cli import add_commands
>>> p = argparse.ArgumentParser(prog="ssekit"); add_commands(p.add_subparsers(dest="command"))
>>> p.parse_args(["films", "classify", "--p", "5", "--ls", "0.8", "--xb", "50"]).p
5.0
"""

from __future__ import annotations

import argparse
import sys

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..files import check_output_path

__all__ = ['add_commands', 'TrainingFilms', 'training_films', 'recipes_from_csv', 'classifier', 'classify']


def _film_data_note() -> str:
    """Which film data the classifier will be trained on, from the environment (nothing is loaded)."""
    import os

    from .films import ENV_VAR

    path = os.environ.get(ENV_VAR, "").strip()
    if path:
        return f"Currently trained on the real Table S1 named by ${ENV_VAR} ({path})."
    return (f"Currently SURROGATE-based: ${ENV_VAR} is not set, so the model is trained on the labelled surrogate "
            "data, not the paper's films, and every prediction is labelled so.")


@dataclass(frozen=True)
class TrainingFilms:
    """What the classifier is trained on: the active film data, its table and its K-means classes."""

    data: object
    df: pd.DataFrame
    classes: np.ndarray


def training_films() -> TrainingFilms:
    """The active film table and its classes, as :func:`ssekit.chen2021.analysis.analysis` derives them.

    Only the PCA and the K-means step run (not the whole workflow of the
    chapter), so that a prediction takes seconds; the classes are the same.

    Returns
    -------
    TrainingFilms
    """
    from . import films

    return _training_films(films.active_film_data().source)


@lru_cache(maxsize=4)
def _training_films(key: str) -> TrainingFilms:
    from ..ml import filmclass as filmml
    from . import analysis as chen2021
    from . import films

    data = films.active_film_data()
    df = data.table
    res = filmml.pca(df)
    classes = filmml.kmeans_classes(res.scores.iloc[:, :res.n_retained], df, k=3, seed=chen2021.SEED)
    chen2021._check_class_sizes(classes, data)
    return TrainingFilms(data, df, classes)


_CLASSIFIERS: dict = {}


def classifier(df: pd.DataFrame, classes, seed: int):
    """The film classifier fitted on ``df`` (:func:`ssekit.ml.filmclass.fit_classifier`), once per process and data.

    Parameters
    ----------
    df : pandas.DataFrame
        The films (the three recipe inputs).
    classes : array-like
        Their quality classes.
    seed : int
        Seed of the fit.

    Returns
    -------
    sklearn.calibration.CalibratedClassifierCV
    """
    import joblib

    from ..ml import filmclass as filmml

    key = joblib.hash((df[filmml.INPUTS], list(classes), seed))
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = filmml.fit_classifier(df, classes, seed=seed)
    return _CLASSIFIERS[key]


def recipes_from_csv(path: str, inputs: list[str]) -> pd.DataFrame:
    """Recipes from a user's CSV: the three inputs under any accepted header, other columns passed through.

    Parameters
    ----------
    path : str
        The CSV file.
    inputs : list of str
        Canonical names of the inputs (:data:`ssekit.ml.filmclass.INPUTS`).

    Returns
    -------
    pandas.DataFrame
        Inputs as text under their canonical names, converted when a header names a unit.
    """
    from .films import canonical_columns as canonical
    from .films import header_unit_factors
    from ..data import CleaningReport
    from ..errors import InputError
    from ..files import read_csv_file

    raw, notes = read_csv_file(path, "recipe CSV", dtype=str, keep_default_na=False)
    for n in notes:
        print(n, file=sys.stderr)
    mapping = {k: v for k, v in canonical(raw.columns).items() if v in inputs}
    for v in inputs:
        same = [str(k) for k in raw.columns if mapping.get(k, k) == v]
        if len(same) > 1:
            raise InputError(f"{path}: headers {same} all mean {v}; keep one column per input")
    missing = [c for c in inputs if c not in mapping.values()]
    if missing:
        raise InputError(f"{path} lacks column(s) {missing} (accepted headers e.g. 'P%', 'L:S', 'X:B'); "
                         f"found {list(map(str, raw.columns))}")
    rep = CleaningReport(str(path))
    factors = header_unit_factors(raw, mapping, str(path), rep)
    for col, what, _ in rep.steps:
        print(f"note: {path}: {what}", file=sys.stderr)
    recipes = raw.rename(columns=mapping)
    for col, f in factors.items():
        recipes[col] = pd.to_numeric(recipes[col].str.strip(), errors="coerce").mul(f).astype(object).where(
            recipes[col].str.strip() != "", recipes[col])
    dup = recipes[inputs].duplicated()
    if dup.any():
        print(f"note: {path}: data row(s) {[int(i) + 1 for i in recipes.index[dup][:8]]} repeat an earlier recipe "
              "(predicted again)", file=sys.stderr)
    return recipes


def classify(args: argparse.Namespace) -> int:
    """``ssekit films classify``: class and probability of each recipe; exit status 0 (2 for bad input)."""
    from . import analysis as chen2021
    from ..errors import InputError
    from ..files import write_csv
    from ..ml import filmclass as filmml
    from ..validation import check_range

    if args.out:
        check_output_path(args.out, inputs=[args.csv])
    if args.csv:
        recipes = recipes_from_csv(args.csv, filmml.INPUTS)
        where = f"{args.csv}, "
    elif None not in (args.p, args.ls, args.xb):
        recipes = pd.DataFrame({"P_pct": [args.p], "LS_uL_per_mg": [args.ls], "XB_vol_pct": [args.xb]})
        where = ""
    else:
        print("ssekit films classify: give --p, --ls and --xb, or --csv FILE", file=sys.stderr)
        return 2
    a = training_films()
    df = a.df
    units = {"P_pct": "wt%", "LS_uL_per_mg": "uL/mg", "XB_vol_pct": "vol% xylene"}
    outputs = ["class", "probability", "training_data"]
    clash = [c for c in recipes.columns if c in outputs or str(c).startswith("p_class")]
    if clash:
        raise InputError(f"{where}column(s) {clash} would be overwritten by the predictions; rename them")
    for col in filmml.INPUTS:
        text = recipes[col].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce")
        if values.isna().any():
            bad = values.index[values.isna()]
            shown = [str(recipes[col][i]) for i in bad[:5]]
            if not args.csv:
                raise InputError(f"{col} must be a number in {units[col]}; got {shown[0]}")
            raise InputError(f"{where}column {col} ({units[col]}) must hold numbers; data row(s) "
                             f"{[int(i) + 1 for i in bad[:5]]} hold {shown}")
        try:
            check_range(col, values, units[col], float(df[col].min()), float(df[col].max()))
        except InputError as exc:
            rows = [int(i) + 1 for i in values.index[(values < df[col].min()) | (values > df[col].max())][:5]]
            raise InputError(f"{where}{'data row(s) ' + str(rows) + ': ' if args.csv else ''}{exc} "
                             f"(the range covered by the {a.data.label})") from None
        recipes[col] = values.astype(float)
    model = classifier(df, a.classes, chen2021.SEED)
    proba = model.predict_proba(recipes[filmml.INPUTS])
    out = recipes.copy()
    out["class"] = model.classes_[proba.argmax(axis=1)]
    out["probability"] = proba.max(axis=1).round(3)
    for i, c in enumerate(model.classes_):
        out[f"p_class{c}"] = proba[:, i].round(3)
    out["training_data"] = a.data.data_kind
    label = (f"SURROGATE-based prediction: the model is trained on {len(df)} films of SURROGATE data, not the "
             "paper's (set SSEKIT_CHEN_TABLE_S1 to the real Table S1)" if a.data.is_surrogate
             else f"prediction from a model trained on {len(df)} films of {a.data.label}")
    print(f"model: linear SVM + oversampling; {label}", file=sys.stderr)
    if args.out:
        write_csv(out, args.out, inputs=[args.csv])
        print(f"wrote {len(out)} predictions to {args.out} (column training_data = {a.data.data_kind})",
              file=sys.stderr)
    else:
        print(f"# {label}")
        print(out.to_string(index=False))
    return 0


def add_commands(sub) -> None:
    """Add this paper's subcommands to the ``ssekit`` parser's subparsers ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.
    """
    f = sub.add_parser("films", help="Chen et al. 2021 film-quality model",
                       description="Tools on the Chen et al. 2021 film data set (the real Table S1 if "
                       "$SSEKIT_CHEN_TABLE_S1 names it, else the labelled surrogate).")
    fsub = f.add_subparsers(dest="films_command", required=True, metavar="SUBCOMMAND")
    fc = fsub.add_parser(
        "classify",
        help="predict the quality class of slurry recipes",
        description="Predict the film quality class (1: high conductivity, low RD; 2: high conductivity, high RD; "
        "3: low conductivity) of one recipe or a CSV of recipes, with its probability, from a linear SVM "
        "trained on all films of the active data set. Recipes outside the range of the data are refused. "
        + _film_data_note(),
    )
    fc.add_argument("--p", type=float, metavar="WT_PCT", help="polymer content P%% (wt%%)")
    fc.add_argument("--ls", type=float, metavar="UL_PER_MG", help="liquid-to-solid ratio L:S (uL/mg)")
    fc.add_argument("--xb", type=float, metavar="VOL_PCT", help="co-solvent ratio X:B (vol%% xylene)")
    fc.add_argument("--csv", metavar="FILE", help="CSV with columns P_pct, LS_uL_per_mg, XB_vol_pct (or P%%, L:S, X:B)")
    fc.add_argument("--out", metavar="FILE", help="write the predictions as CSV instead of printing them (written "
                    "atomically; a column training_data says 'surrogate' or 'paper data'; text cells starting with "
                    "= + - @ are prefixed with ' so that spreadsheets do not run them)")
    fc.set_defaults(func=classify)
