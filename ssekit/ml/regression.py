"""A suite of tuned regressors, their metrics, and honest validation.

The eight model families Mishra et al. 2023 compare (their Table 1), each a
scikit-learn pipeline (scaling inside, so a test row never
reaches a fitted scaler) tuned by grid search over the hyper-parameters the
paper's Table 1 names. Grids are kept small so that the chapter runs in
seconds; they are data here, not literals inside the fitting code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor, VotingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR
from sklearn.tree import DecisionTreeRegressor

from ..physics.constants import K_B_EV
from ..threads import parallel_map, single_threaded

__all__ = ["MODEL_NAMES", "model_grid", "fit_model", "Split", "split_70_30", "paper_metrics", "log_metrics",
           "mean_baseline", "ArrheniusBaseline", "mlp_loss_curves", "grouped_cv_mae", "random_cv_mae",
           "BootstrapModel", "bootstrap_model", "arrhenius_fits"]

MODEL_NAMES = ["RFR", "SVR (RBF)", "SVR (poly)", "GBR", "ANN", "DT", "LR", "XGB", "VR"]


def model_grid(seed: int = 0) -> dict[str, tuple[Pipeline, dict]]:
    """Each model as (pipeline, grid) -- the hyper-parameters of the paper's Table 1."""
    from xgboost import XGBRegressor

    def pipe(est):
        return Pipeline([("scale", StandardScaler()), ("model", est)])

    return {
        "RFR": (pipe(RandomForestRegressor(n_estimators=100, random_state=seed, n_jobs=1)),
                {"model__max_depth": [None, 8], "model__min_samples_leaf": [1, 3], "model__max_features": [1.0, 0.5]}),
        "SVR (RBF)": (pipe(SVR(kernel="rbf")), {"model__C": [0.1, 1, 10, 100]}),
        "SVR (poly)": (pipe(SVR(kernel="poly")), {"model__C": [0.1, 1, 10], "model__degree": [2, 3],
                                                   "model__epsilon": [0.01, 0.1]}),
        "GBR": (pipe(GradientBoostingRegressor(random_state=seed)),
                {"model__learning_rate": [0.05, 0.1], "model__max_depth": [2, 3], "model__n_estimators": [200]}),
        "ANN": (pipe(MLPRegressor(hidden_layer_sizes=(32, 16), solver="adam", max_iter=1000, early_stopping=True,
                                  n_iter_no_change=30, random_state=seed)),
                {"model__learning_rate_init": [1e-3, 1e-2], "model__alpha": [1e-4, 1e-2]}),
        "DT": (pipe(DecisionTreeRegressor(random_state=seed)),
               {"model__max_depth": [3, 5, None], "model__min_samples_leaf": [1, 4]}),
        "LR": (pipe(LinearRegression()), {}),
        "XGB": (pipe(XGBRegressor(n_estimators=200, random_state=seed, n_jobs=1, verbosity=0)),
                {"model__learning_rate": [0.05, 0.1], "model__max_depth": [2, 4], "model__min_child_weight": [1, 3]}),
        "VR": (pipe(VotingRegressor([("gbr", GradientBoostingRegressor(random_state=seed)), ("lr", LinearRegression()),
                                     ("rfr", RandomForestRegressor(n_estimators=100, random_state=seed, n_jobs=1))])),
               {}),
    }


