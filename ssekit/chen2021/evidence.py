"""Chen et al. 2021 claims as pure functions of their inputs (claims engine v3).

Every claim of ``chen2021/claims.toml`` names three functions here:

- an *inputs* function (zero arguments) returning a dict: the active film
  table (``"table"``), what it is (``"data"``), the surrogate generator's
  parameters when the table is the surrogate (``"generator"``), and, for
  claims that need them, the K-means classes, the classifier inputs and the
  number of random 80/20 splits;
- a *compute* function ``compute(inputs) -> Reproduction`` that computes only
  what that claim needs from those inputs (no module-level analysis is read);
- a *null* ``null(inputs, rng) -> inputs`` that removes the effect the claim
  tests (Gaussian noise tables through the same PCA + K-means pipeline,
  columns shuffled independently, labels permuted, random class
  assignments), asking for fewer splits where the claim resamples.

Surrogate claims also name :func:`knockouts`: every generator term whose
value or sign was taken from a finding of the paper (``knockouts.csv``) is
knocked out in turn and the inputs regenerated, so the engine can mark a
claim whose verdict flips as *by construction*.

Shared steps (PCA, K-means, the SVM splits) are memoised on a hash of the
inputs, so claims that share a table share the work.

Examples
--------
>>> rep = compute_dot_rd_corr(table_inputs())
>>> rep.data
'surrogate'
>>> 0 < rep.value <= 1
True
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import silhouette_score
from sklearn.model_selection import ShuffleSplit, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from .. import claims as _claims
from ..data import read_csv
from ..ml import filmclass as filmml
from ..ml.kernels import LinearKernel, linear_coef
from . import films

__all__ = [
    "N_SPLITS", "NULL_SPLITS", "KNOCKOUT_SPLITS", "SEED", "table_inputs", "class_inputs", "split_inputs_pc",
    "split_inputs_recipe", "sigma_only_inputs", "paper_inputs", "classes_of", "pca_of", "knockout_terms", "knockout_label", "knockouts",
    "null_gaussian_table", "null_shuffle_columns", "null_shuffle_outcomes", "null_shuffle_rd", "null_random_classes",
    "null_permute_labels", "anova_p", "split_results", "f1_samples", "fixed_c_f1", "boundary_samples", "ORDER_P_LEVELS",
]

SEED = 0
#: Random 80/20 splits every split-dependent claim is judged over (C tuned inside each, 3-fold).
N_SPLITS = 30
#: Splits a null draw asks for (C fixed at 1: a permuted-label SVM scores near chance whatever C is).
NULL_SPLITS = 3
#: Splits a knock-out evaluation asks for (C fixed at 1).
KNOCKOUT_SPLITS = 10
#: The P% levels Figure 4 shows (3, 5, 7, 10 measured; 4, 6, 8, 9 interpolated).
ORDER_P_LEVELS = (3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)
_CORR_STRONG = 0.7
_CORR_WEAK = 0.3


# ---------------------------------------------------------------- helpers

def _digest(*parts) -> str:
    h = hashlib.sha1()
    for p in parts:
        if isinstance(p, pd.DataFrame):
            h.update(np.ascontiguousarray(p.to_numpy(float)).tobytes())
            h.update(",".join(map(str, p.columns)).encode())
        elif isinstance(p, np.ndarray):
            h.update(np.ascontiguousarray(p).tobytes())
        else:
            h.update(repr(p).encode())
    return h.hexdigest()


_MEMO: dict[tuple, object] = {}


def _memo(name: str, key: str, fn):
    k = (name, key)
    if k not in _MEMO:
        if len(_MEMO) > 4000:
            _MEMO.clear()
        _MEMO[k] = fn()
    return _MEMO[k]


_REP_FIELDS = {f.name for f in dataclasses.fields(_claims.Reproduction)}
_OLD_KINDS = getattr(_claims, "DATA_KINDS", ())


def _rep(value, inputs: dict, note: str = "", **kw) -> _claims.Reproduction:
    """A Reproduction with the data kind of ``inputs`` and a label saying what the table is."""
    data = inputs.get("data", "paper inputs")
    if data not in _OLD_KINDS and data == "paper data" and "real data" in _OLD_KINDS:
        data = "real data"  # the engine before v3 calls the user's Table S1 'real data'
    tag = {"surrogate": "SURROGATE data", "paper data": "the paper's Table S1", "real data": "the paper's Table S1"}
    note = f"{tag[data]}; {note}" if data in tag and note else note
    args = {"data": data, "note": note, **kw}
    if isinstance(value, (np.bool_, bool)):
        value = bool(value)
    elif value is not None:
        value = float(value)
    if "samples" in args:
        args["samples"] = tuple(bool(s) if isinstance(s, (bool, np.bool_)) else float(s) for s in args["samples"])
    return _claims.Reproduction(value, **{k: v for k, v in args.items() if k in _REP_FIELDS})


def _frame_copy(d: dict) -> dict:
    return {k: (v.copy() if isinstance(v, (pd.DataFrame, np.ndarray)) else v) for k, v in d.items()}


# ---------------------------------------------------------------- the pipeline

def pca_of(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """PCA of the z-scored PCA features: scores, loadings (features x PCs), explained ratio, retained count.

    The same numbers as :func:`ssekit.ml.filmclass.pca` (an SVD of the
    standardised matrix), without building a pipeline.
    """
    def run():
        X = table[filmml.PCA_FEATURES].to_numpy(float)
        sd = X.std(axis=0)
        Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        U, S, Vt = np.linalg.svd(Z, full_matrices=False)
        sign = np.sign(Vt[np.arange(len(Vt)), np.argmax(np.abs(Vt), axis=1)])  # sklearn's svd_flip convention
        Vt, U = Vt * sign[:, None], U * sign[None, :]
        var = S ** 2 / (len(Z) - 1)
        ratio = var / var.sum()
        n = int(np.searchsorted(np.cumsum(ratio), filmml.VARIANCE_TARGET - 1e-12) + 1)
        return U * S, Vt.T * np.sqrt(var), ratio, n
    return _memo("pca", _digest(table[filmml.PCA_FEATURES]), run)


def classes_of(table: pd.DataFrame, n_init: int = filmml.N_INIT, seed: int = SEED) -> np.ndarray:
    """Classes 1-3 of the films: K-means (k = 3) on the retained components, named by the fixed rule.

    The pipeline of :func:`ssekit.chen2021.analysis.analysis` (same PCA, same
    K-means settings, same naming rule); memoised on the table.
    """
    def run():
        scores, _, _, n = pca_of(table)
        km = filmml.fit_kmeans(scores[:, :n], 3, seed, n_init)
        return filmml.relabel(km.labels_, table["sigma_S_per_cm"], table["RD"])
    return _memo("classes", _digest(table[filmml.PCA_FEATURES + ["sigma_S_per_cm", "RD"]], n_init, seed), run).copy()


# ---------------------------------------------------------------- inputs

def _generator_dict() -> dict | None:
    d = films.active_film_data()
    if not d.is_surrogate:
        return None
    return {k: p.value for k, p in films.surrogate_parameters().items()}


def _kind() -> str:
    return "surrogate" if films.active_film_data().is_surrogate else "paper data"


def table_inputs() -> dict:
    """The active film table, what it is, and (for the surrogate) the generator parameters."""
    return {"table": films.active_film_data().table.copy(), "data": _kind(), "generator": _generator_dict(),
            "n_init": filmml.N_INIT}


def _classes(inputs: dict, table: pd.DataFrame | None = None) -> np.ndarray:
    """:func:`classes_of` the inputs' table (or ``table``), with the inputs' K-means restarts."""
    return classes_of(inputs["table"] if table is None else table, inputs.get("n_init", filmml.N_INIT))


def _with_classes(inputs: dict) -> dict:
    out = dict(inputs)
    out["classes"] = _classes(inputs)
    return out


def class_inputs() -> dict:
    """:func:`table_inputs` plus the K-means classes of the films (computed once, memoised)."""
    return _with_classes(table_inputs())


def _split_inputs(features: list[str]) -> dict:
    d = class_inputs()
    d.update(features=list(features), n_splits=N_SPLITS, tune=True)
    return d


def split_inputs_pc() -> dict:
    """The paper's reading: classes predicted from PC1 and PC2, over :data:`N_SPLITS` random 80/20 splits."""
    return _split_inputs(["PC1", "PC2"])


