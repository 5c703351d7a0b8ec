"""Cross-validation of the conductivity predictor: baselines, the model search, error and interval tables.

Every choice of :class:`ssekit.ml.conductivity.ConductivityModel` (how a head
turns its trees into an answer, trees per head, features tried per split,
leaf size, the 'below detection' threshold, which features) was made with
5-fold CV grouped by chemical system on the OBELiX training split only
(:func:`search`; ``scripts/predictor_search`` records the table the book
shows). Scores follow the OBELiX convention (a '<1E-10' label counts as
log10 σ = −15) and are also given on the measured rows only.

Baselines: the training mean, a random forest on lattice and space group,
the OBELiX authors' random-forest recipe, extra trees that average the −15
labels into their leaves as if they were measurements, and a two-part
hurdle (a classifier for 'below detection' plus a regressor trained on the
measured rows only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor, RandomForestRegressor
from sklearn.metrics import mean_absolute_error, r2_score

from ..threads import fit_forest, one_thread
from .conductivity import (CENSORED_LOG10, DETECTION_LIMIT_LOG10, HEADS, LATTICE, ConductivityModel,
                           conformal_quantile, cv_splits, model_input, normalised_conformal)

__all__ = ["PREDICTOR", "LatticeRF", "ObelixRF", "MeanTrees", "HurdleTrees", "cross_validate", "cv_table",
           "interval_coverage", "predictor_intervals", "coverage_by_family", "error_by_distance", "SEARCH", "search"]

#: Column of :func:`cross_validate` holding the predictor's answer (richest head per row).
PREDICTOR = "ssekit predictor"


class _Baseline:
    """A baseline on a fixed set of columns."""

    name = "baseline"

    def _X(self, F):
        raise NotImplementedError

    def fit(self, F, y):
        """Fit on the rows of ``F`` with labels ``y``."""
        model = self._model()
        X, y = self._X(F), np.asarray(y, float)
        self.model_ = fit_forest(model, X, y) if isinstance(model, RandomForestRegressor) else model.fit(X, y)
        return self

    def predict(self, F):
        """Predictions for the rows of ``F``."""
        return self.model_.predict(self._X(F))


class LatticeRF(_Baseline):
    """Random forest on the lattice (a, b, c, angles) and the space group number only."""

    name = "RF, lattice + space group"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def _model(self):
        return RandomForestRegressor(n_estimators=200, random_state=self.seed, n_jobs=1)

    def _X(self, F):
        return F[LATTICE + ["space_group_number"]].fillna(-1).to_numpy(float)


class ObelixRF(_Baseline):
    """The OBELiX authors' random-forest recipe: element amounts per cell + space group + lattice.

    Features as in their benchmark (Therrien et al. 2025, ``benchmark/tuning.py``):
    the number of atoms of each element per unit cell (their 'True
    Composition'), the space group number and a, b, c, alpha, beta, gamma.
    Hyper-parameters are their stated starting values (max_depth 12,
    max_features 'sqrt', min_samples_leaf 2, 50 trees); their tuned values
    are not published with the code.
    """

    name = "OBELiX RF recipe"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def _model(self):
        return RandomForestRegressor(n_estimators=50, max_depth=12, max_features="sqrt", min_samples_leaf=2,
                                     random_state=self.seed, n_jobs=1)

    def fit(self, F, y):
        """Fit on the rows of ``F`` (their element vocabulary is fixed here)."""
        self.elements_ = [c for c in F.columns if c.startswith("x_") and (F[c].fillna(0) > 0).any()]
        return super().fit(F, y)

    def _X(self, F):
        amounts = F[self.elements_].fillna(0).to_numpy(float) * F[["atoms_per_cell"]].fillna(0).to_numpy(float)
        return np.hstack([amounts, F[["space_group_number"] + LATTICE].fillna(-1).to_numpy(float)])


class _Mean(_Baseline):
    name = "mean baseline"

    def _model(self):
        return DummyRegressor(strategy="mean")

    def _X(self, F):
        return np.zeros((len(F), 1))


def _head_rows(model: ConductivityModel, X: np.ndarray) -> dict[str, np.ndarray]:
    return {h: np.isfinite(X[:, c]).all(axis=1) for h, c in model.head_columns_.items()}


class MeanTrees:
    """Extra trees per head that average the labels, the −15 of a bound included, as if all were measurements."""

    name = "extra trees, −15 averaged as a value"

    def __init__(self, seed: int = 0, n_estimators: int = 100):
        self.seed, self.n_estimators = seed, n_estimators

    def fit(self, F, y):
        """Fit one forest per head on the rows of ``F`` that have its inputs."""
        X = model_input(F)
        ref = ConductivityModel(n_estimators=1, calibrate=False)
        ref.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.cols_ = ref._head_columns(X.to_numpy(float))
        Xa, y = X.to_numpy(float), np.asarray(y, float)
        self.forests_ = {}
        for h, c in self.cols_.items():
            m = np.isfinite(Xa[:, c]).all(axis=1)
            if m.sum() >= 20:
                self.forests_[h] = fit_forest(ExtraTreesRegressor(self.n_estimators, random_state=self.seed, n_jobs=1),
                                              Xa[m][:, c], y[m])
        return self

    def predict(self, F):
        """The richest head's mean for each row."""
        Xa = model_input(F).to_numpy(float)
        out = np.full(len(Xa), np.nan)
        for h, f in self.forests_.items():
            m = np.isfinite(Xa[:, self.cols_[h]]).all(axis=1)
            if m.any():
                out[m] = f.predict(Xa[m][:, self.cols_[h]])
        return out


class HurdleTrees(MeanTrees):
    """Two parts: a classifier for 'below detection' and, where it says no, a regressor fitted on measured rows only."""

    name = "hurdle: classifier + regressor on measured rows"

    def __init__(self, seed: int = 0, n_estimators: int = 300, threshold: float = 0.5):
        super().__init__(seed, n_estimators)
        self.threshold = threshold

    def fit(self, F, y):
        """Fit the classifier on every row and the per-head regressors on the measured ones."""
        y = np.asarray(y, float)
        cens = np.isclose(y, CENSORED_LOG10)
        super().fit(F.loc[~cens], y[~cens])
        Xa = model_input(F).to_numpy(float)
        c = self.cols_["composition+cell"] if "composition+cell" in self.cols_ else self.cols_["composition"]
        m = np.isfinite(Xa[:, c]).all(axis=1)
        self.clf_cols_ = c
        self.clf_ = ExtraTreesClassifier(self.n_estimators, max_features="sqrt", random_state=self.seed,
                                         n_jobs=1).fit(Xa[m][:, c], cens[m]) if cens[m].any() else None
        return self

    def predict(self, F):
        """−15 where the classifier's probability reaches the threshold, else the regressor."""
        p = super().predict(F)
        if self.clf_ is None:
            return p
        Xa = model_input(F).to_numpy(float)[:, self.clf_cols_]
        m = np.isfinite(Xa).all(axis=1)
        pb = np.zeros(len(p))
        pb[m] = self.clf_.predict_proba(Xa[m])[:, 1]
        return np.where(pb >= self.threshold, CENSORED_LOG10, p)


def _baselines(seed: int) -> list:
    return [_Mean(), LatticeRF(seed), ObelixRF(seed), MeanTrees(seed), HurdleTrees(seed)]


def cross_validate(F: pd.DataFrame, y, scheme: str, seed: int = 0, model: ConductivityModel | None = None,
                   baselines: bool = True, n_jobs: int = 1) -> pd.DataFrame:
    """Out-of-fold predictions of the predictor (every head) and of the baselines under one CV scheme.

    Parameters
    ----------
    F : pandas.DataFrame
        :func:`ssekit.ml.conductivity.conductivity_features` of the training rows.
    y : array-like
        Their log10 σ (−15 for bounds).
    scheme : str
        One of :data:`ssekit.ml.conductivity.SCHEMES`.
    seed : int
        Seed of the splits and the models.
    model : ConductivityModel, optional
        The predictor's settings (default: the shipped ones).
    baselines : bool
        Also fit the baselines.
    n_jobs : int
        Unused (kept for callers); folds run in this process.

    Returns
    -------
    pandas.DataFrame
        ``y``, ``censored``, ``fold``, ``family``, per head ``pred``/``iqr``/``p_below <head>``,
        ``distance`` (to the nearest material of the training folds), ``head``
        (the richest head), :data:`PREDICTOR`, ``iqr``, ``p_below``, and one
        column per baseline.
    """
    y = np.asarray(y, float)
    splits = cv_splits(F, scheme, seed=seed)
    model = ConductivityModel(seed=seed) if model is None else model
    X = model_input(F)
    with one_thread():
        oof = model.set_params(calibrate=False).out_of_fold(X, y, splits)
        oof = oof.set_axis(F.index)
        oof.insert(0, "y", y)
        oof.insert(1, "censored", np.isclose(y, CENSORED_LOG10))
        oof.insert(3, "family", F["family"].fillna("unknown").astype(str).to_numpy())
        head = pd.Series("", index=F.index, dtype=object)
        for h in HEADS:
            head[oof[f"pred {h}"].notna()] = h
        oof["head"] = head
        for k in ("pred", "iqr", "p_below"):
            oof[k if k != "pred" else PREDICTOR] = [oof.at[i, f"{k} {h}"] if h else np.nan for i, h in head.items()]
        if baselines:
            for b in _baselines(seed):
                col = np.full(len(y), np.nan)
                for tr, te in splits:
                    col[te] = b.fit(F.iloc[tr], y[tr]).predict(F.iloc[te])
                oof[b.name] = col
    oof["fold"] = oof["fold"].astype(int)
    return oof


def _models(df: pd.DataFrame) -> list[str]:
    skip = {"y", "censored", "fold", "family", "head", "iqr", "p_below", "distance", "ID", "scheme"}
    return [c for c in df.columns if c not in skip and not c.startswith(("iqr ", "p_below "))]


def cv_table(oof: dict[str, pd.DataFrame], censored=None) -> pd.DataFrame:
    """MAE (OBELiX convention), MAE on measured rows and R² (log10 S/cm) per model and CV scheme.

    Parameters
    ----------
    oof : dict of str to pandas.DataFrame
        Scheme name -> :func:`cross_validate` output.
    censored : array-like of bool, optional
        Rows whose label is a bound (default: the ``censored`` column).

    Returns
    -------
    pandas.DataFrame
        Index (model, rows scored); columns (metric, scheme).
    """
    rows = []
    for scheme, df in oof.items():
        cens = np.asarray(df["censored"] if censored is None else censored, bool)
        for model in _models(df):
            name = model[len("pred "):] + " head" if model.startswith("pred ") else model
            m = df[model].notna().to_numpy()
            yv, p = df["y"].to_numpy()[m], df[model].to_numpy()[m]
            mu = ~cens[m]
            rows.append((name, int(m.sum()), scheme, "MAE, bounds as −15", mean_absolute_error(yv, p)))
            rows.append((name, int(m.sum()), scheme, "MAE, measured rows", mean_absolute_error(yv[mu], p[mu])))
            rows.append((name, int(m.sum()), scheme, "R²", r2_score(yv, p)))
    t = pd.DataFrame(rows, columns=["model", "rows", "scheme", "metric", "value"])
    return t.pivot_table(index=["model", "rows"], columns=["metric", "scheme"], values="value", sort=False)


def _covered(lo, hi, y, cens) -> np.ndarray:
    """Inside the interval; a bound counts as covered when the interval reaches below the detection limit."""
    return np.where(cens, lo <= DETECTION_LIMIT_LOG10, (lo <= y) & (y <= hi))


def _cross_conformal(oof: pd.DataFrame, h: str, sel, level: float, kind: str = "normalised"):
    """Each fold judged with an interval calibrated on the other folds' measured rows."""
    pred, iqr = oof[f"pred {h}"].to_numpy(), oof[f"iqr {h}"].to_numpy()
    y, cens, fold = oof["y"].to_numpy(), oof["censored"].to_numpy(bool), oof["fold"].to_numpy()
    lo, hi = np.full(len(y), np.nan), np.full(len(y), np.nan)
    for k in np.unique(fold):
        cal = (fold != k) & np.isfinite(pred) & ~cens
        te = np.asarray(sel, bool) & (fold == k) & np.isfinite(pred)
        r = np.abs(pred[cal] - y[cal])
        if kind == "constant":
            hw = np.full(te.sum(), conformal_quantile(r, level))
        else:
            beta, q = normalised_conformal(r, iqr[cal], level)
            hw = q * (iqr[te] + beta)
        lo[te], hi[te] = np.maximum(pred[te] - hw, CENSORED_LOG10), pred[te] + hw
    return lo, hi


def interval_coverage(oof: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """Coverage and median width of the intervals per head, measured by cross-conformal grouped CV.

    Each fold is judged with an interval calibrated on the other folds'
    measured rows, for the head that answers each row, and for the
    composition head on every row (as for rows given without a lattice).
    Two kinds: normalised by the row's interquartile range (what the model
    uses) and constant width (plain split conformal, for comparison).

    Parameters
    ----------
    oof : pandas.DataFrame
        :func:`cross_validate` output.
    level : float
        Nominal coverage.

    Returns
    -------
    pandas.DataFrame
        Index (head, interval); rows, coverage, median width (decades).
    """
    cases = [(h, h, oof["head"] == h) for h in HEADS if (oof["head"] == h).any()]
    cases.append(("composition (every row, lattice ignored)", "composition", oof["pred composition"].notna()))
    out = []
    for label, h, sel in cases:
        for kind in ("normalised", "constant"):
            lo, hi = _cross_conformal(oof, h, sel, level, kind)
            s = sel.to_numpy(bool)
            cov = _covered(lo[s], hi[s], oof["y"].to_numpy()[s], oof["censored"].to_numpy(bool)[s])
            out.append((label, kind, int(s.sum()), float(cov.mean()), float(np.median(hi[s] - lo[s]))))
    return pd.DataFrame(out, columns=["head", "interval", "rows", "coverage", "median width (decades)"]
                        ).set_index(["head", "interval"])


def predictor_intervals(oof: pd.DataFrame, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Cross-conformal (lo, hi) of the predictor's answer for every row (normalised intervals)."""
    lo, hi = np.full(len(oof), np.nan), np.full(len(oof), np.nan)
    for h in HEADS:
        sel = (oof["head"] == h).to_numpy()
        if sel.any():
            a, b = _cross_conformal(oof, h, sel, level)
            lo[sel], hi[sel] = a[sel], b[sel]
    return lo, hi


def coverage_by_family(oof: pd.DataFrame, level: float = 0.9, min_rows: int = 5) -> pd.DataFrame:
    """Per family (at least ``min_rows`` rows): rows, MAE (both conventions), coverage and median width.

    Parameters
    ----------
    oof : pandas.DataFrame
        :func:`cross_validate` output.
    level : float
        Nominal coverage.
    min_rows : int
        Smaller families are pooled as 'other'.

    Returns
    -------
    pandas.DataFrame
        Sorted by MAE, worst first.
    """
    lo, hi = predictor_intervals(oof, level)
    y, cens, p = oof["y"].to_numpy(), oof["censored"].to_numpy(bool), oof[PREDICTOR].to_numpy()
    fam = oof["family"].str.strip()
    counts = fam.value_counts()
    fam = fam.where(fam.map(counts) >= min_rows, "other (smaller families)")
    f = pd.DataFrame({"family": fam.to_numpy(), "err": np.abs(p - y), "cens": cens,
                      "cov": _covered(lo, hi, y, cens), "width": hi - lo})
    t = f.groupby("family").agg(rows=("err", "size"), mae=("err", "mean"),
                                mae_m=("err", lambda e: e[~f.loc[e.index, "cens"]].mean()),
                                coverage=("cov", "mean"), width=("width", "median"))
    t.columns = ["rows", "MAE, bounds as −15 (decades)", "MAE, measured rows (decades)", "coverage",
                 "median width (decades)"]
    return t.sort_values("MAE, bounds as −15 (decades)", ascending=False)


def error_by_distance(oof: pd.DataFrame, limit: float, level: float = 0.9, bins: int = 4) -> pd.DataFrame:
    """Error and coverage against the distance to the nearest training material (quartiles, then beyond the limit).

    Parameters
    ----------
    oof : pandas.DataFrame
        :func:`cross_validate` output.
    limit : float
        The model's domain limit (rows beyond it form the last bin).
    level : float
        Nominal coverage.
    bins : int
        Quantile bins of the rows inside the limit.

    Returns
    -------
    pandas.DataFrame
        Per distance bin: rows, MAE (both conventions), coverage, median width.
    """
    lo, hi = predictor_intervals(oof, level)
    d, y, cens, p = (oof["distance"].to_numpy(), oof["y"].to_numpy(), oof["censored"].to_numpy(bool),
                     oof[PREDICTOR].to_numpy())
    inside = d <= limit
    edges = np.quantile(d[inside], np.linspace(0, 1, bins + 1))
    label = np.full(len(d), "", dtype=object)
    for k in range(bins):
        m = inside & (d >= edges[k]) & ((d <= edges[k + 1]) if k == bins - 1 else (d < edges[k + 1]))
        label[m] = f"{edges[k]:.2f}-{edges[k + 1]:.2f}"
    label[~inside] = f"> {limit:.2f} (outside the domain)"
    f = pd.DataFrame({"distance": label, "err": np.abs(p - y), "cens": cens, "cov": _covered(lo, hi, y, cens),
                      "width": hi - lo})
    t = f.groupby("distance", sort=False).agg(rows=("err", "size"), mae=("err", "mean"),
                                              mae_m=("err", lambda e: e[~f.loc[e.index, "cens"]].mean()),
                                              coverage=("cov", "mean"), width=("width", "median"))
    t.columns = ["rows", "MAE, bounds as −15 (decades)", "MAE, measured rows (decades)", "coverage",
                 "median width (decades)"]
    t.index.name = "distance to the nearest training material (SD units)"
    return t.loc[[lab for lab in dict.fromkeys(label[np.argsort(d)])]]


# --------------------------------------------------------------------------
# the model search
# --------------------------------------------------------------------------

#: What was tried: (answer, trees per head, features per split, leaf size, element fractions, Ea head, thresholds).
SEARCH = [
    ("weighted median", 100, 1.0, 3, True, True, (0.5,)),
    ("weighted median", 300, 1.0, 1, True, True, (0.5,)),
    ("weighted median", 300, 1.0, 3, True, True, (0.3, 0.4, 0.5, 0.6, 0.7)),
    ("weighted median", 300, 1.0, 5, True, True, (0.5,)),
    ("weighted median", 300, 0.5, 3, True, True, (0.5,)),
    ("weighted median", 300, 1.0, 3, False, True, (0.5,)),
]


def search(F: pd.DataFrame, y, seed: int = 0, grid=SEARCH) -> pd.DataFrame:
    """Chemical-system-grouped 5-fold CV of every setting in ``grid`` and of the baselines.

    Parameters
    ----------
    F : pandas.DataFrame
        Features of the training rows.
    y : array-like
        Their labels (−15 for bounds).
    seed : int
        Seed.
    grid : list
        Settings as in :data:`SEARCH`.

    Returns
    -------
    pandas.DataFrame
        One row per setting and threshold: the settings, MAE (bounds as
        −15), MAE on measured rows, in log10 S/cm.
    """
    y = np.asarray(y, float)
    cens = np.isclose(y, CENSORED_LOG10)
    splits = cv_splits(F, "chemical system", seed=seed)
    out = []

    def score(p):
        return float(np.mean(np.abs(p - y))), float(np.mean(np.abs(p - y)[~cens]))

    for answer, n, mf, leaf, fractions, ea, thresholds in grid:
        X = model_input(F).copy()
        if not fractions:
            X.loc[:, [c for c in X.columns if c.startswith("x_")]] = 0.0
        if not ea:
            X.loc[:, ["Ea_eV", "T_C", "Ea_over_kT"]] = np.nan
        preds = {t: np.full(len(y), np.nan) for t in thresholds}
        base = ConductivityModel(n_estimators=n, max_features=mf, min_samples_leaf=leaf, calibrate=False, seed=seed)
        with one_thread():
            for tr, te in splits:
                m = clone(base).fit(X.iloc[tr], y[tr])
                for t in thresholds:
                    preds[t][te] = m.set_params(threshold=t).predict(X.iloc[te])
        for t in thresholds:
            out.append((answer, n, mf, leaf, "yes" if fractions else "no", "yes" if ea else "no", t, *score(preds[t])))
    for b in [MeanTrees(seed, 100), HurdleTrees(seed, 300, 0.5), HurdleTrees(seed, 300, 0.7)]:
        p = np.full(len(y), np.nan)
        with one_thread():
            for tr, te in splits:
                p[te] = b.fit(F.iloc[tr], y[tr]).predict(F.iloc[te])
        answer = "mean, −15 as a value" if isinstance(b, MeanTrees) and not isinstance(b, HurdleTrees) else \
            "hurdle: classifier + measured-rows regressor (mean)"
        out.append((answer, b.n_estimators, 1.0, 1, "yes", "yes",
                    getattr(b, "threshold", np.nan), *score(p)))
    return pd.DataFrame(out, columns=["answer", "trees per head", "features per split", "leaf size",
                                      "element fractions", "Ea head", "below-detection threshold",
                                      "MAE, bounds as −15 (decades)", "MAE, measured rows (decades)"])
