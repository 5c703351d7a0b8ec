"""A room-temperature ionic-conductivity predictor for any parsable composition, with intervals.

Rows come in the OBELiX format (cleaned by :func:`ssekit.data.clean_obelix`).
A *head* is one model trained on one set of inputs; each row is answered by
the richest head its inputs allow:

``composition``
    Magpie-style descriptors and element fractions
    (:mod:`ssekit.ml.composition`). Needs only a parsable formula: the
    ``Composition`` column, or ``True Composition`` when that one does not
    parse.
``composition+cell``
    plus lattice a, b, c, angles, volume, atoms per cell, volume per atom,
    Li per volume, density, space group and crystal system. Needs the
    lattice, the space group and Z (or the per-cell composition).
``composition+cell+Ea``
    plus the activation energy joined from the shipped Laskowski 2023 table
    (median of the matching rows, :mod:`ssekit.data.joins`), the temperature
    and Ea/kT. Trained on the rows that have one.

**Below detection is kept as what it is.** About 6 % of the OBELiX labels
are bounds ('<1E-10'), stored as log10 σ = −15 by the OBELiX authors
(:data:`CENSORED_LOG10`). Each head is an extremely randomised trees forest
read as a quantile regression forest (:mod:`ssekit.ml.forest_quantiles`):
for a query it weighs the training materials that share its leaves, which
gives a conditional distribution with a point mass 'below detection'. The
head reports

- ``p_below``: the weight of the below-detection mass (the hurdle's
  classifier: the probability that the material conducts below 1e-10 S/cm);
- when ``p_below >= threshold`` the answer "below 1e-10 S/cm", stored as
  −15 like the labels; otherwise the weighted median (the point that
  minimises the mean absolute error), which depends on the bounds only
  through their rank -- the −15 is never averaged into a prediction as if it
  were a measurement.

**Intervals** are normalised split-conformal: ``pred ± q (IQR(x) + beta)``,
where IQR is the interquartile range of the row's conditional distribution,
``beta`` its median over the training rows, and ``q`` the conformal quantile
of ``|error| / (IQR + beta)`` over the measured rows' out-of-fold errors
under chemical-system-grouped CV (one per head). A row unlike the training
data, where the neighbouring materials disagree, gets a wider interval.

**Applicability domain**: each prediction carries the distance, in
standardised composition-descriptor space (root-mean-square over the
descriptors, in training standard deviations), to the nearest training
material, with that material's formula and family. Rows farther than
``domain_limit_`` (the 95th percentile of that distance for chemical systems
held out in the grouped CV) are flagged outside the domain.

Labels: only the training rows' own conductivities, in log10 S/cm. The
Laskowski and Liverpool tables supply activation energies and temperatures,
never labels. A row's own conductivity column is never read when it is
predicted.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.validation import check_is_fitted, validate_data

from ..chemistry import CRYSTAL_SYSTEMS, cell_volume, crystal_system, element_amounts, element_fractions
from ..data.joins import join_activation_energy, join_temperature
from ..errors import InputError
from ..physics.constants import CELSIUS_TO_KELVIN, K_B_EV
from ..threads import fit_forest, one_thread
from .composition import composition_descriptors, descriptor_names, element_fraction_matrix, element_table
from .forest_quantiles import forest_weights, training_leaves, weighted_quantiles

__all__ = ["CENSORED_LOG10", "DETECTION_LIMIT_LOG10", "HEADS", "LATTICE", "CELL", "EA", "SCHEMES",
           "chemical_system", "conductivity_features", "model_input", "target_log10", "ConductivityModel",
           "conformal_quantile", "normalised_conformal", "cv_splits", "rows_from_csv_frame", "train",
           "shipped_model", "predict_rows", "iter_predictions", "predict_csv", "domain_note", "domain_note_for",
           "answer_text",
           # in ssekit.ml.conductivity_cv, importable from here too:
           "ObelixRF", "LatticeRF", "cross_validate", "cv_table", "interval_coverage"]

#: log10 σ given to conductivities reported only as an upper bound (OBELiX: '<1E-10' stored as 1e-15).
CENSORED_LOG10 = -15.0
#: log10 of the detection limit the bounds state ('<1E-10' S/cm); an interval covers a bound if it reaches below it.
DETECTION_LIMIT_LOG10 = -10.0
HEADS = ("composition", "composition+cell", "composition+cell+Ea")
LATTICE = ["a_A", "b_A", "c_A", "alpha_deg", "beta_deg", "gamma_deg"]
CELL = LATTICE + ["V_A3", "atoms_per_cell", "V_per_atom_A3", "Li_per_nm3", "density_g_cm3", "space_group_number",
                  "crystal_system_index"]
EA = ["Ea_eV", "T_C", "Ea_over_kT"]
SCHEMES = ("chemical system", "family", "random")
_FLAG = {"composition": "has_composition", "composition+cell": "has_cell", "composition+cell+Ea": "has_ea"}

_MOVED = {"ObelixRF", "LatticeRF", "cross_validate", "cv_table", "interval_coverage"}


def __getattr__(name):  # the cross-validation tools live in conductivity_cv (it imports this module)
    if name in _MOVED:
        from . import conductivity_cv

        return getattr(conductivity_cv, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def chemical_system(formula) -> str | None:
    """The chemical system of a formula: its elements, sorted and joined by '-' (None if unparseable).

    Parameters
    ----------
    formula : str

    Returns
    -------
    str or None

    Examples
    --------
    >>> chemical_system("Li6PS5Cl")
    'Cl-Li-P-S'
    """
    ef = element_fractions(formula)
    return None if ef is None else "-".join(e for e, _ in ef)


@lru_cache(maxsize=1)
def _known_elements() -> frozenset:
    return frozenset(element_table().index)


def _usable_formula(formula) -> str | None:
    """'' if ``formula`` parses and every element has element data (H-Lr), else why not."""
    if not isinstance(formula, str) or not formula.strip():
        return "no composition given"
    ef = element_fractions(formula)
    if ef is None:
        return f"composition not parsable as a formula: {formula}"
    known = _known_elements()
    beyond = [e for e, _ in ef if e not in known]
    if beyond:
        return f"composition {formula} holds element(s) beyond Lr with no element data: {', '.join(beyond)}"
    return ""


def _choose_formula(comp, true_comp) -> tuple[str | None, str, str]:
    """(formula used, its source, refusal): ``Composition`` if usable, else ``True Composition``."""
    why = _usable_formula(comp)
    if not why:
        return comp, "Composition", ""
    if isinstance(true_comp, str) and not _usable_formula(true_comp):
        return true_comp, "True Composition", ""
    if isinstance(true_comp, str) and true_comp.strip():
        why += f"; True Composition {true_comp} not usable either"
    return None, "", why


def _atoms_per_cell(true_comp, comp, z) -> float:
    am = element_amounts(true_comp) if isinstance(true_comp, str) else None
    if am is not None:
        return float(sum(n for _, n in am))
    am = element_amounts(comp) if isinstance(comp, str) else None
    if am is None or z is None or pd.isna(z) or float(z) <= 0:
        return np.nan
    return float(z) * float(sum(n for _, n in am))


@lru_cache(maxsize=None)
def _shipped_table(name: str) -> pd.DataFrame:
    """A shipped table the features join (Laskowski Ea, Liverpool T), loaded and validated once per process.

    Predicting chunk by chunk asks for them once a chunk (0.4 s each time
    when loaded afresh); the joins only read them.
    """
    from .. import data as datasets

    return datasets.load(name)


def conductivity_features(rows: pd.DataFrame, laskowski: pd.DataFrame | None = None,
                          liverpool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features of every head for cleaned OBELiX-format rows.

    The formula is ``composition``; where it does not parse (or holds an
    element beyond Lr), ``true_composition`` is used instead (the atoms of the
    unit cell: the same fractions). Work is done once per distinct formula
    and join key, so a file that repeats compositions costs little more than
    its distinct ones.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`ssekit.data.clean_obelix` (lattice, Z and the join
        keys may be missing; a formula is what every row needs).
    laskowski, liverpool : pandas.DataFrame, optional
        Tables for Ea and T (default: the shipped ones). Only their Ea and T
        columns are used.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in order: ``ID``, ``composition`` (the formula
        used), ``formula_source`` ('Composition' or 'True Composition'),
        ``chemical_system``, ``family``, the flags ``has_composition``,
        ``has_cell``, ``has_ea``, ``refusal`` (why a row cannot be predicted,
        else ''), then the model's inputs (:func:`model_input`): descriptors,
        element fractions ``x_<El>``, cell and Ea features. No conductivity
        column is carried.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"ID": ["a"], "composition": ["0.7Li2S-0.3P2S5"], "true_composition": ["Li7P3S11"]})
    >>> f = conductivity_features(rows)
    >>> f.loc[0, "composition"], f.loc[0, "formula_source"], bool(f.loc[0, "has_composition"])
    ('Li7P3S11', 'True Composition', True)
    """
    laskowski = _shipped_table("laskowski2023_si") if laskowski is None else laskowski
    liverpool = _shipped_table("liverpool_ionics") if liverpool is None else liverpool
    rows = rows.reset_index(drop=True).copy()
    n = len(rows)
    for col in ["true_composition", "Z", "space_group_number", "family", "laskowski_id", "liion_id"] + LATTICE:
        if col not in rows:
            rows[col] = pd.Series([None] * n, dtype=object) if col in ("true_composition", "family") else np.nan
    raw_comp = rows["composition"].where(rows["composition"].notna(), None).tolist()
    raw_true = rows["true_composition"].where(rows["true_composition"].notna(), None).tolist()
    pairs = pd.Series(list(zip(raw_comp, raw_true)))
    distinct = {p: _choose_formula(*p) for p in dict.fromkeys(pairs)}
    chosen = [distinct[p] for p in pairs]
    comp = [c[0] for c in chosen]
    out = pd.DataFrame({"ID": rows["ID"].astype(str), "composition": comp, "formula_source": [c[1] for c in chosen],
                        "family": rows["family"]})
    uniq = list(dict.fromkeys(c for c in comp if c is not None))
    pos = {c: i for i, c in enumerate(uniq)}
    take = np.array([pos.get(c, -1) for c in comp])
    desc_u = composition_descriptors(uniq)
    frac_u = element_fraction_matrix(uniq, list(element_table().index))
    system_u = np.array([chemical_system(c) for c in uniq] + [None], dtype=object)
    desc = desc_u.reindex(take).reset_index(drop=True) if len(uniq) else pd.DataFrame(
        np.nan, index=range(n), columns=descriptor_names())
    fracs = frac_u.reindex(take).reset_index(drop=True) if len(uniq) else pd.DataFrame(
        np.nan, index=range(n), columns=frac_u.columns)
    out.insert(3, "chemical_system", system_u[take])
    out["has_composition"] = desc.notna().all(axis=1).to_numpy()
    out["refusal"] = [c[2] if not ok else "" for c, ok in zip(chosen, out["has_composition"])]
    out.loc[~out["has_composition"] & (out["refusal"] == ""), "refusal"] = "composition has no usable descriptors"

    lat = rows[LATTICE].astype(float)
    ok_lat = lat.notna().all(axis=1) & rows["space_group_number"].notna()
    cell = pd.DataFrame(index=rows.index)
    cell[LATTICE] = lat
    with np.errstate(invalid="ignore", divide="ignore"):
        try:
            cell["V_A3"] = np.where(ok_lat, cell_volume(*(lat[c].fillna(1.0 if "_A" in c else 90.0) for c in LATTICE)),
                                    np.nan)
        except InputError as exc:
            raise InputError(f"a row's lattice does not describe a cell: {exc}") from None
        cell["atoms_per_cell"] = [_atoms_per_cell(t, c, z) for t, c, z in zip(raw_true, comp, rows["Z"])]
        cell["V_per_atom_A3"] = cell["V_A3"] / cell["atoms_per_cell"]
        li_u = np.array([dict(element_fractions(c) or ()).get("Li", 0.0) for c in uniq] + [np.nan])
        cell["Li_per_nm3"] = li_u[take] * cell["atoms_per_cell"] / cell["V_A3"] * 1e3
        masses = element_table()["AtomicWeight"].to_dict()
        mass_u = np.array([sum(x * masses.get(e, np.nan) for e, x in (element_fractions(c) or ())) or np.nan
                           for c in uniq] + [np.nan])
        cell["density_g_cm3"] = mass_u[take] * cell["atoms_per_cell"] / cell["V_A3"] * 1.66053906660
    cell["space_group_number"] = rows["space_group_number"].astype(float)
    cell["crystal_system_index"] = [float(CRYSTAL_SYSTEMS.index(s)) if (s := crystal_system(k)) else np.nan
                                    for k in rows["space_group_number"].astype("Float64").fillna(0)]
    cell = cell.replace([np.inf, -np.inf], np.nan)  # Z = 0 and the like: no cell head, never an infinite feature
    out["has_cell"] = out["has_composition"] & cell[CELL].notna().all(axis=1).to_numpy()

    keys = pd.DataFrame({"composition": comp, "true_composition": raw_true,
                         "laskowski_id": rows["laskowski_id"], "liion_id": rows["liion_id"]})
    key_cols = ["composition", "true_composition", "laskowski_id"]
    kk = keys[key_cols].astype(object).where(keys[key_cols].notna(), None)
    kk_tuples = list(zip(*(kk[c] for c in key_cols)))
    first = dict.fromkeys(kk_tuples)
    uniq_keys = pd.DataFrame(list(first), columns=key_cols)
    ea_u, _, _ = join_activation_energy(uniq_keys, laskowski)
    ea_map = dict(zip(first, ea_u.to_numpy()))
    t_c, _ = join_temperature(keys, liverpool)
    eaf = pd.DataFrame({"Ea_eV": [ea_map[k] for k in kk_tuples], "T_C": t_c.to_numpy()})
    eaf["Ea_over_kT"] = eaf["Ea_eV"] / (K_B_EV * (eaf["T_C"] + CELSIUS_TO_KELVIN))
    out["has_ea"] = out["has_cell"] & eaf[EA].notna().all(axis=1).to_numpy()
    return pd.concat([out, desc, fracs, cell.reset_index(drop=True), eaf], axis=1)


