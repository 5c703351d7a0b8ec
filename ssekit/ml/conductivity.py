"""A room-temperature ionic-conductivity predictor for any parsable composition, with intervals.

Rows come in the OBELiX format (cleaned by :func:`ssekit.data.clean_obelix`).
Three heads, each an extremely randomised trees regressor on log10 σ:

``composition``
    Magpie-style descriptors and element fractions
    (:mod:`ssekit.ml.composition`). Needs only a parsable formula.
``composition+cell``
    plus lattice a, b, c, angles, volume, atoms per cell, volume per atom,
    Li per volume, density, space group and crystal system. Needs the
    lattice, the space group and Z (or the per-cell composition).
``composition+cell+Ea``
    plus the activation energy joined from the shipped Laskowski 2023 table
    (median of the matching rows, :mod:`ssekit.data.joins`), the temperature
    and Ea/kT. Trained on the rows that have one.

Each row is predicted by the richest head its inputs allow. Intervals are
normalised split-conformal, calibrated on each head's out-of-fold errors
under 5-fold CV grouped by chemical system: the half-width is a conformal
multiple of the spread of the head's trees at the row (plus the median
spread), so that a head that knows less (composition only), or a row unlike
the training data, gets a wider interval.

Labels: only the training rows' own conductivities, in log10 S/cm; a
conductivity given only as a bound (``<1E-10``) is stored as 1e-15, the
OBELiX authors' convention (:data:`CENSORED_LOG10`). The Laskowski and
Liverpool tables supply activation energies and temperatures, never labels.
A row's own conductivity column is never read when it is predicted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import GroupKFold, KFold

from ..chemistry import CRYSTAL_SYSTEMS, cell_volume, crystal_system, element_amounts, element_fractions
from ..data.joins import join_activation_energy, join_temperature
from ..errors import InputError
from ..physics.constants import CELSIUS_TO_KELVIN, K_B_EV
from ..threads import fit_forest, one_thread
from .composition import composition_descriptors, descriptor_names, element_fraction_matrix, element_table

__all__ = ["CENSORED_LOG10", "HEADS", "LATTICE", "SCHEMES", "chemical_system", "conductivity_features",
           "target_log10", "ConductivityModel", "ObelixRF", "LatticeRF", "cv_splits", "cross_validate",
           "cv_table", "conformal_quantile", "normalised_conformal", "interval_coverage", "rows_from_csv_frame", "train",
           "shipped_model", "predict_rows"]

#: log10 σ given to conductivities reported only as an upper bound (OBELiX: '<1E-10' stored as 1e-15).
CENSORED_LOG10 = -15.0
HEADS = ("composition", "composition+cell", "composition+cell+Ea")
LATTICE = ["a_A", "b_A", "c_A", "alpha_deg", "beta_deg", "gamma_deg"]
CELL = LATTICE + ["V_A3", "atoms_per_cell", "V_per_atom_A3", "Li_per_nm3", "density_g_cm3", "space_group_number",
                  "crystal_system_index"]
EA = ["Ea_eV", "T_C", "Ea_over_kT"]
SCHEMES = ("chemical system", "family", "random")


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


def _atoms_per_cell(true_comp, comp, z) -> float:
    am = element_amounts(true_comp) if isinstance(true_comp, str) else None
    if am is not None:
        return float(sum(n for _, n in am))
    am = element_amounts(comp)
    if am is None or z is None or pd.isna(z):
        return np.nan
    return float(z) * float(sum(n for _, n in am))


def conductivity_features(rows: pd.DataFrame, laskowski: pd.DataFrame | None = None,
                          liverpool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features of every head for cleaned OBELiX-format rows.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`ssekit.data.clean_obelix` (lattice, Z and the join
        keys may be missing; the composition is what every row needs).
    laskowski, liverpool : pandas.DataFrame, optional
        Tables for Ea and T (default: the shipped ones). Only their Ea and T
        columns are used.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in order: ``ID``, ``composition``,
        ``chemical_system``, ``family``, the flags ``has_composition``,
        ``has_cell``, ``has_ea``, ``refusal`` (why a row cannot be predicted,
        else ''), the descriptors, element fractions ``x_<El>``, cell and Ea
        features. No conductivity column is carried.
    """
    from .. import data as datasets

    laskowski = datasets.load("laskowski2023_si") if laskowski is None else laskowski
    liverpool = datasets.load("liverpool_ionics") if liverpool is None else liverpool
    rows = rows.reset_index(drop=True)
    comp = rows["composition"].tolist()
    desc = composition_descriptors(comp)
    fracs = element_fraction_matrix(comp, list(element_table().index))
    out = pd.DataFrame({"ID": rows["ID"].astype(str), "composition": rows["composition"],
                        "chemical_system": [chemical_system(c) for c in comp],
                        "family": rows["family"] if "family" in rows else None})
    out["has_composition"] = desc.notna().all(axis=1).to_numpy()
    out["refusal"] = np.where(out["has_composition"], "",
                              np.where(rows["composition"].isna(), "no composition given",
                                       "composition not parsable as a formula: " + rows["composition"].astype(str)))
    lat = rows[LATTICE].astype(float)
    ok_lat = lat.notna().all(axis=1) & rows["space_group_number"].notna()
    cell = pd.DataFrame(index=rows.index)
    cell[LATTICE] = lat
    with np.errstate(invalid="ignore"):
        try:
            cell["V_A3"] = np.where(ok_lat, cell_volume(*(lat[c].fillna(1.0 if "_A" in c else 90.0) for c in LATTICE)),
                                    np.nan)
        except InputError as exc:
            raise InputError(f"a row's lattice does not describe a cell: {exc}") from None
    cell["atoms_per_cell"] = [_atoms_per_cell(t, c, z) for t, c, z in
                              zip(rows.get("true_composition", pd.Series(None, index=rows.index)), comp,
                                  rows.get("Z", pd.Series(np.nan, index=rows.index)))]
    cell["V_per_atom_A3"] = cell["V_A3"] / cell["atoms_per_cell"]
    li = np.array([dict(element_fractions(c) or ()).get("Li", 0.0) for c in comp])
    cell["Li_per_nm3"] = li * cell["atoms_per_cell"] / cell["V_A3"] * 1e3
    masses = element_table()["AtomicWeight"]
    mean_mass = np.array([sum(x * masses[e] for e, x in (element_fractions(c) or ())) or np.nan for c in comp])
    cell["density_g_cm3"] = mean_mass * cell["atoms_per_cell"] / cell["V_A3"] * 1.66053906660
    cell["space_group_number"] = rows["space_group_number"].astype(float)
    cell["crystal_system_index"] = [float(CRYSTAL_SYSTEMS.index(s)) if (s := crystal_system(n)) else np.nan
                                    for n in rows["space_group_number"].astype("Float64").fillna(0)]
    out["has_cell"] = out["has_composition"] & cell[CELL].notna().all(axis=1).to_numpy()
    ea, _, _ = join_activation_energy(rows, laskowski)
    t_c, _ = join_temperature(rows, liverpool)
    eaf = pd.DataFrame({"Ea_eV": ea, "T_C": t_c})
    eaf["Ea_over_kT"] = eaf["Ea_eV"] / (K_B_EV * (eaf["T_C"] + CELSIUS_TO_KELVIN))
    out["has_ea"] = out["has_cell"] & eaf["Ea_eV"].notna().to_numpy()
    return pd.concat([out, desc, fracs, cell.reset_index(drop=True), eaf.reset_index(drop=True)], axis=1)


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


