"""Support-vector kernels whose values are the same bits on every CPU.

scikit-learn's libsvm computes a linear kernel's dot products with BLAS
``ddot``, and OpenBLAS picks its ``ddot`` for the processor it finds (one
for AMD Zen, another for Intel Skylake-X, ...). The results differ in the
last bit, and that is enough to move a support-vector machine: the recipe
inputs of Chen et al. sit on a grid, so some films lie on a class boundary
and a last-bit change moves them across it or changes which ``C`` the
cross-validation picks. With libsvm's own kernel, the 5th percentile of the
recipe reading's macro F1 over 30 splits was 0.748 on one machine and 0.783
on another with the same packages (``OPENBLAS_CORETYPE=Haswell`` against
``SkylakeX``). The kernel here is computed with elementwise numpy operations
in a fixed order, each rounded once, so every machine gets the same matrix;
libsvm then works on that matrix (scikit-learn passes a callable kernel's
matrix to libsvm as a precomputed kernel). A support-vector machine with a
callable kernel has no ``coef_``; :func:`linear_coef` gives its weights.

Examples
--------
>>> import numpy as np
>>> from ssekit.ml.kernels import linear_kernel
>>> linear_kernel(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0]]))
array([[1.],
       [3.]])
"""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["LinearKernel", "linear_kernel", "linear_coef"]


def linear_kernel(X, Y) -> np.ndarray:
    """Dot products of every row of ``X`` with every row of ``Y``, without BLAS.

    The sum over features is taken in feature order, one rounded multiply and
    one rounded add per feature and pair, so the result does not depend on
    which BLAS kernel or SIMD width the machine has. Meant for few features
    (the cost is one pass over the ``len(X) x len(Y)`` matrix per feature).

    Parameters
    ----------
    X : array-like of shape (n, d)
    Y : array-like of shape (m, d)

    Returns
    -------
    ndarray of shape (n, m)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [2.0, 1.0]])
    >>> linear_kernel(X[:2], X)
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"linear_kernel needs two 2-D arrays with as many columns, got shapes {X.shape} and {Y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):  # scikit-learn does not check what a callable kernel gets
        raise ValueError("linear_kernel needs finite numbers: an input holds NaN or infinity")
    K = np.zeros((X.shape[0], Y.shape[0]))
    for j in range(X.shape[1]):
        K += np.multiply.outer(X[:, j], Y[:, j])
    return K


class LinearKernel:
    """:func:`linear_kernel` as an SVC kernel that prints as ``LinearKernel()`` (tables of pipeline steps).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.svm import SVC
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [2.0, 1.0]])
    >>> svm = SVC(kernel=LinearKernel()).fit(X, [0, 0, 1, 1])
    >>> svm, svm.predict([[0.1, 0.5], [1.9, 0.5]])
    (SVC(kernel=LinearKernel()), array([0, 1]))
    """

    def __call__(self, X, Y) -> np.ndarray:
        return linear_kernel(X, Y)

    def __repr__(self) -> str:
        return "LinearKernel()"

    def __eq__(self, other) -> bool:
        return isinstance(other, LinearKernel)

    def __hash__(self) -> int:
        return hash(LinearKernel)


def linear_coef(svm) -> np.ndarray:
    """Weights of a fitted linear-kernel SVC, one row per pair of classes (what ``coef_`` is for ``kernel="linear"``).

    A linear decision function is affine, ``f(x) = w . x + b``, so ``w`` is
    read from ``f`` at the origin and at each unit vector. Rows are in
    scikit-learn's one-vs-one order (classes 0 | 1, 0 | 2, ..., 1 | 2, ...),
    signed like ``decision_function(..., decision_function_shape="ovo")``.

    Parameters
    ----------
    svm : sklearn.svm.SVC
        Fitted with ``kernel=LinearKernel()`` (or ``"linear"``).

    Returns
    -------
    ndarray of shape (n_pairs, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.svm import SVC
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [2.0, 1.0]])
    >>> np.round(linear_coef(SVC(kernel=LinearKernel()).fit(X, [0, 0, 1, 1])), 6)
    array([[1., 0.]])
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(svm)
    ovo = copy.copy(svm)  # the caller's estimator keeps its own decision_function_shape
    ovo.decision_function_shape = "ovo"
    d = svm.shape_fit_[1]  # a callable kernel leaves no n_features_in_
    f = np.asarray(ovo.decision_function(np.vstack([np.zeros(d), np.eye(d)])), dtype=float).reshape(d + 1, -1)
    return (f[1:] - f[0]).T
