"""The claim contract, in the spirit of scikit-learn's ``check_estimator``: one check that every registered claim passes.

For every paper of ``ssekit/data/papers.toml``, :func:`ssekit.claims.check_paper`
checks each claim: a quoted source passage, a rule whose arithmetic can flip,
a null (or ``"none"`` with the reason), a compute function that returns a
:class:`~ssekit.claims.Reproduction` with its data kind on its default inputs
and on a null draw, stochastic values judged on at least 30 samples, and
knock-outs and variants that run.
"""

from __future__ import annotations

import pytest

from ssekit import claims
from ssekit.errors import DataValidationError


@pytest.mark.parametrize("paper", claims.paper_keys())
def test_every_claim_of_every_paper_meets_the_contract(paper):
    assert claims.check_paper(paper, raise_on_error=False) == []


def test_the_contract_catches_a_claim_without_a_null(monkeypatch):
    import sys
    import types

    from ssekit.claims import registry

    mod = types.ModuleType("fake_contract")
    mod.f = lambda: claims.Reproduction(1.0, data="model")
    monkeypatch.setitem(sys.modules, "fake_contract", mod)
    bad = claims.Claim(id="kim2025.fake.no_null", paper="kim2025", where="w", quantity="q", reported=1.0, unit="",
                       rule="abs", tolerance=0.1, compute="fake_contract:f", chapter="kim2025_asr",
                       anchor="kim-asr-liquid", reported_where="line 1: 'a quote'")
    monkeypatch.setattr(registry, "_all_claims", lambda: (bad,))
    with pytest.raises(DataValidationError, match="declares no null"):
        claims.check_paper("kim2025")


@pytest.mark.parametrize("paper", claims.paper_keys())
def test_every_paper_has_an_inventory_that_names_real_claims(paper):
    """Each row of the paper's inventory is handled (claim ids, or 'not checkable: <reason>'), each id exists,
    and each registered claim checks some statement of the inventory."""
    inv = claims.inventory(paper)
    ids = {c.id for c in claims.load_claims(paper=paper)}
    assert len(inv) > 0 and set(inv["checkable"]) <= {"yes", "no"}
    for _, row in inv.iterrows():
        assert row["claims"] or row["handling"].startswith("not checkable:"), row.to_dict()
        assert set(row["claims"]) <= ids, set(row["claims"]) - ids
    named = {i for cs in inv["claims"] for i in cs}
    assert ids <= named, sorted(ids - named)