def split_inputs_recipe() -> dict:
    """The recipe reading: classes predicted from P%, L:S and X:B, over :data:`N_SPLITS` random 80/20 splits."""
    return _split_inputs(filmml.INPUTS)


def sigma_only_inputs() -> dict:
    """The recipe reading with two labels from σ alone (classes 1-2 'high', class 3 'low') and the three classes."""
    return _split_inputs(filmml.INPUTS)


def paper_inputs() -> dict:
    """Numbers the paper prints (Table 1 and Fig. S9): nothing random or fitted."""
    from . import analysis
    p = analysis.reported()
    t1 = analysis.table1()
    return {"data": "paper inputs", "table1": t1,
            "sigma_e": {"powder": p.get_value("powder_sigma_e", "S/cm"), "film": p.get_value("film_sigma_e", "S/cm")}}


# ---------------------------------------------------------------- nulls

def null_gaussian_table(inputs: dict, rng: np.random.Generator) -> dict:
    """Every column replaced by Gaussian noise with that column's mean and sd; K-means restarts cut to 3."""
    t = inputs["table"]
    noise = rng.standard_normal(t.shape) * t.std().to_numpy() + t.mean().to_numpy()
    out = dict(inputs, table=pd.DataFrame(noise, columns=t.columns), n_init=3)
    if "classes" in inputs:
        out["classes"] = classes_of(out["table"], 3)
    if "n_splits" in inputs:
        out.update(n_splits=NULL_SPLITS, tune=False)
    return out


def null_shuffle_columns(inputs: dict, rng: np.random.Generator) -> dict:
    """Every column of the film table permuted independently (every relation between columns removed)."""
    t = inputs["table"]
    arr = t.to_numpy(float).copy()
    for j in range(arr.shape[1]):
        arr[:, j] = arr[rng.permutation(len(arr)), j]
    return dict(inputs, table=pd.DataFrame(arr, columns=t.columns), n_init=3)


def null_shuffle_outcomes(inputs: dict, rng: np.random.Generator) -> dict:
    """The measured film properties permuted together across recipes (any recipe -> property link removed)."""
    t = inputs["table"].copy()
    out_cols = [c for c in t.columns if c not in filmml.INPUTS]
    t[out_cols] = t[out_cols].to_numpy()[rng.permutation(len(t))]
    return dict(inputs, table=t)


def null_shuffle_rd(inputs: dict, rng: np.random.Generator) -> dict:
    """RD permuted across films (any effect of the recipe on RD removed)."""
    t = inputs["table"].copy()
    t["RD"] = t["RD"].to_numpy()[rng.permutation(len(t))]
    return dict(inputs, table=t)


def null_random_classes(inputs: dict, rng: np.random.Generator) -> dict:
    """The class labels permuted across films (random class assignments of the same sizes)."""
    return dict(inputs, classes=np.asarray(inputs["classes"])[rng.permutation(len(inputs["classes"]))])


def null_permute_labels(inputs: dict, rng: np.random.Generator) -> dict:
    """Classes permuted across films before the SVM is trained; 3 splits with C = 1 (chance-level F1)."""
    out = null_random_classes(inputs, rng)
    out.update(n_splits=NULL_SPLITS, tune=False)
    return out


# ---------------------------------------------------------------- knock-outs

@lru_cache(maxsize=1)
def knockout_terms() -> pd.DataFrame:
    """Generator terms whose value or sign comes from a finding of the paper, with the knock-out applied."""
    return read_csv("chen2021/knockouts.csv").set_index("term")


def _regenerate(generator: dict, term: str, value: float) -> pd.DataFrame:
    base = films.surrogate_parameters()
    p = films.ParameterSet(base.name, dict(base))
    old = p[term]
    p[term] = type(old)(term, float(value), old.unit, "knock-out", old.note)
    for k, v in generator.items():
        if k != term and p[k].value != v:
            p[k] = type(p[k])(k, v, p[k].unit, "as given", p[k].note)
    return films.make_surrogate(p, n=len(films.active_film_data().table))


def knockout_label(term: str, value: float) -> str:
    """What a reader is told was knocked out: the term's ``label`` (``knockouts.csv``) and its new value.

    Examples
    --------
    >>> knockout_label("visc_weight_p", 0.0)
    "the surrogate generator's viscosity weight of P%, set to 0"
    >>> knockout_label("ls_opt_at_xb50", 1.0)
    "the surrogate generator's best L:S at X:B = 50 vol%, set to 1 µL mg⁻¹"
    """
    from ..tables import pretty_unit

    unit = films.surrogate_parameters()[term].unit
    unit = "" if value == 0 or unit in ("", "-") else " " + pretty_unit(unit)
    return f"the surrogate generator's {knockout_terms().loc[term, 'label']}, set to {value:g}{unit}"


def knockouts(inputs: dict) -> dict[str, tuple[str, dict, str]]:
    """Term -> (the paper finding it was sourced from, inputs regenerated with the term knocked out, reader's label).

    The key (``"visc_weight_p -> 0"``) is the term's id for machines
    (claims.json); the label (:func:`knockout_label`) is what pages show.
    Empty for the paper's own Table S1. Classes are recomputed through the
    same pipeline (20 restarts); the silhouette scan uses 5 restarts per k and
    split claims ask for :data:`KNOCKOUT_SPLITS` splits with C = 1.
    """
    gen = inputs.get("generator")
    if not gen:
        return {}
    out = {}
    for term, row in knockout_terms().iterrows():
        value = 0.0 if row["knockout"] == "zero" else float(row["value"])
        key = f"{term} -> {value:g}"
        table = _memo("knock", _digest(term, value, sorted(gen.items())), lambda: _regenerate(gen, term, value))
        new = dict(inputs, table=table.copy(), generator=dict(gen, **{term: value}))
        if "classes" in inputs:
            new["classes"] = _classes(inputs, table)
        new["n_init"] = 5  # the silhouette scan over k (kmeans.k) with 5 restarts per k
        if "n_splits" in inputs:
            new.update(n_splits=KNOCKOUT_SPLITS, tune=False)
        out[key] = (f"line {int(row['line'])}: {row['finding']}", new, knockout_label(term, value))
    return out