def model_input(F: pd.DataFrame) -> pd.DataFrame:
    """The numeric columns of :func:`conductivity_features` that :class:`ConductivityModel` takes, in order.

    Parameters
    ----------
    F : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        Descriptors, ``x_<El>`` for every element H-Lr, cell and Ea features.
    """
    cols = descriptor_names() + [f"x_{e}" for e in element_table().index] + CELL + EA
    return F[cols].astype(float)


def target_log10(rows: pd.DataFrame) -> pd.Series:
    """The training label: log10 σ (S/cm), with '<x' bounds stored as :data:`CENSORED_LOG10`.

    Parameters
    ----------
    rows : pandas.DataFrame
        Cleaned OBELiX-format rows (``sigma_S_per_cm``, ``sigma_censored``).

    Returns
    -------
    pandas.Series
        Indexed 0..n-1.
    """
    rows = rows.reset_index(drop=True)
    y = np.log10(rows["sigma_S_per_cm"].astype(float))
    return y.where(~rows["sigma_censored"].astype(bool), CENSORED_LOG10).rename("log10_sigma")


def conformal_quantile(abs_residuals, level: float = 0.9) -> float:
    """Split-conformal half-width: the ceil((n+1) level)-th smallest absolute residual.

    Parameters
    ----------
    abs_residuals : array-like
        Out-of-sample absolute errors.
    level : float
        Nominal coverage, in (0, 1).

    Returns
    -------
    float
        ``inf`` when there are too few residuals for the level.

    Examples
    --------
    >>> conformal_quantile(range(1, 10), 0.8)
    8.0
    """
    r = np.sort(np.asarray(abs_residuals, float))
    k = int(np.ceil((len(r) + 1) * level))
    return float(r[k - 1]) if 1 <= k <= len(r) else float("inf")


