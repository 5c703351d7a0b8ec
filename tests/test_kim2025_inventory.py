"""The Kim et al. 2025 inventory: every statement handled, every claim id real, every claim inventoried."""

import pandas as pd

from ssekit import claims
from ssekit.data import read_csv


def _inventory() -> pd.DataFrame:
    return read_csv("kim2025/inventory.csv", keep_default_na=False)


def test_every_row_is_handled_and_every_claim_id_exists():
    inv = _inventory()
    ids = {c.id for c in claims.load_claims(paper="kim2025")}
    assert inv["handling"].str.len().gt(0).all()
    assert set(inv["checkable"]) <= {"yes", "no"}
    named = inv[inv["handling"].str.startswith("kim2025.")]
    assert set(named["handling"]) <= ids, set(named["handling"]) - ids
    rest = inv[~inv["handling"].str.startswith("kim2025.")]
    assert rest["handling"].str.startswith("not checkable: ").all()
    # a statement checkable with what ships here has a claim
    assert inv.loc[inv["checkable"] == "yes", "handling"].str.startswith("kim2025.").all()


def test_every_kim_claim_is_in_the_inventory():
    inv = _inventory()
    ids = {c.id for c in claims.load_claims(paper="kim2025")}
    assert ids <= set(inv["handling"]), ids - set(inv["handling"])


def test_a_generated_sentence_states_every_verdict_of_a_section():
    for anchor in ("kim-thresholds", "kim-materials", "kim-asr-solid"):
        text = claims.verdict_sentences(anchor)
        section = [c for c in claims.load_claims(paper="kim2025") if c.anchor == anchor]
        assert text.count("\n- ") + 1 == len(section)
        for c in section:
            line = next(l for l in text.splitlines() if c.quantity[1:] in l)
            assert f"**{claims.evaluate(c).status}**" in line
    # an uninformative verdict says why, with the null pass rate
    line = next(l for l in claims.verdict_sentences("kim-materials").splitlines() if "among argyrodites" in l)
    assert "draws" in line and "no evidence" in line