@lru_cache(maxsize=8)
def _noise_free(gen_items: tuple) -> pd.DataFrame:
    base = films.surrogate_parameters()
    p = films.ParameterSet(base.name, dict(base))
    for k, v in gen_items:
        p[k] = type(p[k])(k, v, p[k].unit, "as given", p[k].note)
    rec = films.design(100)
    return pd.concat([rec, films.film_physics(rec, p)], axis=1)


_READER_NAMES = {"thickness_um": "the film thickness", "sigma_S_per_cm": "σ", "RD": "RD", "DoT_um": "DoT"}


def _every_recipe(inputs: dict, column: str, sign: int) -> str:
    """'' or the reason a P% trend holds in the noise-free generator at every (L:S, X:B)."""
    gen = inputs.get("generator")
    if not gen:
        return ""
    nf = _noise_free(tuple(sorted(gen.items())))
    wide = nf.pivot_table(index=["LS_uL_per_mg", "XB_vol_pct"], columns="P_pct", values=column)
    steps = np.diff(wide.to_numpy(), axis=1) * sign
    if (steps > 0).all():
        name = _READER_NAMES.get(column, column)
        return (f"the noise-free surrogate generator makes {name} {'rise' if sign > 0 else 'fall'} with P% at "
                f"every one of the {len(wide)} (L:S, X:B) recipes")
    return ""


# ---------------------------------------------------------------- Fig. 2a: correlations

def _r(t: pd.DataFrame, x: str, y: str) -> float:
    return float(np.corrcoef(t[x].to_numpy(float), t[y].to_numpy(float))[0, 1])


def compute_dot_rd_corr(inputs: dict):
    """DoT and RD strongly correlated: Pearson r."""
    bc = "the surrogate sets DoT = RD x thickness, so the correlation follows from the generator" \
        if inputs.get("generator") else ""
    return _rep(_r(inputs["table"], "DoT_um", "RD"), inputs, "Pearson r over all films; 'strong' read as r > 0.7",
                by_construction=bc)


def compute_sigma_rd_corr(inputs: dict):
    """RD not linearly correlated with σ: |Pearson r|."""
    return _rep(abs(_r(inputs["table"], "sigma_S_per_cm", "RD")), inputs, "|Pearson r|; 'not correlated' read as |r| < 0.3")


def compute_sigma_dot_corr(inputs: dict):
    """DoT not linearly correlated with σ: |Pearson r|."""
    return _rep(abs(_r(inputs["table"], "sigma_S_per_cm", "DoT_um")), inputs,
                "|Pearson r|; 'not correlated' read as |r| < 0.3")


def compute_sigma_resistance_corr(inputs: dict):
    """σ inversely correlated with resistance: Pearson r (must be below -0.3)."""
    bc = "the surrogate computes R = h / (σ A), so the sign follows from the generator" if inputs.get("generator") else ""
    return _rep(_r(inputs["table"], "sigma_S_per_cm", "resistance_ohm"), inputs,
                "Pearson r; 'inversely correlated' read as r < -0.3", by_construction=bc)


def compute_ls_sigma_pca(inputs: dict):
    """L:S and σ positively related 'according to the PCA': their correlation as the PC1-PC2 biplot shows it."""
    _, load, ratio, _ = pca_of(inputs["table"])
    f = filmml.PCA_FEATURES
    i, j = f.index("LS_uL_per_mg"), f.index("sigma_S_per_cm")
    r2d = float(load[i, :2] @ load[j, :2])
    return _rep(r2d, inputs, f"inner product of the L:S and σ loadings on PC1-PC2 (the biplot's approximation of r; "
                f"PC1-PC2 explain {ratio[:2].sum():.0%}); Pearson r {_r(inputs['table'], 'LS_uL_per_mg', 'sigma_S_per_cm'):.2f}")


# ---------------------------------------------------------------- Fig. 2b-d: clustering

def compute_k(inputs: dict):
    """Number of clusters with the highest mean silhouette (k = 2 ... 8) on the retained components."""
    scores, _, _, n = pca_of(inputs["table"])
    X = scores[:, :n]
    n_init = inputs.get("n_init", filmml.N_INIT)
    ks = range(2, 9) if n_init >= filmml.N_INIT else range(2, 6)
    sil = {k: silhouette_score(X, filmml.fit_kmeans(X, k, SEED, n_init).labels_) for k in ks}
    best = max(sil, key=sil.get)
    return _rep(best, inputs, f"k with the highest silhouette on {n} PCs (k = 3: {sil[3]:.2f}, best: {sil[best]:.2f}); "
                "the book uses k = 3 as the paper does")


def compute_n_components(inputs: dict):
    """K-means runs on more than two components: the number retained (80 % of variance)."""
    _, _, ratio, n = pca_of(inputs["table"])
    return _rep(n, inputs, f"components reaching 80 % of the variance (PC1-PC2 explain {ratio[:2].sum():.0%})")


def compute_separated_beyond_2d(inputs: dict):
    """Classes 1 and 2 better separated in the retained components than on PC1-PC2 (silhouette gain)."""
    scores, _, _, n = pca_of(inputs["table"])
    c = _classes(inputs)
    m = np.isin(c, (1, 2))
    if len(set(c[m])) < 2 or n <= 2:
        return _rep(0.0, inputs, f"{n} retained component(s): nothing beyond PC1-PC2")
    full = silhouette_score(scores[m][:, :n], c[m])
    flat = silhouette_score(scores[m][:, :2], c[m])
    return _rep(full - flat, inputs, f"silhouette of classes 1 | 2 on {n} PCs {full:.2f}, on PC1-PC2 {flat:.2f}")


def _kw(inputs: dict, column: str):
    t = inputs["table"]
    c = _classes(inputs)
    groups = [t.loc[c == k, column].to_numpy() for k in (1, 2, 3)]
    p = float(stats.kruskal(*groups).pvalue)
    return _rep(p, inputs, f"Kruskal-Wallis p of {column.split('_')[0]} across the 3 K-means classes "
                f"(sizes {[len(g) for g in groups]})")


def compute_kw_sigma(inputs: dict):
    """Kruskal-Wallis p of σ across the classes."""
    return _kw(inputs, "sigma_S_per_cm")


def compute_kw_rd(inputs: dict):
    """Kruskal-Wallis p of RD across the classes."""
    return _kw(inputs, "RD")


def compute_minority(inputs: dict):
    """Classes 2 and 3 are the minority: class 1 holds more films than each of them."""
    c = _classes(inputs)
    n = np.bincount(c, minlength=4)[1:]
    return _rep(bool(n[0] > n[1] and n[0] > n[2]), inputs, f"films per class 1, 2, 3: {n.tolist()}")


