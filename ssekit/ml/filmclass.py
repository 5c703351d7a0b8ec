"""The Chen et al. 2021 machine-learning workflow, from standard parts.

PCA of the standardised film variables -> K-means on the leading principal
components -> classes relabelled by a fixed rule -> Kruskal-Wallis tests and
an ANOVA on log(RD) -> a linear SVM from the manufacturing inputs to the
classes, with random oversampling inside an imbalanced-learn pipeline so that
it only ever sees training folds.

Every function takes a Table S1-shaped frame (see :mod:`ssekit.chen2021.films`) and a
seed; none knows whether the data are real or surrogate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline as ImbPipeline
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import f1_score, silhouette_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, StratifiedShuffleSplit, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..errors import InputError
from ..threads import parallel_map, single_threaded
from .kernels import LinearKernel

__all__ = ["ANOVA_FORMULAS", "fixed_c_f1", "PCA_FEATURES", "PCA_LABELS", "INPUTS", "VARIANCE_TARGET", "C_GRID", "PCAResult", "pca", "fit_kmeans", "cluster_scan",
           "relabel", "kmeans_classes", "kruskal_by_class", "class_summary", "anova_log_rd", "svm_pipeline",
           "pipeline_steps",
           "fit_svm", "fit_classifier", "SplitResult", "single_split", "repeated_f1", "decision_map",
           "surface"]

#: Variables of the PCA (P% is left out, as in the paper: only four levels).
PCA_FEATURES = ["LS_uL_per_mg", "XB_vol_pct", "density_g_per_cm3", "resistance_ohm", "sigma_S_per_cm", "DoT_um", "RD"]
PCA_LABELS = {"LS_uL_per_mg": "L:S", "XB_vol_pct": "X:B", "density_g_per_cm3": "ρ", "resistance_ohm": "Ω",
              "sigma_S_per_cm": "σ", "DoT_um": "DoT", "RD": "RD", "P_pct": "P%"}
#: Manufacturing inputs of the classifier.
INPUTS = ["P_pct", "LS_uL_per_mg", "XB_vol_pct"]
#: Share of variance the retained principal components must explain.
VARIANCE_TARGET = 0.80
C_GRID = [0.1, 1.0, 10.0, 100.0]


@dataclass
class PCAResult:
    pipeline: Pipeline
    scores: pd.DataFrame
    loadings: pd.DataFrame
    explained: pd.Series

    @property
    def n_retained(self) -> int:
        """Fewest components whose cumulative explained variance reaches VARIANCE_TARGET."""
        return int(np.searchsorted(self.explained.cumsum().to_numpy(), VARIANCE_TARGET - 1e-12) + 1)


def pca(df: pd.DataFrame, features: list[str] = PCA_FEATURES) -> PCAResult:
    """PCA of the standardised variables (z-scores), all components kept."""
    pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA(svd_solver="full"))]).fit(df[features])
    p: PCA = pipe.named_steps["pca"]
    names = [f"PC{i + 1}" for i in range(p.n_components_)]
    scores = pd.DataFrame(pipe.transform(df[features]), columns=names, index=df.index)
    loadings = pd.DataFrame(p.components_.T * np.sqrt(p.explained_variance_), index=features, columns=names)
    return PCAResult(pipe, scores, loadings, pd.Series(p.explained_variance_ratio_, index=names))


#: K-means restarts (each from its own k-means++ start), as in the chapters.
N_INIT = 20


@single_threaded
def fit_kmeans(X, k: int = 3, seed: int = 0, n_init: int = N_INIT) -> KMeans:
    """K-means with ``k`` clusters and ``n_init`` seeded restarts, fitted with one OpenMP thread.

    On a hundred films the OpenMP threads of scikit-learn's Lloyd loop gain
    nothing and, on a busy machine, spin waiting for each other (chen2021_classes
    took 14-17 CPU-s under load with two threads, 10 with one); the labels are
    the same with any number of threads.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2)) * 10]
    >>> km = fit_kmeans(X, k=2)
    >>> sorted(np.bincount(km.labels_).tolist())
    [5, 5]
    """
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)


def cluster_scan(scores: pd.DataFrame, ks=range(2, 9), seed: int = 0) -> pd.DataFrame:
    """Elbow (inertia) and silhouette for K-means with k clusters."""
    rows = []
    for k in ks:
        km = fit_kmeans(scores, k, seed)
        rows.append((k, km.inertia_, silhouette_score(scores, km.labels_)))
    return pd.DataFrame(rows, columns=["k", "inertia", "silhouette"]).set_index("k")


def relabel(clusters, sigma, rd) -> np.ndarray:
    """Name K-means clusters by a fixed rule from their medians.

    Class 3 is the cluster with the lowest median conductivity; of the other
    two, class 1 has the lower median RD and class 2 the higher. (High
    conductivity and low RD; high conductivity and high RD; low conductivity
    -- the paper's three classes.) Only defined for three clusters.
    """
    frame = pd.DataFrame({"c": np.asarray(clusters), "sigma": np.asarray(sigma, float), "rd": np.asarray(rd, float)})
    med = frame.groupby("c").median()
    if len(med) != 3:
        raise ValueError(f"relabel needs exactly 3 clusters, got {len(med)}")
    c3 = med["sigma"].idxmin()
    rest = med.drop(index=c3)
    c1 = rest["rd"].idxmin()
    c2 = rest.drop(index=c1).index[0]
    return frame["c"].map({c1: 1, c2: 2, c3: 3}).to_numpy()


def kmeans_classes(scores: pd.DataFrame, df: pd.DataFrame, k: int = 3, seed: int = 0) -> np.ndarray:
    """K-means on the given principal-component scores, relabelled to classes 1-3."""
    km = fit_kmeans(scores, k, seed)
    return relabel(km.labels_, df["sigma_S_per_cm"], df["RD"])


def kruskal_by_class(df: pd.DataFrame, classes, column: str) -> tuple[float, float]:
    """Kruskal-Wallis H and p for ``column`` across classes."""
    groups = [df.loc[np.asarray(classes) == c, column] for c in sorted(set(classes))]
    res = stats.kruskal(*groups)
    return float(res.statistic), float(res.pvalue)


def class_summary(df: pd.DataFrame, classes) -> pd.DataFrame:
    """Count, and mean and standard deviation of inputs and key outputs per class."""
    cols = INPUTS + ["sigma_S_per_cm", "RD", "thickness_um"]
    g = df.assign(cls=np.asarray(classes)).groupby("cls")[cols]
    out = g.agg(["mean", "std"])
    out.insert(0, ("n", ""), g.size())
    out.index.name = "class"
    return out


#: ANOVA models of ln(RD): P% as a qualitative factor (the paper's reading, the default), as a
#: linear covariate, and every input as a factor (L:S and X:B at their design levels).
ANOVA_FORMULAS = {
    "factor": "np.log(RD) ~ C(P) + LS * XB",
    "covariate": "np.log(RD) ~ P + LS * XB",
    "all factors": "np.log(RD) ~ C(P) + C(LS) * C(XB)",
}


def anova_log_rd(df: pd.DataFrame, p_as: str = "factor") -> pd.DataFrame:
    """Type-II ANOVA of ln(RD) on P%, L:S, X:B and the L:S x X:B interaction (statsmodels OLS).

    Parameters
    ----------
    df : pandas.DataFrame
        Table S1-shaped films.
    p_as : {"factor", "covariate", "all factors"}
        How the inputs enter (see :data:`ANOVA_FORMULAS`); Chen et al. 2021
        call P% a qualitative variable, hence the default.

    Returns
    -------
    pandas.DataFrame
        statsmodels' ANOVA table, rows named P, L:S, X:B, L:S x X:B, Residual.
    """
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    if p_as not in ANOVA_FORMULAS:
        raise InputError(f"p_as must be one of {list(ANOVA_FORMULAS)}, got {p_as!r}")
    d = df.rename(columns={"LS_uL_per_mg": "LS", "XB_vol_pct": "XB", "P_pct": "P"})
    table = anova_lm(smf.ols(ANOVA_FORMULAS[p_as], data=d).fit(), typ=2)
    names = {"C(P)": "P", "P": "P", "LS": "L:S", "XB": "X:B", "LS:XB": "L:S x X:B", "C(LS)": "L:S", "C(XB)": "X:B",
             "C(LS):C(XB)": "L:S x X:B", "Residual": "Residual"}
    table.index = [names.get(i, i) for i in table.index]
    return table


def svm_pipeline(seed: int = 0) -> ImbPipeline:
    """Scaling -> random oversampling (applied when fitting only) -> linear SVM."""
    return ImbPipeline([
        ("scale", StandardScaler()),
        ("oversample", RandomOverSampler(random_state=seed)),
        ("svm", SVC(kernel=LinearKernel(), random_state=seed)),
    ])


_STEP_ROLES = {
    "scale": "standardise each input to zero mean and unit variance (fitted on training rows)",
    "oversample": "duplicate rows of the smaller classes until the classes are equal; only when fitting",
    "svm": "linear support-vector classifier (kernel computed without BLAS, the same on every CPU); C chosen by cross-validation from C_GRID",
}


def pipeline_steps(pipe: ImbPipeline | None = None) -> pd.DataFrame:
    """The classifier pipeline as a table: step, what it does, the estimator with its non-default settings.

    Examples
    --------
    >>> pipeline_steps()["step"].tolist()
    ['scale', 'oversample', 'svm']
    """
    pipe = svm_pipeline() if pipe is None else pipe
    return pd.DataFrame([{"step": name, "what it does": _STEP_ROLES.get(name, "—"), "estimator": repr(est)}
                         for name, est in pipe.steps])


def fit_svm(X: pd.DataFrame, y, seed: int = 0, folds: int = 5) -> GridSearchCV:
    """Grid search of the SVM's C by stratified k-fold CV on (X, y), refit on all of it.

    The oversampler sits inside the pipeline, so in every fold it resamples
    that fold's training part only; validation folds are never resampled.
    """
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    search = GridSearchCV(svm_pipeline(seed), {"svm__C": C_GRID}, scoring="f1_macro", cv=cv)
    return search.fit(X, y)


def fit_classifier(df: pd.DataFrame, classes, seed: int = 0):
    """The SVM tuned on all rows, with calibrated class probabilities (for predictions on new recipes).

    Probabilities come from sigmoid calibration on held-out folds
    (``CalibratedClassifierCV``); the predicted class is the most probable one.
    """
    from sklearn.calibration import CalibratedClassifierCV

    y = np.asarray(classes)
    best = fit_svm(df[INPUTS], y, seed).best_estimator_
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return CalibratedClassifierCV(best, method="sigmoid", cv=cv, ensemble=False).fit(df[INPUTS], y)


@dataclass
class SplitResult:
    model: GridSearchCV
    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    f1_macro: float
    f1_weighted: float

    def class_counts(self) -> pd.DataFrame:
        """Training-set class counts before and after oversampling (Figure S6)."""
        pipe = self.model.best_estimator_
        Xs = pipe.named_steps["scale"].transform(self.X_train)
        _, y_res = pipe.named_steps["oversample"].fit_resample(Xs, self.y_train)
        before = pd.Series(self.y_train).value_counts().sort_index()
        after = pd.Series(y_res).value_counts().sort_index()
        return pd.DataFrame({"before oversampling": before, "after oversampling": after}).rename_axis("class")


def _f1(y_true, y_pred, average: str) -> float:
    return float(f1_score(y_true, y_pred, labels=np.unique(y_true), average=average, zero_division=0))


def single_split(df: pd.DataFrame, classes, seed: int = 0, test_size: float = 0.2, inputs: list[str] = INPUTS,
                 stratified: bool = False) -> SplitResult:
    """One 80/20 split (random, as Chen et al. 2021; stratified on request); F1 of the tuned SVM on the 20 %.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows to split; ``inputs`` are the classifier's features.
    classes : array-like
        Class of each row.
    seed : int
        Split, oversampling and CV seed.
    test_size : float
        Held-out share.
    inputs : list of str
        Feature columns (the recipe by default; e.g. ``["PC1", "PC2"]`` for the paper's reading).
    stratified : bool
        Keep class shares equal in both parts.
    """
    y = np.asarray(classes)
    X_tr, X_te, y_tr, y_te = train_test_split(df[inputs], y, test_size=test_size, stratify=y if stratified else None,
                                              random_state=seed)
    model = fit_svm(X_tr, y_tr, seed)
    pred = model.predict(X_te)
    return SplitResult(model, X_tr, X_te, y_tr, y_te, _f1(y_te, pred, "macro"), _f1(y_te, pred, "weighted"))


def _tuned_c(X: np.ndarray, y: np.ndarray, seed: int, folds: int) -> float:
    """The C that :func:`fit_svm`'s grid search picks, computed with a fraction of its overhead.

    Same folds, same scaler and oversampler per fold (neither depends on C),
    the same macro-F1 scorer, means over folds and the first best C on ties,
    as ``GridSearchCV`` does; only the pipeline is not rebuilt for every C.
    A test checks that both give the same C.
    """
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = np.empty((len(C_GRID), folds))
    for j, (tr, va) in enumerate(cv.split(X, y)):
        scaler = StandardScaler().fit(X[tr])
        Xr, yr = RandomOverSampler(random_state=seed).fit_resample(scaler.transform(X[tr]), y[tr])
        Xv = scaler.transform(X[va])
        for k, C in enumerate(C_GRID):
            pred = SVC(kernel=LinearKernel(), C=C, random_state=seed).fit(Xr, yr).predict(Xv)
            scores[k, j] = f1_score(y[va], pred, average="macro", zero_division=0)
    return C_GRID[int(np.argmax(np.average(scores, axis=1)))]


def _one_split(X, y, tr, te, seed, inner_folds):
    C = _tuned_c(X[tr], y[tr], seed, inner_folds)
    pred = svm_pipeline(seed).set_params(svm__C=C).fit(X[tr], y[tr]).predict(X[te])
    return (_f1(y[te], pred, "macro"), _f1(y[te], pred, "weighted"), C)


@single_threaded
def repeated_f1(df: pd.DataFrame, classes, n_splits: int = 100, seed: int = 0, test_size: float = 0.2,
                inner_folds: int = 3, n_jobs: int = 1, inputs: list[str] = INPUTS,
                stratified: bool = False) -> pd.DataFrame:
    """Macro and weighted test F1 over repeated 80/20 splits (random, or stratified on request).

    C is tuned inside each split by ``inner_folds``-fold CV on that split's
    training part (nested: the test part never influences any choice).
    Splits are independent and seeded: ``n_jobs`` worker processes give the
    same result as one. The default is one: each split is a few milliseconds
    of libsvm, so starting workers costs more than it saves (measured: 100
    splits in 4.7 s in-process, 21 s with two loky workers on a busy 2-core
    machine).
    """
    from sklearn.model_selection import ShuffleSplit

    y = np.asarray(classes)
    X = df[inputs].to_numpy(float)  # plain arrays: sklearn's per-fit checks are most of the cost here
    splitter = StratifiedShuffleSplit if stratified else ShuffleSplit
    sss = splitter(n_splits=n_splits, test_size=test_size, random_state=seed)
    rows = parallel_map(_one_split, [(X, y, tr, te, seed + i, inner_folds) for i, (tr, te) in enumerate(sss.split(X, y))],
                        n_jobs=n_jobs)
    out = pd.DataFrame(rows, columns=["f1_macro", "f1_weighted", "C"])
    out.index.name = "split"
    return out


def fixed_c_f1(df: pd.DataFrame, classes, inputs: list[str] = INPUTS, seed: int = 0, C: float = 1.0,
               test_size: float = 0.2) -> float:
    """Macro F1 of the scaled, oversampled linear SVM with a fixed C on one random 80/20 split.

    The cheap variant used by robustness and power studies, where the
    spread over data sets matters more than the last point of tuning.
    """
    y = np.asarray(classes)
    X_tr, X_te, y_tr, y_te = train_test_split(df[inputs].to_numpy(float), y, test_size=test_size, random_state=seed)
    model = svm_pipeline(seed).set_params(svm__C=C).fit(X_tr, y_tr)
    return _f1(y_te, model.predict(X_te), "macro")


def decision_map(model, P: float, ls=np.linspace(0.6, 1.4, 81), xb=np.linspace(0, 100, 81)) -> pd.DataFrame:
    """Predicted class over an L:S x X:B grid at polymer content P (rows: X:B, columns: L:S)."""
    LS, XB = np.meshgrid(ls, xb)
    grid = pd.DataFrame({"P_pct": np.full(LS.size, float(P)), "LS_uL_per_mg": LS.ravel(), "XB_vol_pct": XB.ravel()})
    return pd.DataFrame(model.predict(grid).reshape(LS.shape), index=pd.Index(xb, name="XB_vol_pct"),
                        columns=pd.Index(ls, name="LS_uL_per_mg"))


def surface(df: pd.DataFrame, value: str, P: float | None = None, ls=np.linspace(0.6, 1.4, 41),
            xb=np.linspace(0, 100, 41)) -> pd.DataFrame:
    """``value`` interpolated (linear, scipy griddata) over L:S x X:B, for one P% or averaged over all P%.

    Replicated recipes are averaged first. Works for any design, gridded or not.
    """
    from scipy.interpolate import griddata

    def one(d: pd.DataFrame) -> np.ndarray:
        m = d.groupby(["LS_uL_per_mg", "XB_vol_pct"], as_index=False)[value].mean()
        LS, XB = np.meshgrid(ls, xb)
        return griddata(m[["LS_uL_per_mg", "XB_vol_pct"]].to_numpy(), m[value].to_numpy(), (LS, XB), method="linear")

    if P is not None:
        z = one(df[df["P_pct"] == P])
    else:
        z = np.nanmean(np.stack([one(d) for _, d in df.groupby("P_pct")]), axis=0)
    return pd.DataFrame(z, index=pd.Index(xb, name="XB_vol_pct"), columns=pd.Index(ls, name="LS_uL_per_mg"))
