"""Conditional distributions from a fitted tree ensemble (quantile regression forests).

Meinshausen (2006, JMLR 7, 983) showed that a random forest estimates more
than a conditional mean: a query row falls into one leaf per tree, and the
training rows sharing those leaves, each weighted by one over its leaf's size
and averaged over the trees, form an estimate of the whole conditional
distribution of the label. Its weighted median and quartiles are what
:class:`ssekit.ml.conductivity.ConductivityModel` reports.

The weights are computed as one sparse product (query-leaf indicators times
the training rows' leaf memberships), so a chunk of 10,000 queries against a
few hundred training rows takes milliseconds. Nothing here looks at a query's
label: the weights depend only on the query's features and the fitted trees.

Examples
--------
>>> import numpy as np
>>> from sklearn.ensemble import ExtraTreesRegressor
>>> X = np.arange(40.0).reshape(-1, 1); y = np.r_[np.zeros(20), np.ones(20)]
>>> f = ExtraTreesRegressor(n_estimators=20, min_samples_leaf=3, random_state=0).fit(X, y)
>>> W = forest_weights(f, training_leaves(f, X), np.array([[2.0], [37.0]]))
>>> np.allclose(W.sum(axis=1), 1.0)
True
>>> weighted_quantiles(W, y, [0.5]).ravel().tolist()
[0.0, 1.0]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["leaf_offsets", "training_leaves", "forest_weights", "weighted_quantiles"]


def leaf_offsets(forest) -> np.ndarray:
    """First global node number of each tree (node ids of tree t are offset by ``offsets[t]``).

    Parameters
    ----------
    forest : fitted scikit-learn tree ensemble

    Returns
    -------
    numpy.ndarray
        One int64 per tree, plus the total node count as the last entry.
    """
    counts = [e.tree_.node_count for e in forest.estimators_]
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def training_leaves(forest, X) -> np.ndarray:
    """Global leaf ids (rows x trees, int64) of the training rows: what the weights are built from.

    Parameters
    ----------
    forest : fitted scikit-learn tree ensemble
    X : array-like
        The rows the forest was fitted on.

    Returns
    -------
    numpy.ndarray
    """
    return forest.apply(np.asarray(X, dtype=np.float32)).astype(np.int64) + leaf_offsets(forest)[None, :-1]


def _membership(leaves: np.ndarray, n_nodes: int) -> sp.csc_matrix:
    """(training rows x nodes) with 1 / leaf size where a row sits in a leaf."""
    n, t = leaves.shape
    a = sp.csr_matrix((np.ones(n * t), (np.repeat(np.arange(n), t), leaves.ravel())), shape=(n, n_nodes))
    size = np.asarray(a.sum(axis=0)).ravel()
    size[size == 0] = 1.0
    return (a @ sp.diags(1.0 / size)).tocsc()


def forest_weights(forest, train_leaves: np.ndarray, X) -> np.ndarray:
    """Weights (queries x training rows) of the forest's conditional distribution at each query row.

    Parameters
    ----------
    forest : fitted scikit-learn tree ensemble
    train_leaves : numpy.ndarray
        :func:`training_leaves` of the training rows.
    X : array-like
        Query rows (no missing values).

    Returns
    -------
    numpy.ndarray
        Each row sums to one.
    """
    offsets = leaf_offsets(forest)
    q = forest.apply(np.asarray(X, dtype=np.float32)).astype(np.int64) + offsets[None, :-1]
    n, t = q.shape
    query = sp.csr_matrix((np.full(n * t, 1.0 / t), (np.repeat(np.arange(n), t), q.ravel())),
                          shape=(n, int(offsets[-1])))
    return np.asarray((query @ _membership(train_leaves, int(offsets[-1])).T).todense())


def weighted_quantiles(W: np.ndarray, y, levels) -> np.ndarray:
    """Quantiles of the training labels ``y`` under each row of weights ``W``.

    The quantile at level q is the smallest label whose cumulative weight
    reaches q (ties keep their order), so a point mass (e.g. every
    'below detection' label stored at one value) is returned as that value
    whenever it holds the level.

    Parameters
    ----------
    W : numpy.ndarray
        (queries x training rows), rows summing to one.
    y : array-like
        Training labels.
    levels : sequence of float
        Quantile levels in [0, 1].

    Returns
    -------
    numpy.ndarray
        (queries x levels).

    Examples
    --------
    >>> weighted_quantiles(np.array([[0.2, 0.3, 0.5]]), [3.0, 1.0, 2.0], [0.25, 0.5, 0.9]).tolist()
    [[1.0, 2.0, 3.0]]
    """
    y = np.asarray(y, float)
    order = np.argsort(y, kind="stable")
    cum = np.cumsum(W[:, order], axis=1)
    cum /= np.where(cum[:, -1:] > 0, cum[:, -1:], 1.0)
    ys = y[order]
    out = np.empty((len(W), len(levels)))
    for j, q in enumerate(levels):
        k = (cum < q - 1e-12).sum(axis=1)
        out[:, j] = ys[np.minimum(k, len(ys) - 1)]
    return out
