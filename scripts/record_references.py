"""Record the reference outputs that the tests compare against.

    python scripts/record_references.py --chapters   # outputs of cells tagged nbval-check-output
    python scripts/record_references.py --claims     # status and value of every claim

Run it only when a change of output is intended, and say why in the commit:
the references exist so that drift is caught, not so that tests pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def record_chapters() -> None:
    from nbclient import NotebookClient

    from conftest import BOOK, CHECK_TAG, REF_DIR, checked_cells, is_notebook
    import jupytext

    REF_DIR.mkdir(parents=True, exist_ok=True)
    for md in sorted(BOOK.glob("*.md")):
        if not is_notebook(md):
            continue
        nb = jupytext.read(md, fmt="myst")
        if not checked_cells(nb):
            continue
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
        texts = []
        for cell in checked_cells(nb):
            streams = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"]
            texts.append("".join(o.text for o in streams))
        (REF_DIR / f"{md.stem}.json").write_text(json.dumps(texts, indent=1) + "\n", encoding="utf-8")
        print(f"{md.name}: {len(texts)} reference outputs ({CHECK_TAG})")


def record_claims() -> None:
    from ssekit import claims

    ref = {r.claim.id: {"status": r.status, "reproduced": r.reproduced} for r in claims.evaluate_all()}
    path = ROOT / "tests" / "reference" / "claims.json"
    path.write_text(json.dumps(ref, indent=1) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(ref)} claims")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chapters", action="store_true")
    ap.add_argument("--claims", action="store_true")
    a = ap.parse_args()
    if not (a.chapters or a.claims):
        ap.error("say --chapters and/or --claims")
    if a.claims:
        record_claims()
    if a.chapters:
        record_chapters()
