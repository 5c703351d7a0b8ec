"""The film-quality workflow: relabelling rule, no leakage from oversampling, statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler

from ssekit.chen2021 import films
from ssekit.ml import filmclass as filmml


@pytest.fixture(scope="module")
def sur() -> pd.DataFrame:
    return films.make_surrogate()


def test_relabel_rule_from_medians():
    sigma = [1, 1, 9, 9, 8, 8]
    rd = [5, 5, 1, 1, 7, 7]
    # cluster ids are arbitrary: low sigma -> 3; high sigma & low RD -> 1; other -> 2
    assert list(filmml.relabel([0, 0, 1, 1, 2, 2], sigma, rd)) == [3, 3, 1, 1, 2, 2]
    assert list(filmml.relabel([7, 7, 4, 4, 5, 5], sigma, rd)) == [3, 3, 1, 1, 2, 2]


def test_relabel_is_invariant_to_kmeans_numbering(sur):
    scores = filmml.pca(sur).scores.iloc[:, :3]
    a = filmml.kmeans_classes(scores, sur, seed=0)
    b = filmml.kmeans_classes(scores, sur, seed=123)  # other seed: other raw cluster ids
    assert (a == b).mean() > 0.95
    with pytest.raises(ValueError, match="exactly 3 clusters"):
        filmml.relabel([0, 1, 0, 1], [1, 2, 3, 4], [1, 2, 3, 4])


def test_pca_is_of_standardised_variables(sur):
    res = filmml.pca(sur)
    assert res.explained.sum() == pytest.approx(1.0)
    assert list(res.loadings.index) == filmml.PCA_FEATURES and "P_pct" not in res.loadings.index
    # scores of standardised data have zero mean; variances equal the eigenvalues
    np.testing.assert_allclose(res.scores.mean(), 0, atol=1e-10)
    assert res.n_retained == int(np.argmax(res.explained.cumsum().to_numpy() >= filmml.VARIANCE_TARGET) + 1)


class RecordingOverSampler(RandomOverSampler):
    """Records every X it is asked to resample."""

    seen: list[np.ndarray] = []

    def fit_resample(self, X, y, **kw):
        RecordingOverSampler.seen.append(np.asarray(X).copy())
        return super().fit_resample(X, y, **kw)


def test_oversampling_only_ever_sees_training_rows(sur, monkeypatch):
    """No test-set (or validation-fold) row reaches the oversampler."""
    sur = sur.drop_duplicates(filmml.INPUTS).reset_index(drop=True)  # replicates would blur row identity
    classes = filmml.kmeans_classes(filmml.pca(sur).scores.iloc[:, :3], sur)
    monkeypatch.setattr(filmml, "RandomOverSampler", RecordingOverSampler)
    RecordingOverSampler.seen = []
    res = filmml.single_split(sur, classes, seed=0)
    test_rows = {tuple(np.round(r, 9)) for r in res.X_test.to_numpy()}
    train_rows = {tuple(np.round(r, 9)) for r in res.X_train.to_numpy()}
    assert RecordingOverSampler.seen, "the oversampler was never called"
    scaler = res.model.best_estimator_.named_steps["scale"]
    for X in RecordingOverSampler.seen:
        assert len(X) <= len(res.X_train)
    # the final refit resampled exactly the (scaled) training set
    last = {tuple(np.round(r, 9)) for r in scaler.inverse_transform(RecordingOverSampler.seen[-1])}
    assert last == train_rows and not (last & test_rows)
    # predicting does not resample
    n = len(RecordingOverSampler.seen)
    assert len(res.model.predict(res.X_test)) == len(res.X_test) and len(RecordingOverSampler.seen) == n


def test_cv_folds_resample_the_fold_training_part_only(sur, monkeypatch):
    classes = filmml.kmeans_classes(filmml.pca(sur).scores.iloc[:, :3], sur)
    monkeypatch.setattr(filmml, "RandomOverSampler", RecordingOverSampler)
    RecordingOverSampler.seen = []
    X = sur[filmml.INPUTS].iloc[:80]
    filmml.fit_svm(X, classes[:80], seed=0, folds=5)
    sizes = [len(x) for x in RecordingOverSampler.seen]
    assert sizes[:-1] == [64] * (len(filmml.C_GRID) * 5) and sizes[-1] == 80


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("folds", [3, 5])
def test_fast_c_tuning_picks_what_grid_search_picks(sur, seed, folds):
    """The lean tuner of the repeated splits chooses the same C as GridSearchCV on the same folds."""
    classes = filmml.kmeans_classes(filmml.pca(sur).scores.iloc[:, :3], sur)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(sur), size=70, replace=False)  # a training part, as in one 80/20 split
    X, y = sur[filmml.INPUTS].to_numpy(float)[rows], np.asarray(classes)[rows]
    grid = filmml.fit_svm(X, y, seed=seed, folds=folds)
    assert filmml._tuned_c(X, y, seed, folds) == grid.best_params_["svm__C"]


def test_fast_c_tuning_breaks_ties_like_grid_search():
    """Perfectly separable classes: every C scores 1.0 and both pick the first C of the grid."""
    X = np.repeat(np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]]), 15, axis=0) + np.arange(30)[:, None] * 1e-3
    y = np.repeat(["a", "b"], 15)
    assert filmml._tuned_c(X, y, 0, 3) == filmml.fit_svm(X, y, seed=0, folds=3).best_params_["svm__C"] == filmml.C_GRID[0]


def test_repeated_f1_is_deterministic_and_bounded(sur):
    classes = filmml.kmeans_classes(filmml.pca(sur).scores.iloc[:, :3], sur)
    a = filmml.repeated_f1(sur, classes, n_splits=4, seed=3)
    b = filmml.repeated_f1(sur, classes, n_splits=4, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["f1_macro"].between(0, 1).all() and len(a) == 4


def test_anova_detects_a_planted_interaction():
    rng = np.random.default_rng(0)
    d = films.design(110)
    ls, xb = d["LS_uL_per_mg"], d["XB_vol_pct"] / 100
    d["RD"] = np.exp(-3 + 4 * (ls - 1) * (xb - 0.5) + rng.normal(0, 0.05, len(d)))
    table = filmml.anova_log_rd(d)
    assert table.loc["L:S x X:B", "PR(>F)"] < 1e-6 and table.loc["P", "PR(>F)"] > 0.01


def test_kruskal_wallis_matches_scipy():
    from scipy.stats import kruskal

    df = pd.DataFrame({"v": [1, 2, 3, 10, 11, 12, 20, 21, 22]})
    cls = [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert filmml.kruskal_by_class(df, cls, "v")[1] == pytest.approx(kruskal([1, 2, 3], [10, 11, 12], [20, 21, 22]).pvalue)


def test_surface_interpolates_a_plane_exactly():
    d = films.design(100)
    d["z"] = 2 * d["LS_uL_per_mg"] + 0.01 * d["XB_vol_pct"]
    s = filmml.surface(d, "z")
    LS, XB = np.meshgrid(s.columns, s.index)
    np.testing.assert_allclose(s.to_numpy(), 2 * LS + 0.01 * XB, atol=1e-9)


def test_decision_map_shape_and_labels(sur):
    classes = filmml.kmeans_classes(filmml.pca(sur).scores.iloc[:, :3], sur)
    model = filmml.fit_svm(sur[filmml.INPUTS], classes)
    m = filmml.decision_map(model, 6.0, ls=np.linspace(0.6, 1.4, 5), xb=np.linspace(0, 100, 3))
    assert m.shape == (3, 5) and set(np.unique(m)) <= {1, 2, 3}