def _class_compare(inputs: dict, column: str, hi: int, lo: int, stat: str = "median"):
    t = inputs["table"]
    c = _classes(inputs)
    a, b = t.loc[c == hi, column].to_numpy(), t.loc[c == lo, column].to_numpy()
    p = float(stats.mannwhitneyu(a, b, alternative="greater").pvalue) if len(a) and len(b) else 1.0
    ok = bool(np.median(a) > np.median(b) and p < 0.05)
    return _rep(ok, inputs, f"median {column.split('_')[0]}: class {hi} {np.median(a):.3g}, class {lo} {np.median(b):.3g}; "
                f"one-sided Mann-Whitney p {p:.2g} (higher AND p < 0.05)")


def compute_class2_sigma(inputs: dict):
    """Class 2 has a higher σ than class 1."""
    return _class_compare(inputs, "sigma_S_per_cm", 2, 1)


def compute_class2_density(inputs: dict):
    """Class 2 has a higher density (lower porosity) than class 1."""
    return _class_compare(inputs, "density_g_per_cm3", 2, 1)


def compute_class3_rd(inputs: dict):
    """Class 3 has the worst (highest) RD: above class 1 and class 2, each significantly."""
    t = inputs["table"]
    c = _classes(inputs)
    g = {k: t.loc[c == k, "RD"].to_numpy() for k in (1, 2, 3)}
    ps = [float(stats.mannwhitneyu(g[3], g[k], alternative="greater").pvalue) for k in (1, 2)]
    med = [float(np.median(g[k])) for k in (1, 2, 3)]
    ok = bool(med[2] > max(med[:2]) and max(ps) < 0.05)
    return _rep(ok, inputs, "median RD per class: " + ", ".join(f"{v:.3f}" for v in med)
                + f"; one-sided Mann-Whitney p of class 3 over 1 and 2: {ps[0]:.2g}, {ps[1]:.2g}")


def _highest(inputs: dict, column: str, cls: int, lowest: bool = False):
    """Class ``cls`` has the highest (lowest) mean of an input, significantly above (below) each other class."""
    t, c = inputs["table"], np.asarray(inputs["classes"])
    g = {k: t.loc[c == k, column].to_numpy() for k in (1, 2, 3)}
    m = {k: float(v.mean()) if len(v) else float("nan") for k, v in g.items()}
    alt = "less" if lowest else "greater"
    others = [k for k in (1, 2, 3) if k != cls]
    ps = [float(stats.mannwhitneyu(g[cls], g[k], alternative=alt).pvalue) if len(g[k]) else 1.0 for k in others]
    best = all((m[cls] < m[k]) if lowest else (m[cls] > m[k]) for k in others)
    return bool(best and max(ps) < 0.05), m, ps


def compute_class3_p(inputs: dict):
    """The mean P% of class 3 is higher than those of classes 1 and 2."""
    ok, m, ps = _highest(inputs, "P_pct", 3)
    return _rep(ok, inputs, "mean P% per class: " + ", ".join(f"{v:.2f}" for v in m.values())
                + f"; one-sided Mann-Whitney p of class 3 over 1, 2: {ps[0]:.2g}, {ps[1]:.2g}")


def compute_class3_xb(inputs: dict):
    """Class 3 has the highest X:B."""
    ok, m, ps = _highest(inputs, "XB_vol_pct", 3)
    return _rep(ok, inputs, "mean X:B per class: " + ", ".join(f"{v:.1f}" for v in m.values())
                + f" vol%; one-sided Mann-Whitney p of class 3 over 1, 2: {ps[0]:.2g}, {ps[1]:.2g}")


def _ls_over_class3(inputs: dict, hi: int):
    t, c = inputs["table"], np.asarray(inputs["classes"])
    a, b = t.loc[c == hi, "LS_uL_per_mg"].to_numpy(), t.loc[c == 3, "LS_uL_per_mg"].to_numpy()
    p = float(stats.mannwhitneyu(a, b, alternative="greater").pvalue) if len(a) and len(b) else 1.0
    ok = bool(a.mean() > b.mean() and p < 0.05)
    return _rep(ok, inputs, f"mean L:S class {hi} {a.mean():.2f}, class 3 {b.mean():.2f} µL/mg; one-sided "
                f"Mann-Whitney p {p:.2g}")


def compute_class1_ls_over_3(inputs: dict):
    """Class 1 (high σ) holds higher L:S than class 3."""
    return _ls_over_class3(inputs, 1)


def compute_class2_ls_over_3(inputs: dict):
    """Class 2 (high σ) holds higher L:S than class 3."""
    return _ls_over_class3(inputs, 2)


def compute_class1_ls(inputs: dict):
    """Mean L:S of class 1."""
    t, c = inputs["table"], np.asarray(inputs["classes"])
    v = t.loc[c == 1, "LS_uL_per_mg"]
    bc = "the surrogate generator's best L:S at X:B = 50 vol% (0.92 µL mg⁻¹) is the paper's class-1 mean itself" \
        if inputs.get("generator") else ""
    return _rep(float(v.mean()), inputs, f"class-1 mean L:S (sd {v.std():.2f}, n = {len(v)})", by_construction=bc)


# ---------------------------------------------------------------- Movies S1-S3

def _by_p(t: pd.DataFrame, column: str) -> pd.Series:
    return t.groupby("P_pct")[column].mean()


def compute_thickness_p(inputs: dict):
    """Mean thickness rises with P% (every step between measured levels)."""
    m = _by_p(inputs["table"], "thickness_um")
    return _rep(bool((np.diff(m.to_numpy()) > 0).all()), inputs, "mean thickness per P%: "
                + ", ".join(f"{p:g}: {v:.0f}" for p, v in m.items()) + " µm",
                by_construction=_every_recipe(inputs, "thickness_um", +1))


def compute_sigma_p(inputs: dict):
    """Mean σ falls with P% (every step)."""
    m = _by_p(inputs["table"], "sigma_S_per_cm")
    return _rep(bool((np.diff(m.to_numpy()) < 0).all()), inputs, "mean σ per P%: "
                + ", ".join(f"{p:g}: {v:.2e}" for p, v in m.items()) + " S/cm",
                by_construction=_every_recipe(inputs, "sigma_S_per_cm", -1))


def compute_thickness_jump(inputs: dict):
    """Films at X:B >= 75, L:S <= 0.8, P% > 5 more than 1.5x thicker than the rest."""
    from .analysis import DRASTIC_RATIO, THICK_REGION as r
    df = inputs["table"]
    inside = (df["XB_vol_pct"] >= r["XB_min"]) & (df["LS_uL_per_mg"] <= r["LS_max"]) & (df["P_pct"] > r["P_min_exclusive"])
    ratio = float(df.loc[inside, "thickness_um"].mean() / df.loc[~inside, "thickness_um"].mean()) \
        if inside.any() and (~inside).any() else float("nan")
    return _rep(bool(ratio > DRASTIC_RATIO), inputs, f"mean thickness there / elsewhere = {ratio:.2f} (the book reads "
                f"'drastically' as more than {DRASTIC_RATIO:g}x)")


