"""Mishra et al. 2023: the inventory, the claims' inputs and nulls, and the readings against the paper's own Table 2."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ssekit import claims
from ssekit.mishra2023 import analysis, checks

PKG = Path(checks.__file__).parent


def test_inventory_rows_have_a_handling_and_every_claim_id_exists():
    ids = {c["id"] for c in tomllib.loads((PKG / "claims.toml").read_text(encoding="utf-8"))["claim"]}
    rows = list(csv.DictReader((PKG / "inventory.csv").open(encoding="utf-8")))
    assert rows and all(r["handling"].strip() for r in rows)
    for r in rows:
        h = r["handling"]
        assert h.startswith("not checkable: ") or h in ids, r
        assert r["checkable"] in ("yes", "no") and (r["checkable"] == "no") == h.startswith("not checkable: "), r
    assert ids <= {r["handling"] for r in rows}, "every claim is an inventory row"


def test_all_36_table2_cells_are_registered_not_comparable():
    cells = [c for c in claims.load_claims(paper="mishra2023") if c.id.count(".") == 4 and c.id.startswith("mishra2023.table2.")]
    assert len(cells) == 36
    r = claims.evaluate(cells[0])
    assert r.status == "not comparable" and r.samples_n == checks.N_SPLITS


def test_figure7_null_removes_every_correlation_and_matches_the_books_count():
    inputs = checks.fig7_inputs()
    null = checks.shuffle_columns(inputs, np.random.default_rng(0))
    for col in inputs:  # marginals kept
        assert sorted(null[col]) == sorted(inputs[col])
    counts = checks.null_agreement_counts(inputs, analysis.paper_fig7(), draws=200)
    book = int(analysis.fig7_comparison()["within ±0.15"].sum())
    assert abs(float(np.median(counts)) - book) <= 2  # the book's count is what shuffled columns give
    for cid in ("mishra2023.fig7.sigma_t", "mishra2023.fig7.sigma_c", "mishra2023.fig7.ea_b"):
        assert claims.evaluate(claims.get_claim(cid)).status == "uninformative"


def test_vectorised_correlations_equal_pandas():
    inputs = checks.fig7_inputs()
    assert np.allclose(checks.correlation_matrix(inputs.to_numpy(float)), inputs.corr().to_numpy())


def test_voting_regressor_is_the_average_of_its_members():
    from sklearn.ensemble import VotingRegressor

    X = np.random.default_rng(1).normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5]
    m = checks.fixed_models(0)
    avg = np.mean([m[k].fit(X, y).predict(X) for k in ("GBR", "LR", "RFR")], axis=0)
    m = checks.fixed_models(0)
    vr = VotingRegressor([("gbr", m["GBR"]), ("lr", m["LR"]), ("rfr", m["RFR"])]).fit(X, y).predict(X)
    assert np.allclose(avg, vr)


def _paper_as_scores(swapped: bool) -> dict:
    """Inputs whose 'open data' scores are Table 2's own numbers (one split, repeated): the readings must pass on them."""
    inputs = checks.model_inputs()
    p = checks.paper_eight(dict(inputs, rfr_swapped=swapped))
    arr = np.zeros((checks.N_SPLITS, len(checks.EIGHT), 2, 2))
    for j, m in enumerate(checks.EIGHT):
        for a, part in enumerate(("train", "test")):
            arr[:, j, a] = [p.loc[m, ("MSE", part)], p.loc[m, ("MAE", part)]]
    return inputs, arr


@pytest.mark.parametrize("fn", ["claim_ensembles_beat_ann_lr_train", "claim_rank_test", "claim_rank_train",
                                "claim_train_test_gap"])
def test_readings_are_met_by_the_papers_own_table2(monkeypatch, fn):
    inputs, arr = _paper_as_scores(swapped=False)
    monkeypatch.setattr(checks, "eight_model_scores", lambda _: arr)
    c = next(c for c in claims.load_claims(paper="mishra2023") if c.compute.endswith(":" + fn))
    assert claims.judge(c, getattr(checks, fn)(inputs)).meets


def test_vr_overfitting_reading_is_met_by_table2_with_the_rfr_row_exchanged(monkeypatch):
    inputs, arr = _paper_as_scores(swapped=True)
    monkeypatch.setattr(checks, "eight_model_scores", lambda _: arr)
    c = claims.get_claim("mishra2023.vr_overfitting")
    assert claims.judge(c, checks.claim_vr_overfitting(inputs)).meets


def test_rfr_swap_variant_exchanges_only_the_rfr_row():
    inputs = checks.model_inputs()
    a, b = checks.paper_eight(inputs), checks.paper_eight(dict(inputs, rfr_swapped=True))
    assert (a.drop(index="RFR") == b.drop(index="RFR")).all().all()
    assert b.loc["RFR", ("MAE", "test")] == a.loc["RFR", ("MSE", "test")] == 0.003


def test_relabel_null_is_a_permutation_and_costs_no_fit():
    inputs = checks.model_inputs()
    base = checks.eight_model_scores(inputs)
    null = checks.relabel_models(inputs, np.random.default_rng(3))
    assert sorted(null["labels"]) == sorted(checks.EIGHT)
    perm = checks.eight_model_scores(null)
    assert np.allclose(np.sort(perm, axis=1), np.sort(base, axis=1))
