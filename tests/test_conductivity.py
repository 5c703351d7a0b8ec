"""Mishra et al. 2023 features on open data: volume, compositions, join, metrics, models, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ssekit import cli
from ssekit import data as datasets
from ssekit.errors import InputError
from ssekit.mishra2023 import features as cond
from ssekit.ml import regression


def lattice_volume_from_vectors(a, b, c, al, be, ga) -> float:
    """Independent check: volume as |det| of explicit lattice vectors."""
    al, be, ga = np.radians([al, be, ga])
    va = [a, 0, 0]
    vb = [b * np.cos(ga), b * np.sin(ga), 0]
    cx = c * np.cos(be)
    cy = c * (np.cos(al) - np.cos(be) * np.cos(ga)) / np.sin(ga)
    vc = [cx, cy, np.sqrt(c**2 - cx**2 - cy**2)]
    return abs(np.linalg.det(np.array([va, vb, vc])))


def test_cell_volume_known_cases():
    assert cond.cell_volume(4.0, 4.0, 4.0, 90, 90, 90) == pytest.approx(64.0)
    assert cond.cell_volume(3.0, 3.0, 5.0, 90, 90, 120) == pytest.approx(np.sqrt(3) / 2 * 9 * 5)
    tri = (5.5071, 6.0425, 5.5231, 116.912, 120.867, 62.234)  # Li7BiO6, OBELiX 'jqc'
    assert cond.cell_volume(*tri) == pytest.approx(lattice_volume_from_vectors(*tri), rel=1e-10)
    with pytest.raises(InputError, match="angles"):
        cond.cell_volume(1, 1, 1, 170, 170, 170)


def test_compositions_normalised():
    assert cond.same_composition("Li6PS5Cl", "Li24P4S20Cl4")
    assert cond.same_composition("Li1.3Al0.3Ti1.7(PO4)3", "Li1.3Al0.3Ti1.7P3O12")
    assert not cond.same_composition("Li6PS5Cl", "Li6PS5Br")
    assert not cond.same_composition("Li7La3Zr2O12", "Li6.4La3Zr1.4Ta0.6O12")
    assert cond.element_fractions("0.7Li2S-0.3P2S5") is None  # unparseable is None, never a guess


def test_join_known_rows():
    df, rep = cond.mishra_table()
    c = rep.counts
    # 229 and 201 since Ea is the median of the matching Laskowski rows (no longer picked by conductivity)
    # and bracketed formulas such as Li0.6[Li0.2Sn0.8S2] parse
    assert c["OBELiX training rows"] == 478 and c["Ea: joined"] == 229 and c["rows in the feature table"] == 201
    assert c["Ea: joined"] + c["dropped: no activation energy"] == 478
    row = df.set_index("ID").loc["jqc"]  # Li7BiO6: Laskowski ref 3, Ea 0.58 eV (file reads 0.58 + U+0305)
    assert row["Ea_eV"] == pytest.approx(0.58) and row["T_assumed"]
    lps = df[df["composition"] == "Li6PS5Cl"].set_index("ID")
    assert lps.loc["122", "Ea_eV"] == pytest.approx(0.452)  # ref 167, 2.05e-3 S/cm, 0.452 eV
    assert not df["sigma_S_per_cm"].isna().any() and (df["V_A3"] > 0).all()


def test_metrics_hand_values():
    m = regression.paper_metrics([0.0, 1e-3, 2e-3], [0.0, 0.0, 4e-3])
    assert m["MAE"] == pytest.approx(1e-3) and m["MSE"] == pytest.approx((1e-6 + 4e-6) / 3)
    lm = regression.log_metrics([-3, -4, -5], [-3, -4, -5])
    assert lm["MAE_log10"] == 0 and lm["R2_log10"] == 1


def test_arrhenius_baseline_recovers_its_constant():
    X = pd.DataFrame({"Ea_eV": [0.2, 0.3, 0.5, 0.4], "T_C": [25, 100, 200, 25]})
    T = X["T_C"] + 273.15
    y = 2.5 - np.log10(T) - X["Ea_eV"] / (cond.K_B_EV * T * np.log(10))
    b = regression.ArrheniusBaseline().fit(X, y)
    assert b.log10_A_ == pytest.approx(2.5)
    np.testing.assert_allclose(b.predict(X), y)


def test_arrhenius_fit_on_synthetic_series():
    T_C = np.array([25, 50, 75, 100, 150])
    T = T_C + 273.15
    sigma = (1e3 / T) * np.exp(-0.35 / (cond.K_B_EV * T))
    fits = regression.arrhenius_fits(pd.DataFrame({"composition": "LiX", "T_C": T_C, "sigma_S_per_cm": sigma}))
    assert fits.loc[0, "Ea_fit_eV"] == pytest.approx(0.35, abs=1e-9)


def test_no_test_row_reaches_a_fitted_scaler():
    df, _ = cond.mishra_table()
    s = regression.split_70_30(df, cond.FEATURES)
    for name in ("LR", "SVR (RBF)"):
        model = regression.fit_model(name, s.X_train, s.train["log10_sigma"])
        scaler = model.named_steps["scale"]
        assert scaler.n_samples_seen_ == len(s.X_train)
        np.testing.assert_allclose(scaler.mean_, s.X_train.mean().to_numpy())
    assert not set(s.train["ID"]) & set(s.test["ID"])


def test_bootstrap_and_conformal_intervals():
    df, _ = cond.mishra_table()
    model = regression.fit_model("LR", df[cond.FEATURES], df["log10_sigma"])
    bm = regression.bootstrap_model(model, df[cond.FEATURES], df["log10_sigma"], n=5)
    iv = bm.predict_interval(df[cond.FEATURES].head(3))
    assert (iv["sd"] > 0).all() and (iv["hi90"] - iv["lo90"] > 0).all()
    np.testing.assert_allclose(iv["pred"], model.predict(df[cond.FEATURES].head(3)))


# ---------------------------------------------------------------- CLI

def _rows(ids) -> pd.DataFrame:
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    return raw[raw["ID"].isin(ids)]


def test_predict_round_trip(tmp_path, capsys):
    src = tmp_path / "in.csv"
    _rows(["jqc", "122", "oi6"]).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert cli.main(["conductivity", "predict", str(src), "--out", str(out)]) == 0
    pred = pd.read_csv(out, dtype={"ID": str})
    assert set(pred["ID"]) == {"jqc", "122", "oi6"}
    for col in ("log10_sigma_pred", "log10_sigma_lo90", "log10_sigma_hi90", "head", "answer", "p_below_1e-10",
                "distance", "nearest_training", "outside_domain"):
        assert pred[col].notna().all()
    lpscl = pred.set_index("ID").loc["122"]
    true = np.log10(2.05e-3)  # a training row: extra trees reproduce it; leakage is tested in test_conductivity_predictor
    assert lpscl["log10_sigma_lo90"] <= true <= lpscl["log10_sigma_hi90"]
    assert lpscl["head"] == "composition+cell+Ea"
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no temporary left


def test_predict_answers_rows_without_ea_or_lattice_and_refuses_only_bad_formulas(tmp_path, capsys):
    src = tmp_path / "in.csv"
    rows = _rows(["jqc"])
    rows = pd.concat([rows, rows.assign(ID="mine", **{"Laskowski ID": ""}),
                      rows.assign(ID="nolattice", a="", b="", c="", **{"Laskowski ID": ""}),
                      rows.assign(ID="fallback", **{"Reduced Composition": "0.7Li2S-0.3P2S5"}),
                      rows.assign(ID="bad", **{"Reduced Composition": "0.7Li2S-0.3P2S5", "True Composition": ""})])
    rows.to_csv(src, index=False)
    assert cli.main(["conductivity", "predict", str(src)]) == 0
    cap = capsys.readouterr()
    assert "refused row ID=bad: composition not parsable as a formula: 0.7Li2S-0.3P2S5" in cap.err
    lines = {ln.split()[0]: ln for ln in cap.out.splitlines()[1:]}
    assert set(lines) == {"jqc", "mine", "nolattice", "fallback"}  # True Composition answers for 'fallback'
    assert " composition+cell " in lines["mine"] and " composition+cell" not in lines["nolattice"]
    assert "True Composition" in lines["fallback"]


@pytest.mark.parametrize("edit, words", [
    (lambda r: r.drop(columns=["c"]), ["missing column(s) ['c']"]),
    (lambda r: r.assign(b="wide"), ["'b'", "wide"]),
    (lambda r: r.assign(a="-5.5"), ["a_A", "angstrom", "ID jqc", "-5.5"]),
])
def test_predict_refuses_broken_input(tmp_path, capsys, edit, words):
    src = tmp_path / "in.csv"
    edit(_rows(["jqc"])).to_csv(src, index=False)
    assert cli.main(["conductivity", "predict", str(src)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for w in words:
        assert w in err


def test_train_then_predict_with_saved_model(tmp_path, capsys):
    table = tmp_path / "mine.csv"
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    raw.head(120).to_csv(table, index=False)
    model = tmp_path / "m.joblib"
    assert cli.main(["conductivity", "train", str(table), "--out", str(model), "--trees", "20"]) == 0
    out = capsys.readouterr().out
    assert "trained the three-head predictor on 120 rows" in out and "20 trees per forest" in out
    src = tmp_path / "in.csv"
    _rows(["jqc"]).to_csv(src, index=False)
    assert cli.main(["conductivity", "predict", str(src), "--model-file", str(model)]) == 0
    assert "120 training rows" in capsys.readouterr().err
    from ssekit.ml.modelfile import load_model

    saved = load_model(model)["model"]
    assert {h: f.n_estimators for h, f in saved.forests_.items()} == dict.fromkeys(saved.forests_, 20)
    bogus = tmp_path / "bogus.joblib"
    bogus.write_text("not a model")
    assert cli.main(["conductivity", "predict", str(src), "--model-file", str(bogus)]) == 2


@pytest.mark.parametrize("trees", ["5", "3001", "0", "-20"])
def test_train_with_trees_out_of_range_is_one_line_and_no_file(tmp_path, capsys, trees):
    table = tmp_path / "mine.csv"
    pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False).head(120).to_csv(table, index=False)
    model = tmp_path / "m.ssekit-model"
    assert cli.main(["conductivity", "train", str(table), "--out", str(model), "--trees", trees]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"--trees {trees}" in err and "10 to 3000" in err, err
    assert not model.exists()