def compute_low_dot_shift(inputs: dict):
    """The low-DoT region moves by more than 25 % of the L:S x X:B diagonal between P% levels."""
    from .analysis import SHIFT_SHARE
    df = inputs["table"]
    m = df.groupby(["P_pct", "LS_uL_per_mg", "XB_vol_pct"], as_index=False)["DoT_um"].mean()
    locs = m.loc[m.groupby("P_pct")["DoT_um"].idxmin()]
    xy = np.column_stack([(locs["LS_uL_per_mg"] - df["LS_uL_per_mg"].min()) / np.ptp(df["LS_uL_per_mg"]),
                          (locs["XB_vol_pct"] - df["XB_vol_pct"].min()) / np.ptp(df["XB_vol_pct"])])
    d = float(np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)).max() / np.sqrt(2))
    return _rep(bool(d > SHIFT_SHARE), inputs, f"largest move of the lowest-DoT recipe between P% levels: {d:.0%} of "
                f"the diagonal (threshold {SHIFT_SHARE:.0%})")


# ---------------------------------------------------------------- ANOVA on ln(RD)

def _anova_design(t: pd.DataFrame):
    P = t["P_pct"].to_numpy(float)
    LS, XB = t["LS_uL_per_mg"].to_numpy(float), t["XB_vol_pct"].to_numpy(float)
    levels = np.unique(P)
    dummies = (P[:, None] == levels[None, 1:]).astype(float)
    one = np.ones((len(t), 1))
    cols = {"P": dummies, "LS": LS[:, None], "XB": XB[:, None], "LSXB": (LS * XB)[:, None]}
    return one, cols


