"""The page checker itself: it must fail on each thing it is meant to catch.

Runs ``scripts/check-pages`` on tiny hand-made pages and figures (no book
build needed): overflow, a missing-value cell, text under 8 pt, a code
identifier as a header, a figure whose tick labels overlap or whose text
is too small as displayed, and maths whose MathJax files do not load. Every
case is one page of one small site, checked in one run of the checker (one
Chromium); each test reads its page's verdict. Skipped when Chromium is not
installed, except with CI=true, where that fails (.ci/run installs Chromium).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

HAVE_CHROMIUM = any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome"))


@pytest.fixture(autouse=True)
def chromium():
    if not HAVE_CHROMIUM:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and Chromium is not installed: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (Debian package 'chromium')")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>
<main style="width: 300px"><article class="bd-article">{body}</article></main></body></html>"""

WIDE = '<table style="width: 900px"><tr><td>wide</td></tr></table>'
CAPTION = "(— no separator thickness, however thin, reaches the target)"
SCROLLER = '<div class="cell_output"><div class="output" style="overflow-x: auto">{}</div></div>'
WIDE_CAPTIONED = '<table style="width: 900px">{}<tr><td>wide</td></tr></table>'
#: a figure shown in two layouts (ssekit.style.responsive): one hidden at each width
RESPONSIVE_CSS = ("<style>.n { display: none } @media (max-width: 640px) { .w { display: none } .n { display: block } }"
                  "</style>")

#: figure name -> matplotlib calls on ``ax`` (drawn as the inline backend does, measured by scripts/figure_check.py)
FIGURES = {
    "overlapping": "ax.plot([0, 0.025], [0, 1]); ax.set_xticks([i * 0.005 for i in range(6)]); "
                   "ax.tick_params(labelsize=16); ax.set_xlabel('σ (S/cm)')",
    "size9": "ax.plot([1, 2]); ax.set_xlabel('thickness (µm)'); ax.tick_params(labelsize=9)",
    "size10": "ax.plot([1, 2]); ax.set_xlabel('thickness (µm)'); ax.tick_params(labelsize=10)",
    "identifier": "ax.plot([1, 2]); ax.set_xlabel('sigma_el'); ax.tick_params(labelsize=10)",
    # a label standing on the title: its glyphs only touch the title's, but its box covers the title's top
    "boxed_on_title": "ax.plot([1, 2]); ax.set_title('Figure 2a', fontsize=10); ax.annotate('SURROGATE DATA', "
                      "(0.5, 1.0), xycoords=ax.title, ha='center', va='bottom', fontsize=10, "
                      "bbox=dict(boxstyle='round,pad=0.6'))",
    "unboxed_on_title": "ax.plot([1, 2]); ax.set_title('Figure 2a', fontsize=10); ax.annotate('SURROGATE DATA', "
                        "(0.5, 1.0), xycoords=ax.title, ha='center', va='bottom', fontsize=10)",
}


def _mathjax_head(config: dict) -> str:
    """What Sphinx writes in a page's head for MathJax 2: the config, then MathJax.js (the book's copy)."""
    from ssekit.sphinx_mathjax import mathjax_source

    src = (mathjax_source() / "MathJax.js").as_uri() + "?config=TeX-AMS-MML_HTMLorMML-full"
    return (f'<script type="text/x-mathjax-config">MathJax.Hub.Config({json.dumps(config)})</script>'
            f'<script defer="defer" src="{src}"></script>')


