"""Chen 2021 claims as functions of their inputs: the fast steps equal the library's, nulls remove the effect,
knock-outs find the circular claims, and the cached analysis cannot be edited from outside."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from ssekit.chen2021 import analysis, evidence as E, films
from ssekit.claims.evaluation import IDENTIFIER
from ssekit.ml import filmclass as filmml


@pytest.fixture(scope="module")
def inputs():
    return E.table_inputs()


def test_anova_matches_statsmodels(inputs):
    t = inputs["table"]
    ref = filmml.anova_log_rd(t, "factor")["PR(>F)"]
    ours = E.anova_p(t)
    assert ours["L:S x X:B"][0] == pytest.approx(ref["L:S x X:B"], rel=1e-6)
    assert ours["P"][0] == pytest.approx(ref["P"], rel=1e-6)


def test_macro_f1_matches_sklearn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(1)
    for _ in range(20):
        a, b = rng.integers(1, 4, 22), rng.integers(1, 4, 22)
        assert E._macro_f1(a, b) == pytest.approx(f1_score(a, b, average="macro", zero_division=0))
        labels = np.unique(a)
        assert E._macro_f1(a, b, labels) == pytest.approx(
            f1_score(a, b, labels=labels, average="macro", zero_division=0))


def test_pca_and_classes_equal_the_library_pipeline(inputs):
    t = inputs["table"]
    res = filmml.pca(t)
    scores, _, ratio, n = E.pca_of(t)
    assert n == res.n_retained
    np.testing.assert_allclose(ratio, res.explained.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(np.abs(scores[:, :2]), np.abs(res.scores[["PC1", "PC2"]].to_numpy()), rtol=1e-6,
                               atol=1e-9)
    np.testing.assert_array_equal(E.classes_of(t), analysis.analysis().classes)


def test_compute_is_pure_and_reads_only_its_inputs(inputs):
    before = copy.deepcopy(inputs)
    E.compute_kw_sigma(inputs)
    pd.testing.assert_frame_equal(inputs["table"], before["table"])
    # a table of our own: a film table where σ does not differ between classes gives another p
    other = dict(inputs, table=inputs["table"].assign(sigma_S_per_cm=1e-3 + 1e-6 * np.arange(len(inputs["table"]))))
    assert E.compute_kw_sigma(other).value != E.compute_kw_sigma(inputs).value


def test_editing_returned_tables_changes_no_later_claim():
    """Issue 23: the cached analysis and film table are handed out as copies."""
    p0 = E.compute_kw_sigma(E.table_inputs()).value
    f0 = E.compute_dot_rd_corr(E.table_inputs()).value
    a = analysis.analysis()
    a.data.table.loc[:, "sigma_S_per_cm"] = 1.0
    a.classes[:] = 1
    t = films.active_film_data().table
    t.loc[:, "RD"] = 0.5
    assert analysis.analysis().classes.min() != analysis.analysis().classes.max()
    assert E.compute_kw_sigma(E.table_inputs()).value == p0
    assert E.compute_dot_rd_corr(E.table_inputs()).value == f0


def _pass_rate(compute, null, inputs, rule, draws=20):
    return np.mean([rule(compute(null(copy.deepcopy(inputs), np.random.default_rng(s))).value) for s in range(draws)])


def test_kruskal_wallis_across_kmeans_classes_is_uninformative(inputs):
    """The referee's finding: Gaussian noise through the same clustering gives p <= 0.05 most of the time."""
    rate = _pass_rate(E.compute_kw_sigma, E.null_gaussian_table, inputs, lambda p: p <= 0.05)
    assert rate > 0.5


def test_correlation_null_removes_the_correlation(inputs):
    rate = _pass_rate(E.compute_dot_rd_corr, E.null_shuffle_columns, inputs, lambda r: r > 0.7)
    assert rate == 0.0


def test_label_permutation_sends_f1_to_chance():
    inp = E.split_inputs_pc()
    f1 = [np.median(E.f1_samples(E.null_permute_labels(inp, np.random.default_rng(s)))) for s in range(5)]
    assert max(f1) < 0.7


def test_knocking_out_the_interaction_term_removes_the_anova_interaction(inputs):
    ko = E.knockouts(inputs)
    assert set(ko) and all(src.startswith("line ") for src, _, _ in ko.values())
    assert E.compute_anova_interaction(inputs).value < 0.05
    assert E.compute_anova_interaction(ko["ls_opt_slope_xb -> 0"][1]).value > 0.05


def test_knockouts_are_shown_by_label_never_by_term_id(inputs):
    """A reader sees "the surrogate generator's viscosity weight of P%, set to 0", not "visc_weight_p -> 0"."""
    ko = E.knockouts(inputs)
    terms = set(E.knockout_terms().index)
    assert {k.split(" -> ")[0] for k in ko} == terms  # the term id stays the key, for claims.json
    for key, (_, _, label) in ko.items():
        assert label.startswith("the surrogate generator's ") and "set to" in label
        assert not IDENTIFIER.search(label), label
    assert ko["visc_weight_p -> 0"][2] == "the surrogate generator's viscosity weight of P%, set to 0"


def test_noise_free_generator_marks_p_trends_by_construction(inputs):
    assert "every one of the" in E.compute_thickness_p(inputs).by_construction
    assert E.compute_thickness_p(dict(inputs, generator=None)).by_construction == ""


def test_split_claims_carry_their_distribution():
    rep = E.compute_f1_recipe(E.split_inputs_recipe())
    assert len(rep.samples if hasattr(rep, "samples") else E.f1_samples(E.split_inputs_recipe())) == E.N_SPLITS


def test_inventory_covers_every_claim_and_names_only_declared_ones():
    import tomllib

    from ssekit.data import read_csv
    from ssekit.data.shipped import path as registered_path

    inv = read_csv("chen2021/inventory.csv")
    assert inv["handling"].str.len().gt(0).all() and inv["item"].is_unique
    with open(registered_path("chen2021/claims.toml"), "rb") as fh:
        ids = {c["id"] for c in tomllib.load(fh)["claim"]}
    named = set()
    for h in inv["handling"]:
        if not h.startswith("not checkable: "):
            named |= {x.strip() for x in h.split(";")}
        else:
            assert len(h) > len("not checkable: ") + 5, h
    assert named <= ids, named - ids
    assert ids <= named, ids - named
    assert set(inv["checkable"]) <= {"yes", "no"}
    assert (inv.loc[inv["checkable"] == "yes", "handling"].str.startswith("chen2021.")).all()