def anova_p(table: pd.DataFrame, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Type-II ANOVA p-values of ln(RD) ~ C(P) + L:S * X:B for one or many response columns.

    ``y`` (films x draws) defaults to ln(RD) of ``table``; the design is the
    table's recipes. The same F tests as statsmodels' ``anova_lm(typ=2)``
    (checked in the tests), as least squares on all columns at once.
    """
    one, cols = _anova_design(table)
    Y = np.log(table["RD"].to_numpy(float))[:, None] if y is None else np.asarray(y, float)
    full = np.hstack([one] + list(cols.values()))

    def rss(X):
        beta, *_ = np.linalg.lstsq(X, Y, rcond=None)
        r = Y - X @ beta
        return (r ** 2).sum(axis=0)

    rss_full = rss(full)
    df_res = len(Y) - np.linalg.matrix_rank(full)
    out = {}
    reduced = {"P": ["LS", "XB", "LSXB"], "L:S x X:B": ["P", "LS", "XB"]}
    for term, keep in reduced.items():
        X = np.hstack([one] + [cols[k] for k in keep])
        df_t = np.linalg.matrix_rank(full) - np.linalg.matrix_rank(X)
        F = ((rss(X) - rss_full) / df_t) / (rss_full / df_res)
        out[term] = stats.f.sf(F, df_t, df_res)
    return out


def compute_anova_interaction(inputs: dict):
    """p of the L:S x X:B interaction on ln(RD), P% a factor."""
    return _rep(float(anova_p(inputs["table"])["L:S x X:B"][0]), inputs,
                "type-II ANOVA of ln(RD) ~ C(P) + L:S * X:B, p of the interaction")


def compute_anova_p(inputs: dict):
    """p of P% (a factor) on ln(RD)."""
    return _rep(float(anova_p(inputs["table"])["P"][0]), inputs, "type-II ANOVA of ln(RD) ~ C(P) + L:S * X:B, p of C(P)")


# ---------------------------------------------------------------- SVM splits

def _features(inputs: dict) -> np.ndarray:
    t = inputs["table"]
    if inputs["features"] == ["PC1", "PC2"]:
        return pca_of(t)[0][:, :2]
    return t[inputs["features"]].to_numpy(float)


def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: np.ndarray | None = None) -> float:
    """Macro F1 as sklearn's ``f1_score(average='macro', zero_division=0)`` computes it, in numpy.

    ``labels`` default to every label in either array (sklearn's default).
    """
    labels = np.union1d(y_true, y_pred) if labels is None else labels
    f = []
    for k in labels:
        tp = np.sum((y_pred == k) & (y_true == k))
        den = np.sum(y_pred == k) + np.sum(y_true == k)
        f.append(2.0 * tp / den if den else 0.0)
    return float(np.mean(f))


def _oversample(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random oversampling: rows of the smaller classes drawn with replacement until every class is as large."""
    labels, counts = np.unique(y, return_counts=True)
    idx = [np.arange(len(y))]
    for k, n in zip(labels, counts):
        if n < counts.max():
            idx.append(rng.choice(np.flatnonzero(y == k), counts.max() - n, replace=True))
    i = np.concatenate(idx)
    return X[i], y[i]


def _fit(X: np.ndarray, y: np.ndarray, C: float, seed: int):
    """Scaler fitted on the rows, oversampling, linear SVM: (scaler, svm)."""
    import sklearn

    scaler = StandardScaler().fit(X)
    Xr, yr = _oversample(scaler.transform(X), y, np.random.default_rng(seed))
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        svm = SVC(kernel=LinearKernel(), C=C).fit(Xr, yr)
    return scaler, svm


def _predict(scaler, svm, X: np.ndarray) -> np.ndarray:
    import sklearn

    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        return svm.predict(scaler.transform(X))


def _tuned_c(X: np.ndarray, y: np.ndarray, seed: int, folds: int = 3) -> float:
    """C from :data:`ssekit.ml.filmclass.C_GRID` with the best mean macro F1 over stratified folds (first on ties).

    Per fold the scaler and the oversampled rows are made once (neither
    depends on C), then one SVM per C.
    """
    import sklearn

    try:
        splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(X, y))
    except ValueError:  # a class too small for the folds (null draws): no tuning
        return 1.0
    scores = np.zeros(len(filmml.C_GRID))
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        for tr, va in splits:
            scaler = StandardScaler().fit(X[tr])
            Xr, yr = _oversample(scaler.transform(X[tr]), y[tr], np.random.default_rng(seed))
            Xv = scaler.transform(X[va])
            for k, C in enumerate(filmml.C_GRID):
                scores[k] += _macro_f1(y[va], SVC(kernel=LinearKernel(), C=C).fit(Xr, yr).predict(Xv))
    return filmml.C_GRID[int(np.argmax(scores))]


def split_results(inputs: dict, labels: np.ndarray | None = None) -> list[dict]:
    """One dict per random 80/20 split: macro F1 on the 20 %, the fitted scaler and SVM.

    The paper's protocol (random 80/20, random oversampling of the training
    part, linear SVM on standardised inputs) repeated over
    ``inputs['n_splits']`` splits (split seed 0); C is tuned inside each split
    by 3-fold CV on its training part when ``inputs['tune']``, else fixed at 1.
    Memoised on the inputs.
    """
    y = np.asarray(inputs["classes"] if labels is None else labels)
    X = _features(inputs)
    n, tune = int(inputs.get("n_splits", N_SPLITS)), bool(inputs.get("tune", True))

    def run():
        rows = []
        for i, (tr, te) in enumerate(ShuffleSplit(n_splits=n, test_size=0.2, random_state=SEED).split(X)):
            C = _tuned_c(X[tr], y[tr], SEED + i) if tune else 1.0
            scaler, svm = _fit(X[tr], y[tr], C, SEED + i)
            f1 = _macro_f1(y[te], _predict(scaler, svm, X[te]), labels=np.unique(y[te]))
            rows.append({"f1": f1, "scaler": scaler, "svm": svm, "C": C})
        return rows
    return _memo("splits", _split_digest(inputs, labels), run)


def _split_digest(inputs: dict, labels=None) -> str:
    y = np.asarray(inputs["classes"] if labels is None else labels)
    return _digest(_features(inputs), y, int(inputs.get("n_splits", N_SPLITS)), bool(inputs.get("tune", True)))


def fixed_c_f1(X: np.ndarray, y, seed: int = SEED, C: float = 1.0) -> float:
    """Macro F1 of the oversampled linear SVM with a fixed C on one random 80/20 split (``train_test_split(seed)``).

    The cheap step of the robustness and power studies (see
    :func:`ssekit.ml.filmclass.fixed_c_f1`; the oversampling draws come from
    numpy here).
    """
    from sklearn.model_selection import train_test_split

    y = np.asarray(y)
    X_tr, X_te, y_tr, y_te = train_test_split(np.asarray(X, float), y, test_size=0.2, random_state=seed)
    sc, svm = _fit(X_tr, y_tr, C, seed)
    return _macro_f1(y_te, _predict(sc, svm, X_te), labels=np.unique(y_te))


def f1_samples(inputs: dict) -> np.ndarray:
    """Macro F1 of every split."""
    return np.array([r["f1"] for r in split_results(inputs)])


def _f1_rep(inputs: dict, what: str):
    s = f1_samples(inputs)
    lo, hi = np.quantile(s, [0.05, 0.95])
    share = float(np.mean(np.abs(s - 0.94) <= 0.05))
    return _rep(float(np.median(s)), inputs, f"median macro F1 over {len(s)} random 80/20 splits of the {what} "
                f"(5-95 % {lo:.2f}-{hi:.2f}; within ±0.05 of 94 % on {share:.0%} of splits)", samples=tuple(s))


def compute_f1_pc(inputs: dict):
    """Macro F1 of the linear SVM on PC1-PC2 (the paper's reading), over random 80/20 splits."""
    return _f1_rep(inputs, "PC1-PC2 reading")


def compute_f1_recipe(inputs: dict):
    """Macro F1 of the linear SVM on P%, L:S, X:B (the recipe reading), over random 80/20 splits."""
    return _f1_rep(inputs, "recipe reading")


def _predict_grid(r: dict, P: np.ndarray, LS: np.ndarray, XB: np.ndarray) -> np.ndarray:
    return _predict(r["scaler"], r["svm"], np.column_stack([P, LS, XB]))


_LS = np.linspace(0.6, 1.4, 41)
_XB = np.linspace(0.0, 100.0, 5)


def boundary_samples(inputs: dict) -> list[pd.DataFrame]:
    """Per split: the 1 | 2, 1 | 3 and 2 | 3 boundaries' tilt from vertical (°) and L:S shift from P 3 to 10 %."""
    return _memo("boundaries", _split_digest(inputs), lambda: _boundary_rows(inputs))


def _boundary_rows(inputs: dict) -> list[pd.DataFrame]:
    t = inputs["table"]
    rng_ls, rng_xb = np.ptp(t["LS_uL_per_mg"]), np.ptp(t["XB_vol_pct"])
    out = []
    for r in split_results(inputs):
        svm, sd = r["svm"], r["scaler"].scale_
        cls = list(svm.classes_)
        pairs = [(cls[i], cls[j]) for i in range(len(cls)) for j in range(i + 1, len(cls))]
        rows = {}
        for (a, b), w in zip(pairs, linear_coef(svm)):
            w_p, w_ls, w_xb = w / sd
            tilt = float(np.degrees(np.arctan2(abs(w_xb) * rng_xb, abs(w_ls) * rng_ls)))
            shift = float(-w_p / w_ls * 7.0 / rng_ls) if w_ls != 0 else float("inf")
            rows[f"{a} | {b}"] = (tilt, shift)
        out.append(pd.DataFrame(rows, index=["tilt_deg", "shift_share"]).T)
    return out


def _boundary(inputs: dict, pair: str, what: str):
    from .analysis import MOVE_SHARE, SLOPE_DEG
    vals = []
    for g in boundary_samples(inputs):
        if pair not in g.index:
            vals.append(False)
        elif what == "tilt":
            vals.append(bool(g.loc[pair, "tilt_deg"] > SLOPE_DEG))
        else:
            vals.append(bool(abs(g.loc[pair, "shift_share"]) > MOVE_SHARE))
    share = float(np.mean(vals))
    rule = f"tilted more than {SLOPE_DEG:g}° from vertical" if what == "tilt" else \
        f"shifted along L:S by more than {MOVE_SHARE:.0%} of its range from P 3 to 10 %"
    return _rep(bool(share >= 0.5), inputs, f"the class {pair} boundary is {rule} on {share:.0%} of "
                f"{len(vals)} random splits (recipe reading; a linear SVM's tilt is the same at every P%)",
                samples=tuple(vals))


def _make_boundary(pair: str, what: str):
    def f(inputs: dict):
        return _boundary(inputs, pair, what)
    f.__name__ = f"compute_boundary_{what}_{pair.replace(' | ', '')}"
    f.__doc__ = f"The class {pair} boundary {'is sloped' if what == 'tilt' else 'shifts with P%'} (Fig. 4)."
    return f


for _pair in ("1 | 2", "1 | 3", "2 | 3"):
    for _what in ("tilt", "shift"):
        _f = _make_boundary(_pair, _what)
        globals()[_f.__name__] = _f
        __all__.append(_f.__name__)


def _order_rows(inputs: dict) -> np.ndarray:
    """Per split and P% level of Figure 4: whether the regions along L:S are 3, 1, 2 at 3 or more of 5 X:B levels."""
    P, XB, LS = np.meshgrid(np.array(ORDER_P_LEVELS), _XB, _LS, indexing="ij")
    out = []
    for r in split_results(inputs):
        pred = _predict_grid(r, P.ravel(), LS.ravel(), XB.ravel()).reshape(P.shape)
        ok = np.zeros(pred.shape[:2], bool)
        for i in range(pred.shape[0]):
            for j in range(pred.shape[1]):
                row = pred[i, j]
                seq = [int(c) for k, c in enumerate(row) if k == 0 or c != row[k - 1]]
                ok[i, j] = seq == [3, 1, 2]
        out.append(ok.mean(axis=1) >= 0.5)
    return np.array(out)


def _order_at(inputs: dict, P: float):
    rows = _memo("order", _split_digest(inputs), lambda: _order_rows(inputs))
    vals = [bool(v) for v in rows[:, ORDER_P_LEVELS.index(P)]]
    share = float(np.mean(vals))
    return _rep(bool(share >= 0.5), inputs, f"regions met from low to high L:S are classes 3, 1, 2 at X:B 0-100 vol% "
                f"(at least 3 of the 5 X:B levels) on {share:.0%} of {len(vals)} random splits, P {P:g} %",
                samples=tuple(vals))


def _make_order(P: float):
    def f(inputs: dict):
        return _order_at(inputs, P)
    f.__name__ = f"compute_order_p{int(P)}"
    f.__doc__ = f"From low to high L:S the predicted regions are classes 3, 1, 2 at P {P:g} % (Fig. 4)."
    return f


for _P in ORDER_P_LEVELS:
    _f = _make_order(_P)
    globals()[_f.__name__] = _f
    __all__.append(_f.__name__)


def _grid_all_p():
    P, LS, XB = np.meshgrid(np.array(ORDER_P_LEVELS), np.linspace(0.6, 1.4, 17), np.linspace(0, 100, 11), indexing="ij")
    return P.ravel(), LS.ravel(), XB.ravel()


def compute_sigma_only_most_good(inputs: dict):
    """With σ as the only metric (classes 1 and 2 'good', 3 'low'), most conditions of Figure 4 are good."""
    good = np.where(np.asarray(inputs["classes"]) == 3, 0, 1)
    P, LS, XB = _grid_all_p()
    shares = []
    for r in split_results(inputs, labels=good):
        shares.append(float(np.mean(_predict_grid(r, P, LS, XB) == 1)))
    med = float(np.median(shares))
    return _rep(med, inputs, f"share of the Figure 4 grid (P 3-10 %, L:S 0.6-1.4, X:B 0-100) the σ-only SVM calls "
                f"good, median over {len(shares)} splits (5-95 % {np.quantile(shares, .05):.2f}-"
                f"{np.quantile(shares, .95):.2f}); 'most' read as more than half", samples=tuple(shares))


def compute_rd_disqualifies_mid_high_ls(inputs: dict):
    """Adding RD, a large portion of the mid-to-high L:S conditions the σ-only model calls good are no longer good."""
    c = np.asarray(inputs["classes"])
    good = np.where(c == 3, 0, 1)
    P, LS, XB = _grid_all_p()
    mid_high = LS >= 1.0
    shares = []
    for r_sig, r_3 in zip(split_results(inputs, labels=good), split_results(inputs)):
        g = _predict_grid(r_sig, P, LS, XB) == 1
        sel = g & mid_high
        k = _predict_grid(r_3, P, LS, XB)
        shares.append(float(np.mean(k[sel] != 1)) if sel.any() else 0.0)
    med = float(np.median(shares))
    return _rep(med, inputs, f"of the grid points with L:S >= 1.0 µL/mg that the σ-only SVM calls good, the share the "
                f"three-class SVM does not put in class 1: median over {len(shares)} splits; 'a large portion' read as "
                "more than a third", samples=tuple(shares))


# ---------------------------------------------------------------- paper inputs

def compute_table1_range_low(inputs: dict):
    """The lowest literature σ of Table 1 (refs 13-21) against the text's lower end, 1e-5 S/cm (decades)."""
    t = inputs["table1"]
    lit = t[t["ref"].str.contains("ref")]
    v = pd.concat([lit["sigma_low_S_per_cm"], lit["sigma_high_S_per_cm"]]).dropna()
    return _rep(float(np.log10(v.min())), inputs, f"log10 of the lowest σ Table 1 prints for refs 13-21: {v.min():.2g} S/cm "
                f"({lit.loc[lit['sigma_low_S_per_cm'].idxmin(), 'ref']}); the text's range starts at 1e-5")


def compute_table1_range_high(inputs: dict):
    """The highest literature σ of Table 1 (refs 13-21) against the text's upper end, 1e-3 S/cm (decades)."""
    t = inputs["table1"]
    lit = t[t["ref"].str.contains("ref")]
    v = pd.concat([lit["sigma_low_S_per_cm"], lit["sigma_high_S_per_cm"]]).dropna()
    return _rep(float(np.log10(v.max())), inputs, f"log10 of the highest σ Table 1 prints for refs 13-21: {v.max():.2g} S/cm "
                f"({lit.loc[lit['sigma_high_S_per_cm'].idxmax(), 'ref']}); the text's range ends at 1e-3")


def compute_sigma_e_powder(inputs: dict):
    """Electronic σ of the powder, log10(S/cm), against 'preferably below the order of 1e-9'."""
    v = inputs["sigma_e"]["powder"]
    return _rep(float(np.log10(v)), inputs, f"log10 of the printed {v:.2g} S/cm; 'below the order of 1e-9' read as "
                "below 10^-8.5 (same order of magnitude or lower)")


def compute_sigma_e_film(inputs: dict):
    """Electronic σ of the film, log10(S/cm), against 'preferably below the order of 1e-9'."""
    v = inputs["sigma_e"]["film"]
    return _rep(float(np.log10(v)), inputs, f"log10 of the printed {v:.2g} S/cm; 'below the order of 1e-9' read as "
                "below 10^-8.5 (same order of magnitude or lower)")


def compute_orders_powder(inputs: dict | None = None):
    """Decades between ionic and electronic conductivity, powder (printed numbers)."""
    from .analysis import ion_electron_orders
    return _rep(ion_electron_orders("powder"), {"data": "paper inputs"}, "log10(ionic / electronic conductivity), powder")


def compute_orders_film(inputs: dict | None = None):
    """Decades between ionic and electronic conductivity, film (printed numbers)."""
    from .analysis import ion_electron_orders
    return _rep(ion_electron_orders("film"), {"data": "paper inputs"}, "log10(ionic / electronic conductivity), film")


# ---------------------------------------------------------------- further sub-cases (inventory)

def compute_class1_sigma_over_3(inputs: dict):
    """Class 1 has a high σ compared to class 3."""
    return _class_compare(inputs, "sigma_S_per_cm", 1, 3)


def compute_class2_sigma_over_3(inputs: dict):
    """Class 2 has a high σ compared to class 3."""
    return _class_compare(inputs, "sigma_S_per_cm", 2, 3)


def compute_class3_density_below_1(inputs: dict):
    """Class 3 is more porous (less dense) than class 1."""
    return _class_compare(inputs, "density_g_per_cm3", 1, 3)


def compute_class2_ls_over_1(inputs: dict):
    """Class 2 was made with a higher L:S than class 1."""
    t, c = inputs["table"], np.asarray(inputs["classes"])
    a, b = t.loc[c == 2, "LS_uL_per_mg"].to_numpy(), t.loc[c == 1, "LS_uL_per_mg"].to_numpy()
    p = float(stats.mannwhitneyu(a, b, alternative="greater").pvalue) if len(a) and len(b) else 1.0
    return _rep(bool(a.mean() > b.mean() and p < 0.05), inputs, f"mean L:S class 2 {a.mean():.2f}, class 1 "
                f"{b.mean():.2f} µL/mg; one-sided Mann-Whitney p {p:.2g}")


def compute_class1_ls_sd(inputs: dict):
    """Standard deviation of L:S within class 1."""
    t, c = inputs["table"], np.asarray(inputs["classes"])
    v = t.loc[c == 1, "LS_uL_per_mg"]
    return _rep(float(v.std()), inputs, f"sd of L:S over the {len(v)} class-1 films (mean {v.mean():.2f} µL/mg)")


def compute_film_below_powder(inputs: dict | None = None):
    """The film's printed ionic σ is below the powder's."""
    from .analysis import reported
    p = reported()
    f, w = p.get_value("film_sigma", "S/cm"), p.get_value("powder_sigma", "S/cm")
    return _rep(float(f / w), {"data": "paper inputs"}, f"film / powder ionic conductivity {f:.2g} / {w:.2g} S/cm")


# ---------------------------------------------------------------- measured effects of the declared deviations

def _classes_raw_pca(table: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Classes when the PCA runs on the raw (unscaled) features instead of z-scores, and the components kept."""
    X = table[filmml.PCA_FEATURES].to_numpy(float)
    Xc = X - X.mean(axis=0)
    U, S, _ = np.linalg.svd(Xc, full_matrices=False)
    ratio = S ** 2 / np.sum(S ** 2)
    n = int(np.searchsorted(np.cumsum(ratio), filmml.VARIANCE_TARGET - 1e-12) + 1)
    km = filmml.fit_kmeans((U * S)[:, :n], 3, SEED)
    return filmml.relabel(km.labels_, table["sigma_S_per_cm"], table["RD"]), n


def _classes_n_pcs(table: pd.DataFrame, n: int) -> np.ndarray:
    scores = pca_of(table)[0]
    km = filmml.fit_kmeans(scores[:, :n], 3, SEED)
    return filmml.relabel(km.labels_, table["sigma_S_per_cm"], table["RD"])


def _median_f1(inputs: dict, **over) -> float:
    d = dict(inputs, **over)
    return float(np.median(f1_samples(d)))


def _f1_folds(inputs: dict, folds: int) -> float:
    """Median F1 over the claim splits with C tuned by ``folds``-fold CV."""
    y = np.asarray(inputs["classes"])
    X = _features(inputs)
    out = []
    for i, (tr, te) in enumerate(ShuffleSplit(n_splits=int(inputs["n_splits"]), test_size=0.2,
                                              random_state=SEED).split(X)):
        C = _tuned_c(X[tr], y[tr], SEED + i, folds)
        sc, svm = _fit(X[tr], y[tr], C, SEED + i)
        out.append(_macro_f1(y[te], _predict(sc, svm, X[te]), labels=np.unique(y[te])))
    return float(np.median(out))


def _weighted_f1(inputs: dict) -> float:
    y = np.asarray(inputs["classes"])
    X = _features(inputs)
    out = []
    for (tr, te), r in zip(ShuffleSplit(n_splits=int(inputs["n_splits"]), test_size=0.2, random_state=SEED).split(X),
                           split_results(inputs)):
        pred = _predict(r["scaler"], r["svm"], X[te])
        labels, counts = np.unique(y[te], return_counts=True)
        f = [_f1_one(y[te], pred, k) for k in labels]
        out.append(float(np.average(f, weights=counts)))
    return float(np.median(out))


def _f1_one(y_true, y_pred, k) -> float:
    tp = np.sum((y_pred == k) & (y_true == k))
    den = np.sum(y_pred == k) + np.sum(y_true == k)
    return 2.0 * tp / den if den else 0.0


def deviation_effects(which: str = "all") -> pd.DataFrame:
    """The measured effect of each declared deviation that can be measured here, on the active film table.

    ``which``: 'classes' (PCA and K-means), 'svm' (the classifier) or 'all'.
    Returns one row per deviation: what is compared, the book's value and
    the alternative's.
    """
    from sklearn.metrics import adjusted_rand_score

    rows = []
    inp = class_inputs()
    t, c = inp["table"], inp["classes"]
    if which in ("classes", "all"):
        raw, n_raw = _classes_raw_pca(t)
        rows.append(("chen2021.pca.zscore", "K-means classes, z-scored vs raw PCA inputs: agreement (adjusted Rand index; "
                     "1 = same classes)", f"{pca_of(t)[3]} PCs", f"{n_raw} PC(s) on raw inputs; ARI "
                     f"{adjusted_rand_score(c, raw):.2f}"))
        for n in (2, 4):
            rows.append(("chen2021.kmeans.components", f"K-means classes on {pca_of(t)[3]} vs {n} PCs: adjusted Rand index",
                         f"{pca_of(t)[3]} PCs", f"ARI {adjusted_rand_score(c, _classes_n_pcs(t, n)):.2f}"))
    if which in ("svm", "all"):
        sp = split_inputs_recipe()
        book = _median_f1(sp)
        few = dict(sp, n_splits=10)
        rows.append(("chen2021.svm.scaling_c", "median macro F1 of the recipe reading over 10 random splits, C tuned "
                     "by 3-fold vs 5-fold CV", f"{_f1_folds(few, 3):.3f}", f"{_f1_folds(few, 5):.3f}"))
        rows.append(("chen2021.svm.fixed_c", f"median macro F1 of the recipe reading over {sp['n_splits']} random "
                     "splits, C tuned vs fixed C = 1 (robustness and power studies)", f"{book:.3f}",
                     f"{_median_f1(sp, tune=False):.3f}"))
        rows.append(("chen2021.svm.f1_average", f"median F1 of the recipe reading over {sp['n_splits']} random "
                     "splits, macro vs class-weighted average", f"{book:.3f}", f"{_weighted_f1(sp):.3f}"))
        rows.append(("chen2021.svm.calibration", "recipes on the Figure 4 grid where the calibrated classifier of "
                     "'ssekit films classify' predicts another class than the SVM", "0 %", f"{_calibration_gap(inp):.0%}"))
    names = {"chen2021.pca.zscore": "PCA of z-scores", "chen2021.kmeans.components": "components K-means uses",
             "chen2021.svm.scaling_c": "folds that tune C", "chen2021.svm.fixed_c": "C fixed at 1",
             "chen2021.svm.f1_average": "F1 averaging", "chen2021.svm.calibration": "probability calibration"}
    out = pd.DataFrame(rows, columns=["deviation", "compared", "book", "alternative"])
    out["deviation"] = out["deviation"].map(names)
    return out.set_index("deviation")


def _calibration_gap(inputs: dict) -> float:
    t, c = inputs["table"], np.asarray(inputs["classes"])
    cal = filmml.fit_classifier(t, c, SEED)
    svm = cal.calibrated_classifiers_[0].estimator  # the tuned SVM the calibration wraps, fitted on every film
    P, LS, XB = _grid_all_p()
    grid = pd.DataFrame({"P_pct": P, "LS_uL_per_mg": LS, "XB_vol_pct": XB})
    return float(np.mean(cal.predict(grid) != svm.predict(grid)))