def _cases() -> dict[str, tuple[str, str]]:
    """Page name -> (head, body). Figures are referenced as ``{fig:NAME}`` (a file) or ``{uri:NAME}`` (inline)."""
    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["mathjax2_config"]
    maths = '<p class="math">\\(\\mathrm{ASR} = L/\\sigma\\)</p>'
    return {
        "clean": ("", "<table><tr><th>d (µm)</th></tr><tr><td>40</td></tr></table>"),
        **{f"missing_{i}": ("", f"<table><tr><th>d (µm)</th></tr><tr><td>{cell}</td></tr></table>")
           for i, cell in enumerate(["NaN", "None", "&lt;NA&gt;"])},
        "overflow": ("", WIDE),
        "overflow_scrolls": ("", f'<div style="overflow-x: auto">{WIDE}</div>'),
        "small_text": ("", '<p style="font-size: 9px">tiny</p>'),
        "text_11px": ("", '<p style="font-size: 11px">fine</p>'),
        "identifier_header": ("", "<table><tr><th>sigma_el</th></tr><tr><td>1</td></tr></table>"),
        "fig_overlapping": ("", '<img src="overlapping.png">'),
        "fig_small_when_narrow": ("", '<img src="size9.png" style="width: 150px">'),
        "fig_readable": ("", '<img src="size10.png" style="width: 280px">'),
        "fig_identifier": ("", '<img src="identifier.png" style="width: 280px">'),
        "fig_boxed_on_title": ("", '<img src="boxed_on_title.png" style="width: 280px">'),
        "fig_unboxed_on_title": ("", '<img src="unboxed_on_title.png" style="width: 280px">'),
        "caption_centred": ("", SCROLLER.format(WIDE_CAPTIONED.format(
            f'<caption style="text-align: center">{CAPTION}</caption>'))),
        "caption_held": ("", SCROLLER.format(WIDE_CAPTIONED.format(  # what _static/ssekit.css does on a phone
            f'<caption style="text-align: left; position: sticky; left: 0; max-width: 280px">{CAPTION}</caption>'))),
        # the same PNG: at its natural size in the wide layout, squeezed to 40 px (text ~1 pt) in the other
        "responsive": ("", RESPONSIVE_CSS + '<img class="w" src="{uri:size10}" style="width: 280px">'
                           '<img class="n" src="{uri:size10}" style="width: 40px">'),
        "responsive_squeezed_hidden": ("", RESPONSIVE_CSS.replace(".w { display: none } .n { display: block }", "")
                                       + '<img class="w" src="{uri:size10}" style="width: 280px">'
                                         '<img class="n" src="{uri:size10}" style="width: 40px">'),
        # MathJax told to use TeX fonts, which the book's copy does not ship; and the book's own configuration
        "maths_tex_fonts": (_mathjax_head({**book, "HTML-CSS": {"availableFonts": ["TeX"], "imageFont": None}}), maths),
        "maths_book_config": (_mathjax_head(book), maths),
    }


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[str, str]:
    """Every case checked in one run of scripts/check-pages: page name -> what it printed for that page."""
    tmp = tmp_path_factory.mktemp("page-check")
    book = tmp / "html" / "book"
    book.mkdir(parents=True)
    report = tmp / "figures.jsonl"
    draw = "\n".join(f"fig, ax = plt.subplots(figsize=(4, 3), dpi=100)\n{code}\n"
                      f"open({str(book / (name + '.png'))!r}, 'wb').write(print_figure(fig, 'png', bbox_inches='tight'))"
                      for name, code in FIGURES.items())
    subprocess.run([sys.executable, "-c", f"""
import os
os.environ["SSEKIT_FIGURE_REPORT"] = {str(report)!r}
exec(open({str(ROOT / "scripts" / "figure_check.py")!r}).read())
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from IPython.core.pylabtools import print_figure
{draw}
"""], check=True, timeout=120)
    uris = {n: "data:image/png;base64," + base64.b64encode((book / f"{n}.png").read_bytes()).decode() for n in FIGURES}
    for name, (head, body) in _cases().items():
        body = re.sub(r"\{uri:(\w+)\}", lambda m: uris[m.group(1)], body)
        (book / f"{name}.html").write_text(PAGE.format(head=head, body=body), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check-pages"), "--html", str(tmp / "html"),
                           "--out", str(tmp / "shots"), "--no-screenshots", "--figures", str(report)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    pages = re.split(r"^(?=(?:FAIL|ok  ) )", proc.stdout, flags=re.M)
    out = {p.split()[1]: p for p in pages if p.startswith(("FAIL", "ok  "))}
    assert set(out) == set(_cases()), proc.stdout
    assert json.loads(report.read_text().splitlines()[0])["overlaps"]  # the overlapping figure was measured
    return out


def passes(verdicts, page: str) -> bool:
    return verdicts[page].startswith("ok  ")


def test_clean_page_passes(verdicts):
    assert passes(verdicts, "clean"), verdicts["clean"]


@pytest.mark.parametrize("i, value", list(enumerate(["NaN", "None", "<NA>"])))
def test_missing_value_cell_fails(verdicts, i, value):
    page = verdicts[f"missing_{i}"]
    assert not passes(verdicts, f"missing_{i}") and f"shows {value}" in page, page


def test_overflowing_table_fails_and_scrolling_one_passes(verdicts):
    assert "overflow" in verdicts["overflow"]
    assert passes(verdicts, "overflow_scrolls"), verdicts["overflow_scrolls"]


def test_small_text_fails(verdicts):
    assert "small text" in verdicts["small_text"]
    assert passes(verdicts, "text_11px"), verdicts["text_11px"]


def test_identifier_as_a_header_fails(verdicts):
    page = verdicts["identifier_header"]
    assert not passes(verdicts, "identifier_header") and "identifier as a label" in page and "sigma_el" in page


def test_figure_with_overlapping_tick_labels_fails(verdicts):
    assert "figure text overlaps" in verdicts["fig_overlapping"], verdicts["fig_overlapping"]


def test_a_label_whose_box_covers_the_title_fails(verdicts):
    """The box of a boxed label counts as its extent: glyphs that only touch the title pass, the box over it fails."""
    page = verdicts["fig_boxed_on_title"]
    assert "figure text overlaps" in page and "'Figure 2a'" in page and "'SURROGATE DATA'" in page, page
    assert passes(verdicts, "fig_unboxed_on_title"), verdicts["fig_unboxed_on_title"]


def test_figure_text_too_small_when_shown_narrow_fails(verdicts):
    assert "figure text at" in verdicts["fig_small_when_narrow"], verdicts["fig_small_when_narrow"]


def test_readable_figure_passes(verdicts):
    assert passes(verdicts, "fig_readable"), verdicts["fig_readable"]


def test_figure_labelled_with_an_identifier_fails(verdicts):
    assert "code identifier" in verdicts["fig_identifier"], verdicts["fig_identifier"]


def test_caption_centred_over_a_wide_scrolling_table_fails(verdicts):
    """The theme centres a table's caption over the table; wider than the column, its start is out of view."""
    assert "caption out of view" in verdicts["caption_centred"], verdicts["caption_centred"]
    assert passes(verdicts, "caption_held"), verdicts["caption_held"]


def test_only_the_displayed_layout_of_a_responsive_figure_is_measured(verdicts):
    """A figure drawn in two layouts (ssekit.style.responsive) holds both as data URIs, one hidden per width.

    The hidden one is never measured: a wide layout whose text is far too small on a phone passes as long
    as the phone shows the narrow one, and fails when it is shown there.
    """
    page = verdicts["responsive"]  # at 1400 px only the readable one shows; at 400 px the squeezed one
    assert "figure text at" in page and "1400 px" not in page, page
    assert passes(verdicts, "responsive_squeezed_hidden"), verdicts["responsive_squeezed_hidden"]


def test_maths_whose_fonts_do_not_load_fails(verdicts):
    """MathJax asked for fonts the site's copy lacks reports a file it could not load; the book's config does not."""
    page = verdicts["maths_tex_fonts"]
    assert "MathJax could not load" in page and "fontdata.js" in page, page
    assert passes(verdicts, "maths_book_config"), verdicts["maths_book_config"]


@pytest.mark.parametrize("content", [None, "not json\n"])
def test_an_unreadable_figure_report_is_one_line_and_exit_2(tmp_path, content):
    (tmp_path / "html" / "book").mkdir(parents=True)
    (tmp_path / "html" / "book" / "page.html").write_text(PAGE.format(head="", body="<p>text</p>"), encoding="utf-8")
    report = tmp_path / "figures.jsonl"
    if content is not None:
        report.write_text(content, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check-pages"), "--html", str(tmp_path / "html"),
                           "--no-screenshots", "--figures", str(report)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and f"--figures {report}" in proc.stderr, proc.stderr
