"""The claims registry: rules, statuses, links, and drift against the committed reference."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from ssekit import claims
from ssekit.claims import Claim, Reproduction
from ssekit.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("rule, reported, value, tol, ok", [
    ("rel", 0.125, 0.1262, 0.01, True), ("rel", 0.125, 0.127, 0.01, False),
    ("abs", 94, 93.5, 1, True), ("abs", 94, 92, 1, False),
    ("greater", 3.75, 6.8, 0, True), ("greater", 3.75, 3.75, 0, False),
    ("less", 60, 59, 0, True), ("range", [20, 80], 81, 0, False), ("range", [20, 80], 20, 0, True),
    ("rel", 1.0, float("nan"), 0.5, False),
])
def test_compare_rules(rule, reported, value, tol, ok):
    assert claims.compare(rule, reported, value, tol) is ok


def test_every_claim_is_well_formed_and_linked():
    cl = claims.load_claims()
    assert len({c.id for c in cl}) == len(cl) > 0
    for c in cl:
        page = ROOT / "book" / f"{c.chapter}.md"
        assert page.exists(), c
        assert f"({c.anchor})=" in page.read_text(), f"{c.id}: no label {c.anchor} in {page.name}"


def test_chapters_check_only_declared_claims():
    ids = {c.id for c in claims.load_claims()}
    used = set()
    for md in (ROOT / "book").glob("*.md"):
        for call in re.findall(r"claims\.check\(([^)]*)\)", md.read_text()):
            used |= set(re.findall(r'"([^"]+)"', call))
    assert used <= ids, used - ids


def test_every_claim_is_shown_in_its_chapter_and_every_deviation_too():
    for c in claims.load_claims():
        text = (ROOT / "book" / f"{c.chapter}.md").read_text()
        assert f'claims.check_section("{c.anchor}")' in text or c.id in text, c.id
    for d in claims.load_deviations():
        assert f'claims.deviations_table("{d.chapter}")' in (ROOT / "book" / f"{d.chapter}.md").read_text(), d.id


@pytest.mark.parametrize("claim", claims.load_claims(), ids=lambda c: c.id)
def test_every_rule_can_fail(claim):
    """Just inside the tolerance the rule holds; just outside, it does not."""
    ok, bad = claims.rule_flips(claim)
    assert claims.compare(claim.rule, claim.reported, ok, claim.tolerance) is True
    assert claims.compare(claim.rule, claim.reported, bad, claim.tolerance) is False


@pytest.mark.parametrize("claim", claims.load_claims(), ids=lambda c: c.id)
def test_declarations_are_complete(claim):
    assert claim.reported_where, f"{claim.id}: say where the paper prints the reported value"
    if claim.rule in ("greater", "less"):
        assert claim.kind == "bound"


def test_one_sided_rules_only_for_bounds():
    with pytest.raises(DataValidationError, match="one-sided rules only for kind 'bound'"):
        Claim(id="x", paper="kim2025", where="w", quantity="q", reported=30, unit="µm", rule="less",
              compute="m:f", chapter="kim2025_energy", anchor="kim-thresholds", kind="value")


def test_not_reached_is_its_own_outcome_never_zero(monkeypatch):
    import sys
    import types

    mod = types.ModuleType("fake_nr")
    mod.f = lambda: Reproduction(None, data="model", outcome="not reached", note="never")
    monkeypatch.setitem(sys.modules, "fake_nr", mod)
    c = Claim(id="x", paper="kim2025", where="w", quantity="q", reported=30.0, unit="µm", rule="rel", tolerance=0.25,
              compute="fake_nr:f", chapter="kim2025_energy", anchor="kim-thresholds")
    r = claims.evaluate(c)
    assert (r.status, r.reproduced, r.agrees) == ("not reached", None, False)


def test_by_construction_is_never_counted_as_reproduced(monkeypatch):
    import sys
    import types

    mod = types.ModuleType("fake_bc")
    mod.f = lambda: Reproduction(1.0, data="real data", by_construction="an identity")
    monkeypatch.setitem(sys.modules, "fake_bc", mod)
    c = Claim(id="x", paper="kim2025", where="w", quantity="q", reported=1.0, unit="", rule="abs", tolerance=0.1,
              compute="fake_bc:f", chapter="kim2025_energy", anchor="kim-thresholds")
    r = claims.evaluate(c)
    assert r.status == "by construction" and r.agrees is True
    assert all(x.status != "reproduced" for x in claims.evaluate_all() if x.by_construction)


def test_claims_json_has_the_documented_fields():
    payload = json.loads(claims.to_json())
    for rec in payload["claims"]:
        assert set(claims.JSON_SCHEMA["claims[]"]) <= set(rec)
    assert payload["deviations"] and all(set(claims.JSON_SCHEMA["deviations[]"]) <= set(d) for d in payload["deviations"])


def test_claim_counts_per_paper():
    n = {p: sum(c.paper == p for c in claims.load_claims()) for p in claims.papers()}
    assert n["chen2021"] >= 24 and n["mishra2023"] >= 15 and n["kim2025"] >= 22 and n["alabdali2022"] >= 8, n


def test_statuses_and_values_match_committed_reference(data_regression):
    """Drift guard: a changed status or value fails until the reference is recorded again on purpose
    (scripts/test tests/test_claims.py --force-regen), with the reason in the commit message."""
    now = {}
    for r in claims.evaluate_all():
        value = r.reproduced
        if isinstance(value, float):
            value = float(f"{value:.10g}")  # ten significant figures: last-bit noise is not drift
        now[r.claim.id] = {"status": r.status, "reproduced": value}
    data_regression.check(now)


def _fake(value, data="paper inputs", checkable=True):
    return lambda: Reproduction(value, data=data, checkable=checkable, note="n")


@pytest.mark.parametrize("rep, status, agrees", [
    (Reproduction(1.0), "reproduced", True),
    (Reproduction(2.0), "differs", False),
    (Reproduction(2.0, data="surrogate"), "surrogate", False),
    (Reproduction(1.0, data="surrogate"), "surrogate", True),
    (Reproduction(None, checkable=False, note="no input"), "not checkable", None),
])
def test_status_logic(monkeypatch, rep, status, agrees):
    import types, sys
    mod = types.ModuleType("fake_claims_mod")
    mod.f = lambda: rep
    monkeypatch.setitem(sys.modules, "fake_claims_mod", mod)
    c = Claim(id="x", paper="kim2025", where="w", quantity="q", reported=1.0, unit="u", rule="rel",
              tolerance=0.05, compute="fake_claims_mod:f", chapter="kim2025_asr", anchor="kim-asr-liquid")
    r = claims.evaluate(c)
    assert (r.status, r.agrees) == (status, agrees)


def test_bad_declarations_are_refused(tmp_path):
    with pytest.raises(DataValidationError, match="rule must be one of"):
        Claim(id="x", paper="kim2025", where="", quantity="", reported=1, unit="", rule="about",
              compute="m:f", chapter="c", anchor="a")
    f = tmp_path / "c.toml"
    f.write_text('[[claim]]\nid="a"\npaper="nobody2020"\nwhere=""\nquantity=""\nreported=1\nunit=""\n'
                 'rule="rel"\ntolerance=0.1\ncompute="m:f"\nchapter="c"\nanchor="a"\n')
    with pytest.raises(DataValidationError, match="unknown paper 'nobody2020'"):
        claims.load_claims(f)


def test_json_and_html_renderings():
    results = claims.evaluate_all()
    payload = json.loads(claims.to_json(results))
    assert sum(payload["statuses"].values()) == len(payload["claims"]) == len(results)
    html = claims.scorecard_html(results)
    for r in results:
        assert f'href="{r.claim.chapter}.html#{r.claim.anchor}"' in html


PAPERS = Path(os.environ.get("SSEKIT_PAPERS_DIR", Path(__file__).resolve().parents[2] / "shared" / "papers"))


def _letters(text: str) -> str:
    """Text reduced to lower-case Latin letters and digits: LaTeX commands, Greek, spacing and symbols dropped."""
    text = unicodedata.normalize("NFKC", re.sub(r"<sup>.*?</sup>", "", text))  # citation numbers
    text = re.sub(r"\\[A-Za-z]+", "", text)
    return re.sub(r"[^0-9a-z%]", "", text.lower())


@pytest.mark.skipif(not PAPERS.is_dir(), reason="the papers' text is not next to this checkout (set SSEKIT_PAPERS_DIR)")
def test_quoted_passages_are_in_the_papers():
    """Every passage a claim quotes as where the paper prints its value is in the paper's text ('...' elides)."""
    texts = [_letters(f.read_text(encoding="utf-8", errors="replace")) for f in PAPERS.glob("0*.txt")]
    missing = []
    for c in claims.load_claims():
        for quote in re.findall(r"'([^']{6,})'", c.reported_where):
            for part in re.split(r"\.\.\.|…", quote):
                if len(_letters(part)) >= 6 and not any(_letters(part) in t for t in texts):
                    missing.append((c.id, part))
    assert not missing, missing