def _trees(seed: int, n_estimators: int = 100, max_features: float = 1.0, min_samples_leaf: int = 1):
    return ExtraTreesRegressor(n_estimators=n_estimators, max_features=max_features, min_samples_leaf=min_samples_leaf,
                               random_state=seed, n_jobs=1)


@dataclass
class ConductivityModel:
    """The three-head predictor (see the module docstring).

    Intervals are normalised split-conformal: a row's half-width is
    ``q * (s(x) + beta)``, where ``s(x)`` is the spread (standard deviation)
    of the head's trees at that row, ``beta`` the median out-of-fold spread,
    and ``q`` the conformal quantile of ``|error| / (s + beta)`` over the
    out-of-fold rows of chemical-system-grouped CV. Rows unlike the training
    data, where the trees disagree, get wider intervals.

    Parameters
    ----------
    seed : int
        Seed of every random choice (trees, CV shuffles).
    level : float
        Nominal coverage of the intervals.
    n_estimators : int
        Trees per head (extremely randomised trees, all features considered
        at each split: the setting with the lowest chemical-system-grouped CV
        error among max_features 0.3, 0.5, 0.7 and 1.0 -- a choice made on the
        same CV, so the reported error is slightly optimistic).
    """

    seed: int = 0
    level: float = 0.9
    n_estimators: int = 100
    heads_: dict = field(default_factory=dict)
    columns_: dict = field(default_factory=dict)
    scale_: dict = field(default_factory=dict)
    beta_: dict = field(default_factory=dict)
    n_train_: dict = field(default_factory=dict)

    def _columns(self, F: pd.DataFrame) -> dict[str, list[str]]:
        x_cols = [c for c in F.columns if c.startswith("x_") and (F[c].fillna(0) > 0).any()]
        comp = descriptor_names() + x_cols
        return {"composition": comp, "composition+cell": comp + CELL, "composition+cell+Ea": comp + CELL + EA}

    @staticmethod
    def _rows_for(F: pd.DataFrame, head: str) -> np.ndarray:
        flag = {"composition": "has_composition", "composition+cell": "has_cell", "composition+cell+Ea": "has_ea"}[head]
        return F[flag].to_numpy(bool)

    def fit(self, F: pd.DataFrame, y, calibrate: bool = True) -> "ConductivityModel":
        """Fit every head on the rows that have its inputs; calibrate the intervals by grouped CV.

        Parameters
        ----------
        F : pandas.DataFrame
            :func:`conductivity_features` of the training rows.
        y : array-like
            Their log10 σ (:func:`target_log10`).
        calibrate : bool
            Compute the conformal scale factors (5 more fits per head); off
            inside an outer cross-validation, which measures them itself.

        Returns
        -------
        ConductivityModel
            ``self``.
        """
        y = np.asarray(y, float)
        if len(y) != len(F) or not np.isfinite(y).all():
            raise InputError("conductivity model: every training row needs a finite log10 conductivity")
        if int(F["has_composition"].sum()) < 20:
            raise InputError(f"conductivity model: {int(F['has_composition'].sum())} rows with a parsable "
                             "composition; at least 20 are needed")
        self.columns_ = self._columns(F)
        self.heads_, self.n_train_, self.scale_, self.beta_ = {}, {}, {}, {}
        for head in HEADS:
            m = self._rows_for(F, head)
            if m.sum() < 20:
                continue
            X = F.loc[m, self.columns_[head]].to_numpy(float)
            with one_thread():
                self.heads_[head] = fit_forest(_trees(self.seed, self.n_estimators), X, y[m])
            self.n_train_[head] = int(m.sum())
        if calibrate:
            pred, spread = self.out_of_fold(F, y)
            for head in self.heads_:
                ok = pred[head].notna().to_numpy()
                self.beta_[head], self.scale_[head] = normalised_conformal(
                    np.abs(pred[head].to_numpy()[ok] - y[ok]), spread[head].to_numpy()[ok], self.level)
        return self

    def out_of_fold(self, F: pd.DataFrame, y, splits=None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Out-of-fold predictions and tree spreads of every head (NaN where a row lacks the head's inputs).

        Parameters
        ----------
        F : pandas.DataFrame
            Features of the rows.
        y : array-like
            Their labels.
        splits : list of (train, test) index arrays, optional
            Default: 5-fold grouped by chemical system (:func:`cv_splits`).

        Returns
        -------
        (pandas.DataFrame, pandas.DataFrame)
            Predictions and spreads, one column per head.
        """
        y = np.asarray(y, float)
        splits = cv_splits(F, "chemical system", seed=self.seed) if splits is None else splits
        pred = pd.DataFrame(np.nan, index=F.index, columns=list(HEADS))
        spread = pred.copy()
        for tr, te in splits:
            inner = ConductivityModel(self.seed, self.level, self.n_estimators).fit(F.iloc[tr], y[tr], calibrate=False)
            p, s = inner.predict_heads(F.iloc[te], spread=True)
            pred.iloc[te], spread.iloc[te] = p.to_numpy(), s.to_numpy()
        return pred, spread

    def predict_heads(self, F: pd.DataFrame, spread: bool = False):
        """Each head's prediction for each row (NaN where the row lacks the head's inputs).

        Parameters
        ----------
        F : pandas.DataFrame
            :func:`conductivity_features` of the rows.
        spread : bool
            Also return the standard deviation over each head's trees.

        Returns
        -------
        pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
            One column per head, indexed like ``F``.
        """
        out = pd.DataFrame(np.nan, index=F.index, columns=list(HEADS))
        sd = out.copy()
        for head, model in self.heads_.items():
            m = self._rows_for(F, head)
            if m.any():
                X = F.loc[m, self.columns_[head]].to_numpy(float)
                if spread:
                    trees = np.stack([t.predict(X) for t in model.estimators_])
                    out.loc[m, head], sd.loc[m, head] = trees.mean(axis=0), trees.std(axis=0)
                else:
                    out.loc[m, head] = model.predict(X)
        return (out, sd) if spread else out

    def predict(self, F: pd.DataFrame) -> pd.DataFrame:
        """log10 σ with its interval, from the richest head each row allows.

        Parameters
        ----------
        F : pandas.DataFrame
            :func:`conductivity_features` of the rows.

        Returns
        -------
        pandas.DataFrame
            Columns ``ID``, ``log10_sigma_pred``, ``log10_sigma_lo``,
            ``log10_sigma_hi`` (the ``level`` interval; NaN if the model was
            fitted without calibration), ``head``, and ``refusal`` (non-empty
            only for rows without a usable composition, whose prediction is
            NaN).
        """
        if not self.heads_:
            raise InputError("conductivity model: not fitted")
        ph, sd = self.predict_heads(F, spread=True)
        head = pd.Series("", index=F.index, dtype=object)
        pred = pd.Series(np.nan, index=F.index)
        hw = pd.Series(np.nan, index=F.index)
        for h in HEADS:
            if h in self.heads_:
                m = ph[h].notna()
                pred[m], head[m] = ph.loc[m, h], h
                if h in self.scale_:
                    hw[m] = self.scale_[h] * (sd.loc[m, h] + self.beta_[h])
        return pd.DataFrame({"ID": F["ID"].to_numpy(), "log10_sigma_pred": pred.to_numpy(),
                             "log10_sigma_lo": (pred - hw).to_numpy(), "log10_sigma_hi": (pred + hw).to_numpy(),
                             "head": head.to_numpy(), "refusal": F["refusal"].to_numpy()})


def normalised_conformal(abs_residuals, spreads, level: float = 0.9) -> tuple[float, float]:
    """``(beta, q)`` of a normalised split-conformal interval ``pred ± q (spread + beta)``.

    Parameters
    ----------
    abs_residuals : array-like
        Out-of-sample absolute errors.
    spreads : array-like
        The model's spread (e.g. standard deviation over trees) at the same rows.
    level : float
        Nominal coverage.

    Returns
    -------
    beta : float
        The median spread (keeps the width positive where the trees agree).
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


class _Baseline:
    """A baseline on a fixed set of columns (rows lacking them are predicted by the training mean)."""

    name = "baseline"

    def _X(self, F):
        raise NotImplementedError

    def fit(self, F, y):
        """Fit on the rows of ``F`` with labels ``y``."""
        self.mean_ = float(np.mean(y))
        model = self._model()
        X, y = self._X(F), np.asarray(y, float)
        self.model_ = fit_forest(model, X, y) if isinstance(model, (RandomForestRegressor, ExtraTreesRegressor)) else model.fit(X, y)
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
    are not published with the code. Trees need no scaling.
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
    return list(GroupKFold(n_splits, shuffle=True, random_state=seed).split(idx, groups=groups))


def _cv_fold(Ftr, ytr, Fte, seed, n_estimators):
    with one_thread():
        m = ConductivityModel(seed, n_estimators=n_estimators).fit(Ftr, ytr, calibrate=False)
        ph, sd = m.predict_heads(Fte, spread=True)
        p = m.predict(Fte)["log10_sigma_pred"].to_numpy()
        base = np.column_stack([b.fit(Ftr, ytr).predict(Fte) for b in (_Mean(), LatticeRF(seed), ObelixRF(seed))])
    return ph.to_numpy(), sd.to_numpy(), p, base


def cross_validate(F: pd.DataFrame, y, scheme: str, seed: int = 0, n_estimators: int = 100, n_jobs: int = 1
                   ) -> pd.DataFrame:
    """Out-of-fold predictions of the predictor's heads and of the baselines under one CV scheme.

    Parameters
    ----------
    F : pandas.DataFrame
        :func:`conductivity_features` of the training rows.
    y : array-like
        Their log10 σ.
    scheme : str
        One of :data:`SCHEMES`.
    seed : int
        Seed of the splits and the models.
    n_estimators : int
        Trees per head of the predictor.
    n_jobs : int
        Folds fitted in parallel (joblib processes, one BLAS/OpenMP thread
        each); results do not depend on it.

    Returns
    -------
    pandas.DataFrame
        Columns ``y``, ``fold``, one per head, ``ssekit predictor`` (richest
        head per row), one per baseline, and ``spread <head>`` (standard
        deviation over the head's trees).
    """
    y = np.asarray(y, float)
    splits = cv_splits(F, scheme, seed=seed)
    cols = list(HEADS) + ["ssekit predictor", "mean baseline", LatticeRF.name, ObelixRF.name]
    out = pd.DataFrame(np.nan, index=F.index, columns=cols)
    spread = pd.DataFrame(np.nan, index=F.index, columns=[f"spread {h}" for h in HEADS])
    fold = np.full(len(F), -1)
    from joblib import Parallel, delayed

    jobs = [delayed(_cv_fold)(F.iloc[tr], y[tr], F.iloc[te], seed, n_estimators) for tr, te in splits]
    for k, ((tr, te), (ph, sd, p, base)) in enumerate(zip(splits, Parallel(n_jobs=n_jobs)(jobs))):
        fold[te] = k
        out.iloc[te, :len(HEADS)] = ph
        spread.iloc[te] = sd
        out.iloc[te, len(HEADS)] = p
        out.iloc[te, len(HEADS) + 1:] = base
    out.insert(0, "fold", fold)
    out.insert(0, "y", y)
    return pd.concat([out, spread], axis=1)


def cv_table(oof: dict[str, pd.DataFrame], censored=None) -> pd.DataFrame:
    """MAE and R^2 (log10 S/cm) per model and CV scheme from :func:`cross_validate` outputs.

    Parameters
    ----------
    oof : dict of str to pandas.DataFrame
        Scheme name -> out-of-fold predictions.
    censored : array-like of bool, optional
        Rows whose label is a bound; adds MAE over the other rows.

    Returns
    -------
    pandas.DataFrame
        Index (model, rows scored); columns (metric, scheme).
    """
    rows = []
    for scheme, df in oof.items():
        for model in [c for c in df.columns if c not in ("y", "fold") and not c.startswith("spread ")]:
            m = df[model].notna().to_numpy()
            y, p = df["y"].to_numpy()[m], df[model].to_numpy()[m]
            rows.append((model, int(m.sum()), scheme, "MAE", mean_absolute_error(y, p)))
            rows.append((model, int(m.sum()), scheme, "R2", r2_score(y, p)))
            if censored is not None:
                mu = m & ~np.asarray(censored, bool)
                rows.append((model, int(m.sum()), scheme, "MAE uncensored",
                             mean_absolute_error(df["y"].to_numpy()[mu], df[model].to_numpy()[mu])))
    t = pd.DataFrame(rows, columns=["model", "rows", "scheme", "metric", "value"])
    return t.pivot_table(index=["model", "rows"], columns=["metric", "scheme"], values="value", sort=False)


def interval_coverage(oof: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """Cross-conformal coverage: each fold judged with an interval calibrated on the other folds' residuals.

    Two intervals per head (the head that answers each row, as in
    :meth:`ConductivityModel.predict`): constant width (plain split
    conformal) and normalised by the trees' spread (what the model uses).
    The composition head is also judged on every row, as for rows given
    without a lattice.

    Parameters
    ----------
    oof : pandas.DataFrame
        Output of :func:`cross_validate`.
    level : float
        Nominal coverage.

    Returns
    -------
    pandas.DataFrame
        Per head and interval kind: rows, coverage (fraction of rows inside)
        and median interval width (decades).
    """
    head_of = pd.Series("", index=oof.index)
    for h in HEADS:
        head_of[oof[h].notna()] = h
    cases = [(h, h, head_of == h) for h in HEADS if (head_of == h).any()]
    cases.append(("composition (every row, lattice ignored)", "composition", oof["composition"].notna()))
    rows = []
    for label, h, sel in cases:
        for kind in ("constant", "normalised"):
            inside, widths = [], []
            for k in sorted(oof["fold"].unique()):
                cal = (oof["fold"] != k) & oof[h].notna()
                r = np.abs(oof.loc[cal, h] - oof.loc[cal, "y"]).to_numpy()
                te = sel & (oof["fold"] == k)
                err = np.abs(oof.loc[te, h] - oof.loc[te, "y"]).to_numpy()
                if kind == "constant":
                    hw = np.full(len(err), conformal_quantile(r, level))
                else:
                    beta, q = normalised_conformal(r, oof.loc[cal, f"spread {h}"].to_numpy(), level)
                    hw = q * (oof.loc[te, f"spread {h}"].to_numpy() + beta)
                inside += list(err <= hw)
                widths += list(2 * hw)
            rows.append((label, kind, int(sel.sum()), float(np.mean(inside)), float(np.median(widths))))
    return pd.DataFrame(rows, columns=["head", "interval", "rows", "coverage", "median width (decades)"]
                        ).set_index(["head", "interval"])


# --------------------------------------------------------------------------
# the shipped model, reading rows, saving models
# --------------------------------------------------------------------------


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


def train(rows: pd.DataFrame, seed: int = 0, level: float = 0.9) -> ConductivityModel:
    """Fit the predictor on cleaned OBELiX-format rows with conductivities (same pipeline as the shipped model).

    Parameters
    ----------
    rows : pandas.DataFrame
        Cleaned rows; rows without a conductivity are left out.
    seed : int
        Seed.
    level : float
        Nominal interval coverage.

    Returns
    -------
    ConductivityModel
        Fitted and calibrated; ``n_rows_`` holds the number of training rows.
    """
    rows = rows[rows["sigma_S_per_cm"].notna()].reset_index(drop=True)
    F = conductivity_features(rows)
    keep = F["has_composition"].to_numpy()
    model = ConductivityModel(seed, level).fit(F[keep].reset_index(drop=True), target_log10(rows)[keep].to_numpy())
    model.n_rows_ = int(keep.sum())
    return model


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


def predict_rows(model: ConductivityModel, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predictions for cleaned rows: ``(predictions, refused)``.

    Parameters
    ----------
    model : ConductivityModel
        A fitted model.
    rows : pandas.DataFrame
        Cleaned OBELiX-format rows (their conductivity column, if any, is not read).

    Returns
    -------
    predictions : pandas.DataFrame
        ``ID``, ``log10_sigma_pred``, ``log10_sigma_lo90``, ``log10_sigma_hi90``
        (bounds at the model's level), ``head``, ``Ea_eV`` (when the Ea head
        was used), for every row with a usable composition.
    refused : pandas.DataFrame
        ``ID`` and ``reason`` for the others.
    """
    keep = [c for c in rows.columns if c not in ("sigma_S_per_cm", "sigma_censored")]
    F = conductivity_features(rows[keep])
    p = model.predict(F)
    ok = p["refusal"] == ""
    pct = round(100 * model.level)
    out = p.loc[ok, ["ID", "log10_sigma_pred", "log10_sigma_lo", "log10_sigma_hi", "head"]].rename(
        columns={"log10_sigma_lo": f"log10_sigma_lo{pct}", "log10_sigma_hi": f"log10_sigma_hi{pct}"})
    out["Ea_eV"] = np.where(out["head"] == "composition+cell+Ea", F.loc[ok, "Ea_eV"], np.nan)
    refused = p.loc[~ok, ["ID", "refusal"]].rename(columns={"refusal": "reason"})
    return out.reset_index(drop=True), refused.reset_index(drop=True)
