"""The whole book builds warning-free (-W -n --keep-going) and writes claims.json.

Built into a temporary folder with a cold cache, so that a stale jupyter-cache
entry can never hide a broken chapter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssekit import claims

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe if exe.exists() else shutil.which("jupyter-book")), "build", str(ROOT), "--path-output", str(out),
           "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    # -W already turns Sphinx warnings into errors; this also catches any that
    # --keep-going let through. (ipykernel's own start-up notice is not Sphinx's.)
    sphinx_warnings = [ln for ln in proc.stderr.splitlines() if "WARNING:" in ln and not ln.startswith("[IPKernelApp]")]
    assert not sphinx_warnings, "\n".join(sphinx_warnings)
    return out / "_build" / "html"


def test_pages_exist(built):
    for page in ("intro", "data", "kim2025_asr", "scorecard", "references"):
        assert (built / "book" / f"{page}.html").exists(), page


def test_claims_json_matches_registry(built):
    payload = json.loads((built / "claims.json").read_text())
    fresh = {r.claim.id: r.status for r in claims.evaluate_all()}
    assert {c["id"]: c["status"] for c in payload["claims"]} == fresh


def test_asr_page_has_figure_and_checked_numbers(built):
    html = (built / "book" / "kim2025_asr.html").read_text()
    assert "<img" in html and "fig-kim-asr" in html
    assert "37.5 um" in html and 'id="kim-asr-solid"' in html


def test_scorecard_links_resolve(built):
    html = (built / "book" / "scorecard.html").read_text()
    for c in claims.load_claims():
        target = built / "book" / f"{c.chapter}.html"
        assert f'href="{c.chapter}.html#{c.anchor}"' in html
        assert f'id="{c.anchor}"' in target.read_text(), c.id
