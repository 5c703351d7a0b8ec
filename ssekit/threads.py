"""One BLAS/OpenMP thread inside ssekit's heavy numerical loops; processes where they pay.

ssekit's slow computations are many *small* linear-algebra operations
(conjugate-gradient steps on a 40^3 voxel grid, MLP and SVM fits on a few
hundred rows, gradient-boosted trees). Multi-threaded BLAS (OpenBLAS, MKL)
and OpenMP runtimes gain nothing on problems that small and lose badly when
the machine is busy: their threads spin waiting for each other while other
processes hold the cores (one 40^3 voxel solve took 15 s with OpenBLAS's
default threads on a loaded 2-core machine, 0.15 s with one thread).

:func:`single_threaded` (a decorator) and :func:`one_thread` (a context
manager) limit every BLAS and OpenMP pool to one thread for the duration of
the call, with :mod:`threadpoolctl`, and restore the caller's settings
afterwards, so code outside ssekit is not affected. Because the limit is
always one thread, results do not depend on how many cores the machine has
(floating-point reductions are done in one fixed order).

Where the work is many independent, seeded, coarse tasks (the repeated
splits of a classifier, the folds of a cross-validation, the models of a
comparison), :func:`parallel_map` can run them in worker processes. It
does so only when asked: ``$SSEKIT_JOBS`` (e.g. ``SSEKIT_JOBS=4``) sets the
number of workers, capped by the usable CPUs; the default is one, in-process,
because on the shared 2-core machines the book is built and read on
(Binder, CI) starting workers cost more than it saved (measured: the Mishra
fits and cross-validations took 10-20 % longer with two loky workers, the
100 repeated SVM splits four times longer). Each task carries its own seed
and runs with one thread, so the results are the same whatever the number
of workers (a test checks it).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from threadpoolctl import ThreadpoolController

__all__ = ["one_thread", "single_threaded", "usable_cpus", "workers", "parallel_map", "fit_forest"]

F = TypeVar("F", bound=Callable)


@contextmanager
def one_thread() -> Iterator[None]:
    """Limit BLAS and OpenMP thread pools to one thread inside the ``with`` block.

    Examples
    --------
    >>> import numpy as np
    >>> with one_thread():
    ...     float(np.ones(3) @ np.ones(3))
    3.0
    """
    with _controller().limit(limits=1):
        yield


_CONTROLLER: list = [None, -1]  # [ThreadpoolController, len(sys.modules) when it was made]


def _controller() -> ThreadpoolController:
    """The thread pools loaded in this process, found once and again only after new modules were imported.

    Finding them walks every loaded shared library (about 2.5 ms); a voxel study makes hundreds of solves, each
    inside :func:`one_thread`. A BLAS or OpenMP runtime is loaded by importing a module (NumPy, SciPy,
    scikit-learn, XGBoost), so a changed ``len(sys.modules)`` is when a new pool may have appeared.
    """
    if _CONTROLLER[0] is None or _CONTROLLER[1] != len(sys.modules):
        _CONTROLLER[:] = [ThreadpoolController(), len(sys.modules)]
    return _CONTROLLER[0]


def single_threaded(func: F) -> F:
    """Decorator: run ``func`` with one BLAS/OpenMP thread (see :func:`one_thread`).

    Examples
    --------
    >>> @single_threaded
    ... def total(x):
    ...     return sum(x)
    >>> total([1, 2, 3])
    6
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with one_thread():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def usable_cpus() -> int:
    """The number of CPUs this process may run on (its affinity mask where the system has one).

    Examples
    --------
    >>> usable_cpus() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def workers() -> int:
    """Worker processes for :func:`parallel_map`: ``$SSEKIT_JOBS`` (default 1), at most :func:`usable_cpus`.

    Raises
    ------
    InputError
        When ``$SSEKIT_JOBS`` is not a whole number of at least 1.

    Examples
    --------
    >>> workers() >= 1
    True
    """
    wanted = os.environ.get("SSEKIT_JOBS", "").strip()
    if not wanted:
        return 1
    if not wanted.isdigit() or int(wanted) < 1:
        from .errors import InputError

        raise InputError(f"environment variable SSEKIT_JOBS = {wanted!r}: must be a whole number of worker "
                         f"processes, at least 1 (this machine allows up to {usable_cpus()})")
    return min(usable_cpus(), int(wanted))


def fit_forest(forest, X, y):
    """Fit a scikit-learn tree ensemble on up to two threads, then leave it predicting on one.

    Trees are grown from seeds drawn before fitting, so the fitted forest is
    the same whatever the thread count (tree building releases the GIL:
    about 1.3x faster on two cores). Prediction stays on one thread, because
    threads would add the trees' predictions in a varying order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import ExtraTreesRegressor
    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    >>> f = fit_forest(ExtraTreesRegressor(n_estimators=5, random_state=0), X, y)
    >>> f.n_jobs, bool(np.allclose(f.predict(X), ExtraTreesRegressor(n_estimators=5, random_state=0).fit(X, y).predict(X)))
    (1, True)
    """
    forest.set_params(n_jobs=min(2, usable_cpus()))
    forest.fit(X, y)
    return forest.set_params(n_jobs=1)


def parallel_map(func: Callable, items, n_jobs: int | None = None) -> list:
    """``[func(*args) for args in items]``, in ``n_jobs`` worker processes (default :func:`workers`).

    Each call runs single-threaded (see :func:`single_threaded`); the order of
    the results is the order of ``items``.

    Examples
    --------
    >>> parallel_map(pow, [(2, 3), (3, 2)], n_jobs=1)
    [8, 9]
    """
    items = list(items)
    n_jobs = workers() if n_jobs is None else n_jobs
    n_jobs = max(1, min(n_jobs, len(items)))
    if n_jobs == 1:
        with one_thread():
            return [func(*args) for args in items]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs, inner_max_num_threads=1)(delayed(single_threaded(func))(*args) for args in items)
