"""The general conductivity predictor: descriptors, no leakage, intervals, speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from ssekit import data as datasets
from ssekit.data.joins import join_activation_energy
from ssekit.errors import InputError
from ssekit.ml import composition, conductivity as C


@pytest.fixture(scope="module")
def shipped():
    rows = datasets.load("obelix_train")
    return rows, C.conductivity_features(rows), C.target_log10(rows)


@pytest.fixture(scope="module")
def small_model(shipped):
    _, F, y = shipped
    return C.ConductivityModel(seed=0, n_estimators=20).fit(F, y, calibrate=False)


def test_descriptors_by_hand():
    t = composition.element_table()
    d = composition.composition_descriptors(["Li2S", "LiCl"]).iloc[0]
    w = np.array([2, 1]) / 3
    en = t.loc[["Li", "S"], "Electronegativity"].to_numpy()
    assert d["Electronegativity_mean"] == pytest.approx(w @ en, rel=1e-5)
    assert d["Electronegativity_avg_dev"] == pytest.approx(w @ np.abs(en - w @ en), rel=1e-5)
    assert d["Electronegativity_min"] == pytest.approx(0.98) and d["Electronegativity_max"] == pytest.approx(2.58)
    assert d["Electronegativity_mode"] == pytest.approx(0.98)  # Li is the most abundant
    assert d["L2_norm"] == pytest.approx(np.sqrt(w @ w), rel=1e-5)
    assert t.loc["Li", "NValence"] == 1 and t.loc["S", "NpValence"] == 4 and t.loc["Ge", "NdValence"] == 10
    bad = composition.composition_descriptors(["not a formula"])
    assert bad.isna().all(axis=None)
    with pytest.raises(InputError):
        composition.composition_descriptors("Li2S")


def test_ea_join_is_label_free():
    lk = pd.DataFrame({"composition": ["Li3PS4"] * 3, "Ea_eV": [0.2, 0.3, 0.9], "sigma_S_per_cm": [1e-3, 1e-5, 1e-9],
                       "ref": [7, 7, 7], "is_fragment": False})
    for sigma in (1e-3, 1e-9, np.nan):
        obx = pd.DataFrame({"composition": ["Li3PS4"], "true_composition": [None], "laskowski_id": [7],
                            "sigma_S_per_cm": [sigma]})
        ea, why, n = join_activation_energy(obx, lk)
        assert ea.iloc[0] == pytest.approx(0.3) and why.iloc[0] == "joined" and n.iloc[0] == 3


def test_own_conductivity_never_changes_the_prediction(shipped, small_model):
    rows, _, _ = shipped
    sample = rows.sample(60, random_state=1).reset_index(drop=True)
    base, _ = C.predict_rows(small_model, sample)
    for variant in (sample.assign(sigma_S_per_cm=np.nan, sigma_censored=False),
                    sample.assign(sigma_S_per_cm=1e-2, sigma_censored=False),
                    sample.assign(sigma_S_per_cm=1e-10, sigma_censored=True),
                    sample.drop(columns=["sigma_S_per_cm", "sigma_censored"])):
        other, _ = C.predict_rows(small_model, variant)
        pd.testing.assert_frame_equal(base, other)
    # and the features themselves carry no conductivity
    F = C.conductivity_features(sample)
    assert not [c for c in F.columns if "sigma" in c]


def test_every_parsable_row_is_predicted_with_an_interval(shipped):
    rows, F, y = shipped
    model = C.ConductivityModel(seed=0, n_estimators=20).fit(F, y)
    mixed = rows.head(30).copy()
    mixed.loc[0:9, ["a_A", "b_A", "c_A"]] = np.nan
    mixed.loc[10, "composition"] = "0.75Li2S-0.25P2S5"
    pred, refused = C.predict_rows(model, mixed)
    assert list(refused["ID"]) == [mixed.loc[10, "ID"]]
    assert len(pred) == 29 and pred[["log10_sigma_pred", "log10_sigma_lo90", "log10_sigma_hi90"]].notna().all(axis=None)
    no_lattice = pred["ID"].isin(mixed.loc[0:9, "ID"])
    assert (pred.loc[no_lattice, "head"] == "composition").all()
    width = pred["log10_sigma_hi90"] - pred["log10_sigma_lo90"]
    assert width[no_lattice].median() > width[~no_lattice].median()  # knowing less gives a wider interval


def test_conformal_quantile_and_coverage_bookkeeping():
    assert C.conformal_quantile([1, 2, 3], 0.5) == 2.0
    assert C.conformal_quantile([1, 2], 0.9) == float("inf")
    rng = np.random.default_rng(0)
    n = 400
    oof = pd.DataFrame({"y": rng.normal(size=n), "fold": np.arange(n) % 5})
    for h in C.HEADS:
        oof[h] = np.nan
    oof["composition"] = oof["y"] + rng.normal(size=n)
    oof["composition+cell"] = oof["y"] + rng.normal(size=n)
    oof["ssekit predictor"] = oof["composition+cell"]
    for h in C.HEADS:
        oof[f"spread {h}"] = 1.0
    cov = C.interval_coverage(oof, 0.9)
    for kind in ("constant", "normalised"):
        assert cov.loc[("composition+cell", kind), "coverage"] == pytest.approx(0.9, abs=0.05)
    # errors that scale with the spread: the normalised interval is narrower where the trees agree
    s = rng.uniform(0.2, 2, n)
    oof["composition+cell"] = oof["y"] + s * rng.normal(size=n)
    oof["spread composition+cell"] = s
    cov = C.interval_coverage(oof, 0.9)
    assert cov.loc[("composition+cell", "normalised"), "coverage"] == pytest.approx(0.9, abs=0.05)
    assert (cov.loc[("composition+cell", "normalised"), "median width (decades)"]
            < cov.loc[("composition+cell", "constant"), "median width (decades)"])


def test_cv_splits_keep_groups_apart(shipped):
    _, F, _ = shipped
    for scheme, col in (("chemical system", "chemical_system"), ("family", "family")):
        for tr, te in C.cv_splits(F, scheme):
            key = F[col].fillna("unknown").astype(str).str.lower() if col == "family" else F[col]
            assert not set(key.iloc[tr]) & set(key.iloc[te])
    with pytest.raises(InputError):
        C.cv_splits(F, "by colour")


def test_obelix_recipe_uses_amounts_per_cell(shipped):
    _, F, y = shipped
    rf = C.ObelixRF().fit(F, y)
    X = rf._X(F.head(1))
    li = rf.elements_.index("x_Li")
    assert X[0, li] == pytest.approx(7.0)  # Li7BiO6, Z = 1: seven Li per cell
    assert X.shape[1] == len(rf.elements_) + 7


def test_predicting_10000_rows_is_fast(shipped, small_model):
    rows, _, _ = shipped
    big = pd.concat([rows] * 21, ignore_index=True).head(10_000)
    big["ID"] = [f"r{i}" for i in range(len(big))]
    t = time.perf_counter()
    pred, refused = C.predict_rows(small_model, big)
    assert len(pred) == 10_000 and refused.empty
    assert time.perf_counter() - t < 10


def test_fast_formula_parser_agrees_with_periodictable():
    import periodictable

    from ssekit import chemistry

    formulas = set(datasets.load("obelix_train")["composition"]) | set(datasets.load("obelix_train")["true_composition"])
    formulas |= set(datasets.load("laskowski2023_si")["composition"].dropna())
    formulas |= set(datasets.load("liverpool_ionics")["composition"].dropna())
    formulas |= {"Li0.6[Li0.2Sn0.8S2]", "Ca3(Al(OH)4)2", "LiBH4", "Li2((SO4))", "Li6PS5Cl0.5Br0.5", "Li.5Cl"}
    checked = 0
    for f in formulas:
        if not isinstance(f, str):
            continue
        text = f.strip().replace(" ", "").translate(str.maketrans("[]{}", "()()"))
        fast = chemistry._fast_atoms(text)
        try:
            parsed = periodictable.formula(text).atoms
        except Exception:
            assert fast is None, f  # what periodictable refuses, the fast path refuses too
            continue
        if fast is None:
            continue
        slow: dict[str, float] = {}
        for el, n in parsed.items():
            slow[el.symbol] = slow.get(el.symbol, 0.0) + float(n)
        assert fast.keys() == slow.keys() and all(abs(fast[k] - slow[k]) < 1e-9 for k in fast), f
        checked += 1
    assert checked > 1500
    assert chemistry.element_amounts("HDO") == (("H", 2.0), ("O", 1.0))  # isotopes through periodictable
    for bad in ("Li2S)", "(Li2S", "2Li", "Xx3", "Li-S", "P04"):
        assert chemistry._fast_atoms(bad) is None