@single_threaded
def fit_model(name: str, X: pd.DataFrame, y, seed: int = 0, cv=None, groups=None):
    """Grid-search one model on (X, y) with 3-fold CV (or ``cv``), refit on all of it.

    Convergence warnings are not printed but kept, as a count, in the
    returned pipeline's ``convergence_warnings_`` so that a chapter can say
    which fits did not converge.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    est, grid = model_grid(seed)[name]
    cv = cv if cv is not None else KFold(3, shuffle=True, random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if grid:
            est = GridSearchCV(est, grid, cv=cv, scoring="neg_mean_absolute_error").fit(X, y, groups=groups).best_estimator_
        else:
            est = est.fit(X, y)
    est.convergence_warnings_ = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    for w in caught:  # anything else is passed on as usual
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return est


@dataclass
class Split:
    X_train: pd.DataFrame
    X_test: pd.DataFrame
    train: pd.DataFrame
    test: pd.DataFrame


def split_70_30(df: pd.DataFrame, features: list[str], seed: int = 0) -> Split:
    """A random 70:30 train/test split (Mishra et al. 2023's protocol).

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    features : list of str
        Columns that form ``X_train`` and ``X_test``.
    seed : int
        ``random_state`` of the split.
    """
    tr, te = train_test_split(df, test_size=0.3, random_state=seed)
    return Split(tr[features], te[features], tr, te)


def paper_metrics(y_true, y_pred) -> dict[str, float]:
    """MSE and MAE on raw conductivity (S/cm): the paper's Table 2 metric."""
    return {"MSE": mean_squared_error(y_true, y_pred), "MAE": mean_absolute_error(y_true, y_pred)}


def log_metrics(y_true_log, y_pred_log) -> dict[str, float]:
    """MAE (decades) and R^2 on log10 conductivity."""
    return {"MAE_log10": mean_absolute_error(y_true_log, y_pred_log), "R2_log10": r2_score(y_true_log, y_pred_log)}


def mean_baseline() -> DummyRegressor:
    """A regressor that predicts the training mean: the bar any model must clear.

    Examples
    --------
    >>> import numpy as np
    >>> mean_baseline().fit(np.zeros((3, 1)), [1.0, 2.0, 3.0]).predict(np.zeros((2, 1))).tolist()
    [2.0, 2.0]
    """
    return DummyRegressor(strategy="mean")


class ArrheniusBaseline(BaseEstimator, RegressorMixin):
    """log10(sigma) from the paper's eq 1, sigma = (A/T) exp(-Ea / kB T), with one fitted constant log10 A.

    ``log10 sigma = log10 A - log10 T - Ea / (kB T ln 10)``, T in kelvin.
    Uses only the Ea_eV and T_C columns.
    """

    def _physics(self, X):
        T = np.asarray(X["T_C"], float) + 273.15
        return -np.log10(T) - np.asarray(X["Ea_eV"], float) / (K_B_EV * T * np.log(10))

    def fit(self, X, y):
        """Fit the one constant log10 A to training rows (columns Ea_eV, T_C)."""
        self.log10_A_ = float(np.mean(np.asarray(y, float) - self._physics(X)))
        return self

    def predict(self, X):
        """log10 σ predicted from Ea and T."""
        return self.log10_A_ + self._physics(X)


@single_threaded
def mlp_loss_curves(X_train, y_train, X_val, y_val, epochs: int = 300, seed: int = 0, **mlp_kw) -> pd.DataFrame:
    """Training and validation loss (mean squared error of the target as given) per epoch of an Adam MLP (Figure 6)."""
    scaler = StandardScaler().fit(X_train)
    Xt, Xv = scaler.transform(X_train), scaler.transform(X_val)
    mlp = MLPRegressor(hidden_layer_sizes=(32, 16), solver="adam", random_state=seed, **mlp_kw)
    rows = []
    yt, yv = np.asarray(y_train, float), np.asarray(y_val, float)
    for epoch in range(1, epochs + 1):
        mlp.partial_fit(Xt, yt)
        rows.append((epoch, mean_squared_error(yt, mlp.predict(Xt)), mean_squared_error(yv, mlp.predict(Xv))))
    return pd.DataFrame(rows, columns=["epoch", "train_loss", "validation_loss"]).set_index("epoch")


def _fold_mae(df: pd.DataFrame, name: str, features: list[str], tr, te, seed: int) -> float:
    """Tune and fit ``name`` on rows ``tr`` (nested: the held-out rows play no part), log10 MAE on rows ``te``."""
    model = fit_model(name, df.iloc[tr][features], df.iloc[tr]["log10_sigma"], seed)
    return float(mean_absolute_error(df.iloc[te]["log10_sigma"], model.predict(df.iloc[te][features])))


def grouped_cv_mae(df: pd.DataFrame, name: str, features: list[str], n_splits: int = 5, seed: int = 0) -> pd.DataFrame:
    """log10 MAE per fold when whole structural families are held out (GroupKFold).

    Folds are independent and run in parallel where CPUs allow (:func:`ssekit.threads.parallel_map`).
    """
    fam = df["family"].fillna("unknown")
    folds = list(GroupKFold(n_splits=n_splits).split(df, groups=fam))
    maes = parallel_map(_fold_mae, [(df, name, features, tr, te, seed) for tr, te in folds])
    rows = [(i, mae, len(te), ", ".join(sorted(fam.iloc[te].unique())[:4])) for i, ((_, te), mae) in enumerate(zip(folds, maes))]
    return pd.DataFrame(rows, columns=["fold", "MAE_log10", "n_test", "families (first 4)"]).set_index("fold")


def random_cv_mae(df: pd.DataFrame, name: str, features: list[str], n_splits: int = 5, seed: int = 0) -> pd.DataFrame:
    """log10 MAE per fold of a shuffled KFold (rows of one family on both sides); folds run in parallel."""
    folds = list(KFold(n_splits, shuffle=True, random_state=seed).split(df))
    maes = parallel_map(_fold_mae, [(df, name, features, tr, te, seed) for tr, te in folds])
    rows = [(i, mae, len(te)) for i, ((_, te), mae) in enumerate(zip(folds, maes))]
    return pd.DataFrame(rows, columns=["fold", "MAE_log10", "n_test"]).set_index("fold")


@dataclass
class BootstrapModel:
    """A fitted pipeline plus refits of the same configuration on bootstrap resamples.

    ``predict`` gives the full-data model's prediction; the spread of the
    bootstrap refits gives its uncertainty (model and sampling variability,
    not measurement scatter).
    """

    model: Pipeline
    members: list
    halfwidth90: float = float("nan")

    def predict_interval(self, X, q=(0.05, 0.95)) -> pd.DataFrame:
        """Prediction, bootstrap sd and quantiles, and the conformal 90 % interval (pred +/- halfwidth90)."""
        preds = np.stack([m.predict(X) for m in self.members])
        p = self.model.predict(X)
        return pd.DataFrame({"pred": p, "sd": preds.std(axis=0, ddof=1),
                             "lo": np.quantile(preds, q[0], axis=0), "hi": np.quantile(preds, q[1], axis=0),
                             "lo90": p - self.halfwidth90, "hi90": p + self.halfwidth90})


def _refit(model: Pipeline, X: pd.DataFrame, y: np.ndarray, idx: np.ndarray) -> Pipeline:
    from sklearn.base import clone

    return clone(model).fit(X.iloc[idx], y[idx])


@single_threaded
def bootstrap_model(model: Pipeline, X: pd.DataFrame, y, n: int = 20, seed: int = 0) -> BootstrapModel:
    """Refit ``model``'s configuration (no re-tuning) on ``n`` bootstrap resamples of (X, y)."""
    from sklearn.base import clone

    from sklearn.model_selection import cross_val_predict

    rng = np.random.default_rng(seed)
    y = np.asarray(y, float)
    resamples = [rng.integers(0, len(X), len(X)) for _ in range(n)]  # drawn in order: same whatever the workers
    members = parallel_map(_refit, [(model, X, y, idx) for idx in resamples])
    # conformal (CV+ style) half-width: 90th percentile of out-of-fold absolute residuals
    oof = cross_val_predict(clone(model), X, y, cv=KFold(5, shuffle=True, random_state=seed))
    resid = np.sort(np.abs(y - oof))
    k = min(len(resid) - 1, int(np.ceil(0.9 * (len(resid) + 1))) - 1)
    return BootstrapModel(model, members, float(resid[k]))


def arrhenius_fits(liverpool: pd.DataFrame, min_points: int = 4) -> pd.DataFrame:
    """Ea (eV) per composition from the Liverpool temperature series: ln(sigma T) linear in 1/T.

    Series with at least ``min_points`` distinct temperatures; returns Ea,
    its standard error, R^2, the number of points and the temperature span.
    """
    from scipy import stats

    rows = []
    for comp, g in liverpool.groupby("composition"):
        g = g.drop_duplicates("T_C")
        if len(g) < min_points:
            continue
        T = g["T_C"].to_numpy() + 273.15
        y = np.log(g["sigma_S_per_cm"].to_numpy() * T)
        fit = stats.linregress(1 / T, y)
        rows.append((comp, -fit.slope * K_B_EV, fit.stderr * K_B_EV, fit.rvalue**2, len(g),
                     g["T_C"].min(), g["T_C"].max()))
    return pd.DataFrame(rows, columns=["composition", "Ea_fit_eV", "Ea_se_eV", "R2", "n", "T_min_C", "T_max_C"])
