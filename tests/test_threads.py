"""Thread and process limits: results do not depend on them, and the caller's settings come back."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from ssekit import threads
from ssekit.errors import InputError
from ssekit.chen2021 import films
from ssekit.ml import filmclass as filmml
from ssekit.physics import microstructure as ms


def _max_threads() -> dict[str, int]:
    return {p["internal_api"]: p["num_threads"] for p in threadpool_info()}


def test_one_thread_limits_inside_and_restores_after():
    before = _max_threads()
    with threads.one_thread():
        assert all(n == 1 for n in _max_threads().values())
    assert _max_threads() == before


def test_single_threaded_restores_after():
    before = _max_threads()
    assert threads.single_threaded(lambda: _max_threads())() == {k: 1 for k in before}
    assert _max_threads() == before


def test_repeated_splits_same_in_one_process_or_two():
    sur = films.make_surrogate()
    classes = filmml.kmeans_classes(filmml.pca(sur).scores.iloc[:, :3], sur)
    one = filmml.repeated_f1(sur, classes, n_splits=4, seed=3, n_jobs=1)
    two = filmml.repeated_f1(sur, classes, n_splits=4, seed=3, n_jobs=2)
    assert one.equals(two)


def test_voxel_solve_independent_of_caller_threads():
    img = ms.generate(16, am_frac=0.3, am_radius=3, seed=1)
    a = ms.transport(img).sigma_eff
    with threads.one_thread():
        b = ms.transport(img).sigma_eff
    assert a == b and np.isfinite(a)


def test_workers_default_is_one(monkeypatch):
    monkeypatch.delenv("SSEKIT_JOBS", raising=False)
    assert threads.workers() == 1
    monkeypatch.setenv("SSEKIT_JOBS", "64")
    assert 1 <= threads.workers() <= 64



@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5"])
def test_workers_refuses_a_bad_ssekit_jobs(monkeypatch, value):
    monkeypatch.setenv("SSEKIT_JOBS", value)
    with pytest.raises(InputError, match=r"SSEKIT_JOBS = .*whole number"):
        threads.workers()


def test_fit_forest_gives_the_one_thread_forest():
    from sklearn.ensemble import RandomForestRegressor

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 4)), rng.normal(size=60)
    a = threads.fit_forest(RandomForestRegressor(n_estimators=20, random_state=3), X, y)
    b = RandomForestRegressor(n_estimators=20, random_state=3, n_jobs=1).fit(X, y)
    assert a.n_jobs == 1 and np.array_equal(a.predict(X), b.predict(X))


def _openmp_threads() -> int:
    return max([p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"] or [0])


def test_fit_kmeans_fits_with_one_thread_and_gives_the_threaded_labels(monkeypatch):
    from sklearn.cluster import KMeans

    X = filmml.pca(films.make_surrogate()).scores.iloc[:, :3].to_numpy()
    seen = []

    class Recording(KMeans):
        def fit(self, *a, **k):
            seen.append(_openmp_threads())
            return super().fit(*a, **k)

    monkeypatch.setattr(filmml, "KMeans", Recording)
    with threadpool_limits_for_test(2):  # the caller's pools with two threads (whatever the machine or OMP_NUM_THREADS)
        km = filmml.fit_kmeans(X, 3, seed=0)
        plain = KMeans(n_clusters=3, n_init=filmml.N_INIT, random_state=0).fit(X)
        assert _openmp_threads() == 2
    assert seen == [1] and np.array_equal(km.labels_, plain.labels_)


def test_claims_are_evaluated_with_one_thread(monkeypatch):
    import sys
    import types

    from ssekit import claims

    seen = []
    mod = types.ModuleType("fake_threads")
    mod.f = lambda: (seen.append(_openmp_threads()), claims.Reproduction(1.0, data="model"))[1]
    monkeypatch.setitem(sys.modules, "fake_threads", mod)
    claim = claims.Claim(id="kim2025.test.threads", paper="kim2025", where="w", quantity="q", reported=1.0, unit="",
                         rule="abs", tolerance=0.1, compute="fake_threads:f", chapter="kim2025_energy",
                         anchor="kim-thresholds")
    with threadpool_limits_for_test(2):
        claims.evaluate(claim, nulls=False)
        assert _openmp_threads() == 2  # the caller's setting is back
    assert seen == [1]


def threadpool_limits_for_test(n: int):
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n, user_api="openmp")
