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
