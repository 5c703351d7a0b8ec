"""The page checker itself: it must fail on a page that overflows or shows a missing value.

Runs ``scripts/check-pages`` on tiny hand-made pages (no book build needed);
skipped when Chromium is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")),
    reason="Chromium is not installed (Debian package 'chromium')")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<main style="width: 300px"><article class="bd-article">{body}</article></main></body></html>"""


def _check(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "book" / "page.html").write_text(PAGE.format(body=body), encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check-pages"), "--html", str(html),
                           "--out", str(tmp_path / "shots"), "--no-screenshots"],
                          capture_output=True, text=True, timeout=300)


def test_clean_page_passes(tmp_path):
    proc = _check(tmp_path, "<table><tr><th>d (µm)</th></tr><tr><td>40</td></tr></table>")
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("value", ["NaN", "None", "<NA>"])
def test_missing_value_cell_fails(tmp_path, value):
    cell = value.replace("<", "&lt;").replace(">", "&gt;")
    proc = _check(tmp_path, f"<table><tr><th>d (µm)</th></tr><tr><td>{cell}</td></tr></table>")
    assert proc.returncode == 1 and f"shows {value}" in proc.stdout


def test_overflowing_table_fails_and_scrolling_one_passes(tmp_path):
    wide = '<table style="width: 900px"><tr><td>wide</td></tr></table>'
    assert "overflow" in _check(tmp_path / "a", wide).stdout
    proc = _check(tmp_path / "b", f'<div style="overflow-x: auto">{wide}</div>')
    assert proc.returncode == 0, proc.stdout
