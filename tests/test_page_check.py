"""The page checker itself: it must fail on each thing it is meant to catch.

Runs ``scripts/check-pages`` on tiny hand-made pages and figures (no book
build needed): overflow, a missing-value cell, text under 8 pt, a code
identifier as a header, and a figure whose tick labels overlap or whose text
is too small as displayed. Skipped when Chromium is not installed, except
with CI=true, where that fails (.ci/run installs Chromium).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HAVE_CHROMIUM = any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome"))


@pytest.fixture(autouse=True)
def chromium():
    if not HAVE_CHROMIUM:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and Chromium is not installed: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (Debian package 'chromium')")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<main style="width: 300px"><article class="bd-article">{body}</article></main></body></html>"""


def _check(tmp_path: Path, body: str, figures: Path | None = None) -> subprocess.CompletedProcess:
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True, exist_ok=True)
    (html / "book" / "page.html").write_text(PAGE.format(body=body), encoding="utf-8")
    extra = ["--figures", str(figures)] if figures else []
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check-pages"), "--html", str(html),
                           "--out", str(tmp_path / "shots"), "--no-screenshots", *extra],
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


def test_small_text_fails(tmp_path):
    assert "small text" in _check(tmp_path / "a", '<p style="font-size: 9px">tiny</p>').stdout
    assert _check(tmp_path / "b", '<p style="font-size: 11px">fine</p>').returncode == 0


def test_identifier_as_a_header_fails(tmp_path):
    proc = _check(tmp_path, "<table><tr><th>sigma_el</th></tr><tr><td>1</td></tr></table>")
    assert proc.returncode == 1 and "identifier as a label" in proc.stdout and "sigma_el" in proc.stdout


def _figure(tmp_path: Path, build) -> tuple[str, Path]:
    """Draw a figure as the inline backend does, with scripts/figure_check.py measuring it."""
    report = tmp_path / "figures.jsonl"
    code = f"""
import os
os.environ["SSEKIT_FIGURE_REPORT"] = {str(report)!r}
exec(open({str(ROOT / "scripts" / "figure_check.py")!r}).read())
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from IPython.core.pylabtools import print_figure
fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
{build}
open({str(tmp_path / "fig.png")!r}, "wb").write(print_figure(fig, "png", bbox_inches="tight"))
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    (tmp_path / "html" / "book").mkdir(parents=True)
    shutil.copy(tmp_path / "fig.png", tmp_path / "html" / "book" / "fig.png")
    return '<img src="fig.png">', report


def test_figure_with_overlapping_tick_labels_fails(tmp_path):
    img, report = _figure(tmp_path, "ax.plot([0, 0.025], [0, 1]); ax.set_xticks([i * 0.005 for i in range(6)]); "
                                    "ax.tick_params(labelsize=16); ax.set_xlabel('σ (S/cm)')")
    proc = _check(tmp_path, img, report)
    assert proc.returncode == 1 and "figure text overlaps" in proc.stdout, proc.stdout
    assert json.loads(report.read_text().splitlines()[0])["overlaps"]


def test_figure_text_too_small_when_shown_narrow_fails(tmp_path):
    img, report = _figure(tmp_path, "ax.plot([1, 2]); ax.set_xlabel('thickness (µm)'); ax.tick_params(labelsize=9)")
    proc = _check(tmp_path, img.replace("<img", '<img style="width: 150px"'), report)
    assert proc.returncode == 1 and "figure text at" in proc.stdout, proc.stdout


def test_readable_figure_passes(tmp_path):
    img, report = _figure(tmp_path, "ax.plot([1, 2]); ax.set_xlabel('thickness (µm)'); ax.tick_params(labelsize=10)")
    proc = _check(tmp_path, img.replace("<img", '<img style="width: 280px"'), report)
    assert proc.returncode == 0, proc.stdout


def test_figure_labelled_with_an_identifier_fails(tmp_path):
    img, report = _figure(tmp_path, "ax.plot([1, 2]); ax.set_xlabel('sigma_el'); ax.tick_params(labelsize=10)")
    proc = _check(tmp_path, img.replace("<img", '<img style="width: 280px"'), report)
    assert proc.returncode == 1 and "code identifier" in proc.stdout, proc.stdout


def test_caption_centred_over_a_wide_scrolling_table_fails(tmp_path):
    """The theme centres a table's caption over the table; wider than the column, its start is out of view."""
    cap = "(— no separator thickness, however thin, reaches the target)"
    table = '<table style="width: 900px">{}<tr><td>wide</td></tr></table>'
    scroller = '<div class="cell_output"><div class="output" style="overflow-x: auto">{}</div></div>'
    centred = scroller.format(table.format(f'<caption style="text-align: center">{cap}</caption>'))
    proc = _check(tmp_path / "a", centred)
    assert proc.returncode == 1 and "caption out of view" in proc.stdout, proc.stdout
    held = f'<caption style="text-align: left; position: sticky; left: 0; max-width: 280px">{cap}</caption>'
    proc = _check(tmp_path / "b", scroller.format(table.format(held)))  # what _static/ssekit.css does on a phone
    assert proc.returncode == 0, proc.stdout


def test_only_the_displayed_layout_of_a_responsive_figure_is_measured(tmp_path):
    """A figure drawn in two layouts (ssekit.style.responsive) holds both as data URIs, one hidden per width.

    The hidden one is never measured: a wide layout whose text is far too small on a phone passes as long
    as the phone shows the narrow one, and fails when it is shown there.
    """
    import base64

    img, report = _figure(tmp_path, "ax.plot([1, 2]); ax.set_xlabel('thickness (µm)'); ax.tick_params(labelsize=10)")
    uri = "data:image/png;base64," + base64.b64encode((tmp_path / "fig.png").read_bytes()).decode()
    # the same PNG: shown at its natural size in the wide layout, squeezed to 40 px (text ~1 pt) in the other
    css = ("<style>.n { display: none } @media (max-width: 640px) { .w { display: none } .n { display: block } }"
           "</style>")
    wide = f'<img class="w" src="{uri}" style="width: 280px">'
    squeezed = f'<img class="n" src="{uri}" style="width: 40px">'
    proc = _check(tmp_path / "a", css + wide + squeezed, report)  # at 1400 px only the readable one shows
    assert "figure text at" in proc.stdout and "1400 px" not in proc.stdout, proc.stdout  # 400 px: the squeezed one
    swapped = css.replace(".w { display: none } .n { display: block }", "")
    proc = _check(tmp_path / "b", swapped + wide + squeezed, report)  # the squeezed one is hidden at both widths
    assert proc.returncode == 0, proc.stdout