def rows_from_csv_frame(raw: pd.DataFrame, dataset: str = "input") -> pd.DataFrame:
    """Clean OBELiX-format text rows for prediction (lattice, Z, σ may be blank).

    Parameters
    ----------
    raw : pandas.DataFrame
        The CSV read as text (``dtype=str, keep_default_na=False``).
    dataset : str
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Cleaned rows.

    Raises
    ------
    DataValidationError
        Missing columns, non-numeric or out-of-range values (naming row and column).
    """
    from ..data import clean_obelix

    if len(raw) == 0:
        raise InputError(f"{dataset}: no rows")
    rows, _ = clean_obelix(raw, dataset, require_measurements=False)
    return rows


def normalised_conformal(abs_residuals, spreads, level: float = 0.9) -> tuple[float, float]:
    """``(beta, q)`` of a normalised split-conformal interval ``pred ± q (spread + beta)``.

    Parameters
    ----------
    abs_residuals : array-like
        Out-of-sample absolute errors.
    spreads : array-like
        The model's spread at the same rows (here the interquartile range of
        the row's conditional distribution).
    level : float
        Nominal coverage.

    Returns
    -------
    beta : float
        The median spread (keeps the width positive where the spread is zero).
    q : float
        Conformal quantile of ``|error| / (spread + beta)``.

    Examples
    --------
    >>> normalised_conformal([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], 0.5)
    (1.0, 1.0)
    """
    r, s = np.asarray(abs_residuals, float), np.asarray(spreads, float)
    beta = float(np.median(s)) if len(s) else 0.0
    beta = beta if beta > 0 else 1e-6
    return beta, conformal_quantile(r / (s + beta), level)


def _groups_from_fractions(X: np.ndarray, frac_idx: np.ndarray) -> np.ndarray | None:
    """Chemical system of each row from its element-fraction columns (the elements present), or None."""
    if not len(frac_idx):
        return None
    present = np.nan_to_num(X[:, frac_idx]) > 0
    return np.array(["".join("1" if p else "0" for p in row) for row in present])


def _chunks(n: int, size: int) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


class ConductivityModel(RegressorMixin, BaseEstimator):
    """The conductivity predictor: heads of quantile-regression forests with 'below detection' kept as a bound.

    See the module docstring for what a head, the 'below' answer, the
    interval and the domain are. ``fit(X, y)`` takes :func:`model_input`
    (a frame whose column names define the three heads) or any numeric array
    (then one head on all columns); labels equal to ``censored_value`` are
    bounds. ``predict`` gives log10 σ (``censored_value`` where the answer is
    'below the detection limit'); :meth:`predict_table` gives everything.

    Parameters
    ----------
    n_estimators : int
        Trees per head.
    max_features : float
        Fraction of the features tried at each split.
    min_samples_leaf : int
        Smallest leaf: each leaf holds a few materials, so the conditional
        distribution has a width.
    threshold : float
        ``p_below`` from which the answer is 'below the detection limit'.
    level : float
        Nominal coverage of the intervals.
    calibrate : bool
        Calibrate intervals and domain limit by an inner 5-fold grouped CV
        (5 more fits per head); off inside an outer cross-validation.
    censored_value : float
        The label that marks a bound (OBELiX: −15).
    seed : int
        Seed of every random choice.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import clone
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 3)); y = X[:, 0] - 4 + 0.1 * rng.normal(size=120)
    >>> y[X[:, 0] < -1.2] = -15.0          # 'below detection' for the least conducting
    >>> m = ConductivityModel(n_estimators=50).fit(X, y)
    >>> t = m.predict_table(np.array([[-2.0, 0, 0], [1.0, 0, 0]]))
    >>> t["below"].tolist(), bool(t.loc[1, "log10_sigma_lo"] < -3 < t.loc[1, "log10_sigma_hi"])
    ([True, False], True)
    >>> clone(m).get_params()["n_estimators"]
    50
    """

    def __init__(self, n_estimators: int = 300, max_features: float = 1.0, min_samples_leaf: int = 5,
                 threshold: float = 0.5, level: float = 0.9, calibrate: bool = True,
                 censored_value: float = CENSORED_LOG10, seed: int = 0):
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.threshold = threshold
        self.level = level
        self.calibrate = calibrate
        self.censored_value = censored_value
        self.seed = seed

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing lattice or Ea selects a poorer head
        return tags

    # ------------------------------------------------------------------ fitting

    def _head_columns(self, X: np.ndarray) -> dict[str, np.ndarray]:
        names = list(getattr(self, "feature_names_in_", []))
        desc = descriptor_names()
        if names and all(d in names for d in desc):
            idx = {c: i for i, c in enumerate(names)}
            fr = [c for c in names if c.startswith("x_") and (np.nan_to_num(X[:, idx[c]]) > 0).any()]
            comp = [idx[c] for c in desc + fr]
            heads = {"composition": comp}
            if all(c in idx for c in CELL):
                heads["composition+cell"] = comp + [idx[c] for c in CELL]
                if all(c in idx for c in EA):
                    heads["composition+cell+Ea"] = heads["composition+cell"] + [idx[c] for c in EA]
            self.descriptor_index_ = np.array([idx[c] for c in desc])
            self.fraction_index_ = np.array([idx[c] for c in names if c.startswith("x_")], dtype=int)
        else:
            heads = {"composition": list(range(X.shape[1]))}
            self.descriptor_index_ = np.arange(X.shape[1])
            self.fraction_index_ = np.array([], dtype=int)
        return {h: np.array(c, dtype=int) for h, c in heads.items()}

    def fit(self, X, y, groups=None, families=None, names=None) -> "ConductivityModel":
        """Fit every head on the rows that have its inputs; calibrate intervals and domain by grouped CV.

        Parameters
        ----------
        X : pandas.DataFrame or array-like
            :func:`model_input` of the training rows, or a numeric array.
        y : array-like
            log10 σ, ``censored_value`` for bounds.
        groups : array-like, optional
            Chemical system of each row (default: from the element-fraction
            columns; plain folds for an array without them).
        families, names : array-like, optional
            Family and formula of each row, reported with the nearest
            training material.

        Returns
        -------
        ConductivityModel
            ``self``.
        """
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", y_numeric=True, dtype=np.float64)
        if len(y) < 2:
            raise ValueError(f"conductivity model: {len(y)} sample; at least 2 are needed (n_samples = {len(y)})")
        if not np.isfinite(y).all():
            raise InputError("conductivity model: every training row needs a finite log10 conductivity")
        self.head_columns_ = self._head_columns(X)
        self.forests_, self.leaves_, self.y_, self.n_train_ = {}, {}, {}, {}
        for head, cols in self.head_columns_.items():
            rows = np.isfinite(X[:, cols]).all(axis=1)
            if rows.sum() < (2 if head == "composition" else 20):
                continue
            forest = ExtraTreesRegressor(n_estimators=self.n_estimators, max_features=self.max_features,
                                         min_samples_leaf=self.min_samples_leaf, random_state=self.seed, n_jobs=1)
            Xh = X[rows][:, cols]
            with one_thread():
                self.forests_[head] = fit_forest(forest, Xh, y[rows])
            self.leaves_[head] = training_leaves(forest, Xh)
            self.y_[head] = y[rows].copy()
            self.n_train_[head] = int(rows.sum())
        if "composition" not in self.forests_:
            raise InputError("conductivity model: no training row has a usable composition")
        d = X[:, self.descriptor_index_]
        ok = np.isfinite(d).all(axis=1)
        self.domain_mean_ = d[ok].mean(axis=0)
        sd = d[ok].std(axis=0)
        self.domain_scale_ = np.where(sd > 0, sd, 1.0)
        self.domain_points_ = ((d[ok] - self.domain_mean_) / self.domain_scale_).astype(np.float64)
        n = len(y)
        self.domain_family_ = np.asarray(["" if pd.isna(f) else str(f) for f in
                                          (families if families is not None else [""] * n)], dtype=str)[ok]
        self.domain_name_ = np.asarray(["" if pd.isna(f) else str(f) for f in
                                        (names if names is not None else [""] * n)], dtype=str)[ok]
        self.scale_, self.beta_, self.domain_limit_ = {}, {}, float("nan")
        if self.calibrate and n >= 10:
            self._calibrate(X, y, groups)
        return self

    def _splits(self, X, groups) -> list:
        g = np.asarray(groups) if groups is not None else _groups_from_fractions(X, self.fraction_index_)
        if g is not None and len(np.unique(g)) >= 5:
            return list(GroupKFold(5, shuffle=True, random_state=self.seed).split(X, groups=g))
        return list(KFold(5, shuffle=True, random_state=self.seed).split(X))

    def _calibrate(self, X, y, groups) -> None:
        oof = self.out_of_fold(X, y, self._splits(X, groups))
        measured = ~self._is_censored(y)
        for head in self.forests_:
            p, iqr = oof[f"pred {head}"].to_numpy(), oof[f"iqr {head}"].to_numpy()
            ok = np.isfinite(p) & measured
            if ok.sum() >= 10:
                self.beta_[head], self.scale_[head] = normalised_conformal(np.abs(p[ok] - y[ok]), iqr[ok], self.level)
        dist = oof["distance"].to_numpy()
        self.domain_limit_ = float(np.nanquantile(dist, 0.95)) if np.isfinite(dist).any() else float("nan")

    def _is_censored(self, y) -> np.ndarray:
        return np.isclose(np.asarray(y, float), self.censored_value)

    def out_of_fold(self, X, y, splits) -> pd.DataFrame:
        """Each head's out-of-fold prediction, interquartile range, p_below, and the distance to the training fold.

        Parameters
        ----------
        X : array-like
            Inputs as for :meth:`fit` (already validated or not).
        y : array-like
            Labels.
        splits : list of (train, test) index arrays

        Returns
        -------
        pandas.DataFrame
            Columns ``fold``, ``pred <head>``, ``iqr <head>``, ``p_below <head>``
            for every head, ``distance``.
        """
        names = list(X.columns) if isinstance(X, pd.DataFrame) else getattr(self, "feature_names_in_", None)
        X = np.asarray(X, float)
        y = np.asarray(y, float)
        cols = ["fold"] + [f"{k} {h}" for h in HEADS for k in ("pred", "iqr", "p_below")] + ["distance"]
        out = pd.DataFrame(np.nan, index=range(len(y)), columns=cols)
        inner = clone(self).set_params(calibrate=False)
        for k, (tr, te) in enumerate(splits):
            Xtr = pd.DataFrame(X[tr], columns=names) if names is not None else X[tr]
            Xte = pd.DataFrame(X[te], columns=names) if names is not None else X[te]
            m = clone(inner).fit(Xtr, y[tr])
            heads = m._heads(np.asarray(Xte, float))
            out.loc[te, "fold"] = k
            for h, (p, iqr, pb) in heads.items():
                out.loc[te, f"pred {h}"], out.loc[te, f"iqr {h}"], out.loc[te, f"p_below {h}"] = p, iqr, pb
            out.loc[te, "distance"] = m._nearest(np.asarray(Xte, float))[0]
        return out

    # ------------------------------------------------------------------ predicting

    def _heads(self, X: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per head: (prediction, interquartile range, p_below), NaN where a row lacks the head's inputs."""
        out = {}
        for head, forest in self.forests_.items():
            cols = self.head_columns_[head]
            rows = np.isfinite(X[:, cols]).all(axis=1)
            p, iqr, pb = (np.full(len(X), np.nan) for _ in range(3))
            idx = np.flatnonzero(rows)
            ycens = self._is_censored(self.y_[head])
            for sl in _chunks(len(idx), 5000):
                W = forest_weights(forest, self.leaves_[head], X[idx[sl]][:, cols])
                q = weighted_quantiles(W, self.y_[head], [0.25, 0.5, 0.75])
                below = W[:, ycens].sum(axis=1) if ycens.any() else np.zeros(len(W))
                med = q[:, 1]
                if (~ycens).any():  # where the median is the bound but p_below < threshold: median of the measured part
                    qm = weighted_quantiles(W[:, ~ycens], self.y_[head][~ycens], [0.5])[:, 0]
                    med = np.where(np.isclose(med, self.censored_value), qm, med)
                med = np.where(below >= self.threshold, self.censored_value, med)
                p[idx[sl]], iqr[idx[sl]], pb[idx[sl]] = med, q[:, 2] - q[:, 0], below
            out[head] = (p, iqr, pb)
        return out

    def _nearest(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance (RMS over descriptors, training SDs) to the nearest training material, and its index.

        The matrix product that screens the candidates rounds differently
        for different numbers of rows, so the winner is chosen among the
        near-ties by the distance computed from the difference, the lowest
        index on an exact tie (several training rows share a composition):
        the answer does not depend on how the rows are chunked.
        """
        d = (X[:, self.descriptor_index_] - self.domain_mean_) / self.domain_scale_
        dist, which = np.full(len(X), np.nan), np.full(len(X), -1)
        ok = np.flatnonzero(np.isfinite(d).all(axis=1))
        P = self.domain_points_
        p2 = (P**2).sum(axis=1)
        for sl in _chunks(len(ok), 5000):
            q = d[ok[sl]]
            q2 = (q**2).sum(axis=1)
            d2 = q2[:, None] + p2[None, :] - 2 * q @ P.T
            slack = 1e-6 * (q2 + p2.max() + 1.0)  # far above the rounding of d2, far below real gaps
            rows, cols = np.nonzero(d2 <= d2.min(axis=1)[:, None] + slack[:, None])
            exact = ((q[rows] - P[cols]) ** 2).sum(axis=1)
            order = np.lexsort((cols, exact, rows))
            first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]  # best candidate of each row
            dist[ok[sl]] = np.sqrt(exact[first] / P.shape[1])
            which[ok[sl]] = cols[first]
        return dist, which

    def predict_table(self, X) -> pd.DataFrame:
        """Everything the model says about each row.

        Parameters
        ----------
        X : pandas.DataFrame or array-like
            As for :meth:`fit`.

        Returns
        -------
        pandas.DataFrame
            ``log10_sigma_pred`` (``censored_value`` when the answer is
            'below'), ``log10_sigma_lo`` and ``log10_sigma_hi`` (the
            ``level`` interval, NaN without calibration; the lower end is
            never below ``censored_value``), ``p_below`` (probability of
            conducting below the detection limit), ``below``, ``head``,
            ``distance`` (to the nearest training material), ``nearest``
            and ``nearest_family`` (that material), ``in_domain``
            (distance <= ``domain_limit_``). Rows without a usable
            composition get NaN and head ''.
        """
        check_is_fitted(self, "forests_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        n = len(X)
        pred, lo, hi, pb = (np.full(n, np.nan) for _ in range(4))
        head = np.full(n, "", dtype=object)
        for h, (p, iqr, b) in self._heads(X).items():
            m = np.isfinite(p)
            pred[m], pb[m], head[m] = p[m], b[m], h
            if h in self.scale_:
                hw = self.scale_[h] * (iqr[m] + self.beta_[h])
                lo[m], hi[m] = np.maximum(p[m] - hw, self.censored_value), p[m] + hw
        dist, which = self._nearest(X)
        found = which >= 0
        nearest = np.where(found, self.domain_name_[np.maximum(which, 0)], "")
        family = np.where(found, self.domain_family_[np.maximum(which, 0)], "")
        limit = self.domain_limit_
        return pd.DataFrame({"log10_sigma_pred": pred, "log10_sigma_lo": lo, "log10_sigma_hi": hi, "p_below": pb,
                             "below": np.isfinite(pred) & (pb >= self.threshold), "head": head, "distance": dist,
                             "nearest": nearest, "nearest_family": family,
                             "in_domain": np.isfinite(dist) & (dist <= limit if np.isfinite(limit) else True)})

    def predict(self, X) -> np.ndarray:
        """log10 σ (S/cm) of each row; ``censored_value`` where the answer is 'below the detection limit'.

        Parameters
        ----------
        X : pandas.DataFrame or array-like

        Returns
        -------
        numpy.ndarray
        """
        return self.predict_table(X)["log10_sigma_pred"].to_numpy()

    @property
    def n_rows_(self) -> int:
        """Training rows (of the composition head: every row with a usable formula)."""
        check_is_fitted(self, "forests_")
        return self.n_train_["composition"]


def cv_splits(F: pd.DataFrame, scheme: str, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs of a 5-fold CV: grouped by chemical system, by family, or random.

    Parameters
    ----------
    F : pandas.DataFrame
        Rows with ``chemical_system`` and ``family`` columns.
    scheme : str
        One of :data:`SCHEMES`. Rows without a family form one group 'unknown'.
    n_splits : int
        Folds.
    seed : int
        Shuffle seed (random scheme; group order of the grouped ones).

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
    """
    idx = np.arange(len(F))
    if scheme == "random":
        return list(KFold(n_splits, shuffle=True, random_state=seed).split(idx))
    if scheme == "chemical system":
        groups = F["chemical_system"].fillna("?").to_numpy()
    elif scheme == "family":
        groups = F["family"].fillna("unknown").astype(str).str.strip().str.lower().to_numpy()
    else:
        raise InputError(f"CV scheme must be one of {SCHEMES}, got {scheme!r}")
    n_groups = len(np.unique(groups))
    if n_groups < n_splits:
        raise InputError(f"{n_splits}-fold CV grouped by {scheme} needs at least {n_splits} distinct groups; "
                         f"the rows hold {n_groups}")
    return list(GroupKFold(n_splits, shuffle=True, random_state=seed).split(idx, groups=groups))


# --------------------------------------------------------------------------
# training, the shipped model, predicting files
# --------------------------------------------------------------------------


def train(rows: pd.DataFrame, seed: int = 0, level: float = 0.9, **params) -> ConductivityModel:
    """Fit the predictor on cleaned OBELiX-format rows with conductivities (same pipeline as the shipped model).

    Parameters
    ----------
    rows : pandas.DataFrame
        Cleaned rows; rows without a conductivity or a usable formula are left out.
    seed : int
        Seed.
    level : float
        Nominal interval coverage.
    **params
        Other :class:`ConductivityModel` parameters.

    Returns
    -------
    ConductivityModel
        Fitted and calibrated (``n_rows_``: training rows; ``n_train_``: per head).

    Raises
    ------
    InputError
        Fewer than 20 usable rows, or fewer than 5 chemical systems (the
        grouped calibration needs 5 folds).
    """
    rows = rows[rows["sigma_S_per_cm"].notna()].reset_index(drop=True)
    F = conductivity_features(rows)
    keep = F["has_composition"].to_numpy()
    if keep.sum() < 20:
        raise InputError(f"conductivity model: {int(keep.sum())} rows with a conductivity and a usable composition; "
                         "at least 20 are needed")
    n_sys = F.loc[keep, "chemical_system"].nunique()
    if n_sys < 5:
        raise InputError(f"conductivity model: the rows span {n_sys} chemical system(s); at least 5 are needed "
                         "to calibrate the intervals by chemical-system-grouped 5-fold CV")
    Fk = F[keep].reset_index(drop=True)
    model = ConductivityModel(seed=seed, level=level, **params)
    return model.fit(model_input(Fk), target_log10(rows)[keep].to_numpy(), groups=Fk["chemical_system"].to_numpy(),
                     families=Fk["family"].to_numpy(), names=Fk["composition"].to_numpy())


def _shipped_model(seed: int) -> ConductivityModel:
    from .. import data as datasets

    return train(datasets.load("obelix_train"), seed)


def shipped_model(seed: int = 0) -> ConductivityModel:
    """The predictor trained on the shipped OBELiX training split (cached per process and, if enabled, on disk).

    Parameters
    ----------
    seed : int
        Seed.

    Returns
    -------
    ConductivityModel
    """
    key = ("shipped", seed)
    if key not in _MODELS:
        from .._cache import memory

        _MODELS[key] = memory().cache(_shipped_model)(seed)
    return _MODELS[key]


_MODELS: dict = {}


def answer_text(log10_pred: float, p_below: float, below: bool) -> str:
    """The prediction in words: 'below 1e-10 S/cm (p = 0.83)' or '3.2e-04 S/cm'.

    Examples
    --------
    >>> answer_text(-15.0, 0.834, True), answer_text(-3.49, 0.0, False)
    ('below 1e-10 S/cm (p = 0.83)', '3.2e-04 S/cm')
    """
    if below:
        return f"below 1e-{-DETECTION_LIMIT_LOG10:.0f} S/cm (p = {p_below:.2f})"
    return f"{10 ** log10_pred:.1e} S/cm"


def _nothing_predicted() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Empty stand-ins for a chunk's features and :meth:`ConductivityModel.predict_table`, with their dtypes."""
    f, o, b = np.zeros(0), np.zeros(0, dtype=object), np.zeros(0, dtype=bool)
    F = pd.DataFrame({"ID": o, "Ea_eV": f, "formula_source": o, "refusal": o})
    t = pd.DataFrame({"log10_sigma_pred": f, "log10_sigma_lo": f, "log10_sigma_hi": f, "p_below": f, "below": b,
                      "head": o, "distance": f, "nearest": o, "nearest_family": o, "in_domain": b})
    return F, t


def _prediction_frame(model: ConductivityModel, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    keep = [c for c in rows.columns if c not in ("sigma_S_per_cm", "sigma_censored")]
    F = conductivity_features(rows[keep]) if len(rows) else _nothing_predicted()[0]
    ok = (F["refusal"] == "").to_numpy(dtype=bool)
    # a chunk in which every row is refused (or that is empty) gives the same columns with no rows
    t = model.predict_table(model_input(F.loc[ok])) if ok.any() else _nothing_predicted()[1]
    pct = round(100 * model.level)
    out = pd.DataFrame({
        "ID": F.loc[ok, "ID"].to_numpy(),
        "log10_sigma_pred": t["log10_sigma_pred"].to_numpy(),
        f"log10_sigma_lo{pct}": t["log10_sigma_lo"].to_numpy(),
        f"log10_sigma_hi{pct}": t["log10_sigma_hi"].to_numpy(),
        "answer": [answer_text(p, b, w) for p, b, w in zip(t["log10_sigma_pred"], t["p_below"], t["below"])],
        "p_below_1e-10": t["p_below"].to_numpy(),
        "head": t["head"].to_numpy(),
        "Ea_eV": np.where(t["head"] == "composition+cell+Ea", F.loc[ok, "Ea_eV"], np.nan),
        "formula_used": np.where(F.loc[ok, "formula_source"] == "Composition", "Composition", "True Composition"),
        "distance": t["distance"].to_numpy(),
        "nearest_training": t["nearest"].to_numpy(),
        "nearest_family": t["nearest_family"].to_numpy(),
        "outside_domain": ~t["in_domain"].to_numpy(),
    })
    if not ok.any():  # text columns with the dtype pandas gives text, so that empty chunks concatenate alike
        text = pd.Series(["x"]).dtype
        out = out.astype({"ID": text, "answer": text})
    # few distinct values: categories fixed by the model, so chunks concatenate without growing memory
    out["head"] = pd.Categorical(out["head"], categories=list(HEADS))
    out["formula_used"] = pd.Categorical(out["formula_used"], categories=["Composition", "True Composition"])
    out["nearest_training"] = pd.Categorical(out["nearest_training"], categories=_categories(model.domain_name_))
    out["nearest_family"] = pd.Categorical(out["nearest_family"], categories=_categories(model.domain_family_))
    refused = pd.DataFrame({"ID": F.loc[~ok, "ID"].to_numpy(), "reason": F.loc[~ok, "refusal"].to_numpy()})
    return out, refused


def _categories(values: np.ndarray) -> list[str]:
    return sorted(set(values.tolist()) | {""})


def iter_predictions(model: ConductivityModel, chunks: Iterable[pd.DataFrame], total: int | None = None,
                     progress=None) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Predict chunk by chunk (memory bounded by the chunk size): yields ``(predictions, refused)`` per chunk.

    Parameters
    ----------
    model : ConductivityModel
    chunks : iterable of pandas.DataFrame
        Cleaned OBELiX-format rows, one frame per chunk.
    total : int, optional
        Number of rows in all chunks (for the progress line).
    progress : file-like, optional
        Where to write a progress line after each chunk (e.g. ``sys.stderr``);
        None: silent.

    Yields
    ------
    (pandas.DataFrame, pandas.DataFrame)
        As :func:`predict_rows`, for the chunk.
    """
    done = 0
    for rows in chunks:
        out, refused = _prediction_frame(model, rows)
        done += len(rows)
        if progress is not None:
            of = f"/{total}" if total else ""
            print(f"conductivity predict: {done}{of} rows done", file=progress, flush=True)
        yield out, refused


def predict_rows(model: ConductivityModel, rows: pd.DataFrame, chunk_rows: int = 20_000,
                 progress=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predictions for cleaned rows: ``(predictions, refused)``, computed ``chunk_rows`` at a time.

    Parameters
    ----------
    model : ConductivityModel
        A fitted model.
    rows : pandas.DataFrame
        Cleaned OBELiX-format rows (their conductivity column, if any, is not read).
    chunk_rows : int
        Rows per chunk (features of a chunk take about 2 kB a row).
    progress : file-like, optional
        Progress lines when there is more than one chunk (e.g. ``sys.stderr``).

    Returns
    -------
    predictions : pandas.DataFrame
        For every row with a usable formula: ``ID``, ``log10_sigma_pred``
        (−15 when the answer is below the detection limit),
        ``log10_sigma_lo90``, ``log10_sigma_hi90`` (bounds at the model's
        level), ``answer`` (in words, S/cm), ``p_below_1e-10``, ``head``,
        ``Ea_eV`` (when the Ea head was used), ``formula_used``,
        ``distance`` (to the nearest training material), ``nearest_training``,
        ``nearest_family``, ``outside_domain``.
    refused : pandas.DataFrame
        ``ID`` and ``reason`` for the others.
    """
    rows = rows.reset_index(drop=True)
    parts = list(iter_predictions(model, (rows.iloc[s] for s in _chunks(len(rows), chunk_rows)), len(rows),
                                  progress if len(rows) > chunk_rows else None))
    if not parts:
        parts = [_prediction_frame(model, rows)]
    return (pd.concat([p[0] for p in parts], ignore_index=True),
            pd.concat([p[1] for p in parts], ignore_index=True))


def predict_csv(model: ConductivityModel, path, chunk_rows: int = 20_000, progress=sys.stderr
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predict a CSV file in the OBELiX format, reading and cleaning it ``chunk_rows`` at a time.

    Peak memory is that of one chunk plus the (compact) predictions, so a
    file of a million rows fits in well under 1 GB (measured by
    ``scripts/benchmark --predictor``).

    Parameters
    ----------
    model : ConductivityModel
    path : str or path-like
        CSV with the columns of ``obelix_train.csv`` (lattice, Z and
        conductivity may be blank).
    chunk_rows : int
        Rows per chunk.
    progress : file-like or None
        Progress lines for files longer than one chunk.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        As :func:`predict_rows`.
    """
    from ..files import iter_csv_file

    raw_chunks, notes = iter_csv_file(path, "OBELiX-format CSV", chunk_rows, dtype=str, keep_default_na=False)
    for n in notes:
        print(n, file=progress or sys.stderr)
    cleaned = (rows_from_csv_frame(raw, str(path)) for raw in raw_chunks)
    parts = list(iter_predictions(model, cleaned, None, progress))
    return (pd.concat([p[0] for p in parts], ignore_index=True),
            pd.concat([p[1] for p in parts], ignore_index=True))


def domain_note(predictions: pd.DataFrame, model: ConductivityModel) -> str | None:
    """One line for the user when rows lie outside the training domain (None when all are inside).

    Parameters
    ----------
    predictions : pandas.DataFrame
        Output of :func:`predict_rows`.
    model : ConductivityModel

    Returns
    -------
    str or None
    """
    n = int(predictions["outside_domain"].sum()) if len(predictions) else 0
    return domain_note_for(n, len(predictions), model)


def domain_note_for(n_outside: int, n_rows: int, model: ConductivityModel) -> str | None:
    """:func:`domain_note` from counts: ``n_outside`` of ``n_rows`` predictions outside the domain.

    For predictions made chunk by chunk and not kept, whose counts are summed.

    Parameters
    ----------
    n_outside, n_rows : int
    model : ConductivityModel

    Returns
    -------
    str or None
    """
    if not n_outside:
        return None
    return (f"note: {n_outside} of {n_rows} row(s) are outside the training domain (column outside_domain: "
            f"composition descriptors farther than {model.domain_limit_:.2f} from every training material, farther "
            "than 95 % of held-out chemical systems); their predictions and intervals are extrapolations")
