"""The book: built once per test run, warning-free, and each chapter's outputs checked.

The build (``jupyter-book build -W -n --keep-going``, cold execution cache,
into a temporary folder) executes every chapter exactly once; the tests
below read the executed notebooks it leaves in ``_build/jupyter_execute``:
no cell may have failed; cells tagged ``check-output`` must print what
they printed when their reference was recorded (pytest-regressions; record
again on purpose with ``scripts/test -m book --force-regen`` and say why in
the commit); and nbval runs every executed notebook once more in a fresh
kernel with no disk cache (what a Binder reader does) and compares each
cell's outputs with the build's. So each chapter executes twice in all. The build is made once per run
(tests/book_build.py), while the unit tests run, and the checks below wait for it.
``SSEKIT_CHAPTERS="a b"`` (``scripts/test --chapter a``) builds and checks
only those chapters. Marked ``book``: ``scripts/test -m "not book"`` skips it all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ssekit import claims

import book_build
import nbval_run

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
CHECK_TAG = "check-output"
ALL_CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("*.md")
                      if p.read_text(encoding="utf-8").startswith("---\njupytext:")
                      and "```{code-cell}" in p.read_text(encoding="utf-8"))
SUBSET = os.environ.get("SSEKIT_CHAPTERS", "").split()
CHAPTERS = [c for c in ALL_CHAPTERS if c in SUBSET] if SUBSET else ALL_CHAPTERS
whole_book = pytest.mark.skipif(bool(SUBSET), reason="needs the whole book (SSEKIT_CHAPTERS builds only some chapters)")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Path:
    """The book built once, cold, for the whole run; returns the build folder (``.../_build``).

    ``scripts/test`` starts the build in the background before pytest and names its folder in
    ``$SSEKIT_TEST_BUILD`` (the unit tests run meanwhile); otherwise the first pytest-xdist worker that needs it
    builds it in a folder all workers share (tests/book_build.py).
    """
    started = os.environ.get("SSEKIT_TEST_BUILD")
    if started:
        out = Path(started)
        result = book_build.wait(out)
    else:
        base = tmp_path_factory.getbasetemp()
        out = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "book"
        result = book_build.build_once(out, SUBSET)
    assert result["subset"] == SUBSET, f"the build in {out} is of {result['subset'] or 'every chapter'}"
    assert result["returncode"] == 0, result["stdout"] + result["stderr_tail"]
    assert not result["warnings"], "\n".join(result["warnings"])
    if not os.environ.get("PYTEST_XDIST_WORKER") and _chromium():  # one process: check pages while nbval runs
        _PAGE_CHECK["proc"] = _start_page_check(out / "_build")
    return out / "_build"


_PAGE_CHECK: dict[str, subprocess.Popen] = {}


def _start_page_check(build: Path) -> subprocess.Popen:
    pages = CHAPTERS if SUBSET else []
    report = build.parent / "figures.jsonl"  # the test fails on its own if figures were shown but none measured
    figures = ["--figures", str(report)] if report.exists() else []
    return subprocess.Popen([sys.executable, str(ROOT / "scripts" / "check-pages"), "--html", str(build / "html"),
                             "--out", str(build.parent / "page-check"), "--no-screenshots", *figures, *pages],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def executed(build: Path, chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(build / "jupyter_execute" / "book" / f"{chapter}.ipynb", as_version=4)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_ran_without_errors(build, chapter):
    nb = executed(build, chapter)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{chapter}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_checked_outputs(build, chapter, data_regression):
    """Printed outputs of cells tagged check-output equal their recorded reference."""
    nb = executed(build, chapter)
    texts = ["".join(o.text for o in c.get("outputs", []) if o.output_type == "stream" and o.name == "stdout")
             for c in nb.cells if c.cell_type == "code" and CHECK_TAG in c.metadata.get("tags", [])]
    if not texts:
        pytest.skip(f"{chapter} has no cell tagged {CHECK_TAG}")
    data_regression.check({"outputs": texts}, basename=chapter)


ASCII_UNITS = re.compile(r"\b\d[\d.]*\s?(um|ohm)\b|\bohm cm|\buL/mg\b|\bNaN\b|<NA>")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_shown_outputs_use_unit_symbols_and_no_nan(build, chapter):
    """What a reader sees (cells not removed) prints µm, Ω cm², µL mg⁻¹ and no NaN."""
    nb = executed(build, chapter)
    bad = []
    for c in nb.cells:
        if c.cell_type != "code" or "remove-cell" in c.metadata.get("tags", []):
            continue
        for o in c.get("outputs", []):
            text = o.get("text", "") + "".join(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
            bad += [m.group(0) for m in ASCII_UNITS.finditer(text)]
    assert not bad, f"{chapter}: {sorted(set(bad))[:10]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_fresh_kernel_reproduces_the_build(build, chapter, tmp_path):
    """nbval: the executed chapter, run again in a fresh kernel with no disk cache, shows the same outputs."""
    notebook = build / "jupyter_execute" / "book" / f"{chapter}.ipynb"
    code, out = nbval_run.run([notebook], tmp_path / "nbval")
    compared = nbval_run.compared_cells(nbformat.read(notebook, as_version=4))
    summary = ROOT / "_build" / "nbval-summary"
    summary.mkdir(parents=True, exist_ok=True)
    (summary / f"{chapter}.txt").write_text(f"{nbval_run.passed(out)} {compared}\n")
    assert code == 0, out[-6000:]


def test_pages_exist(build):
    for page in CHAPTERS + ([] if SUBSET else ["intro"]) + ["references"]:
        assert (build / "html" / "book" / f"{page}.html").exists(), page


@whole_book
def test_claims_json_matches_registry(build):
    """claims.json is the scorecard chapter's own output: valid against its JSON Schema, every registered claim,
    and the statuses and null pass rates of the committed references (tests/test_claims/<paper>.yml), which
    tests/test_claims.py holds equal to a fresh evaluation -- so the page agrees with the engine without
    evaluating every claim a third time."""
    import jsonschema
    import yaml

    payload = json.loads((build / "html" / "claims.json").read_text())
    jsonschema.validate(payload, claims.JSON_SCHEMA)
    assert [c["id"] for c in payload["claims"]] == [c.id for c in claims.load_claims()]
    recorded = {}
    for paper in claims.paper_keys():
        recorded.update(yaml.safe_load((ROOT / "tests" / "test_claims" / f"{paper}.yml").read_text(encoding="utf-8")))
    shown = {c["id"]: (c["status"], c["null_pass_rate"]) for c in payload["claims"]}
    assert shown == {k: (v["status"], v["null_pass_rate"]) for k, v in recorded.items()}


@pytest.mark.skipif("kim2025_asr" not in CHAPTERS, reason="kim2025_asr is not built")
def test_asr_page_has_figure_and_checked_numbers(build):
    html = (build / "html" / "book" / "kim2025_asr.html").read_text()
    assert "<img" in html and "fig-kim-asr" in html
    assert "37.5 µm" in html and 'id="kim-asr-solid"' in html


@whole_book
def test_scorecard_links_resolve(build):
    html = (build / "html" / "book" / "scorecard.html").read_text()
    for c in claims.load_claims():
        target = build / "html" / "book" / f"{c.chapter}.html"
        assert f'href="{c.chapter}.html#{c.anchor}"' in html
        assert f'id="{c.anchor}"' in target.read_text(), c.id


@whole_book
def test_pages_and_claims_json_agree_on_the_film_data(build):
    """The Chen pages' banners and claims.json name the same film data (surrogate or the supplied Table S1)."""
    payload = json.loads((build / "html" / "claims.json").read_text())
    kinds = {c["data"] for c in payload["claims"] if c["paper"] == "chen2021" and c["data"] != "paper inputs"}
    assert len(kinds) == 1, kinds
    surrogate = kinds == {"surrogate"}
    pages = [ch for ch in CHAPTERS if ch.startswith("chen2021_")
             and "banner_html" in (ROOT / "book" / f"{ch}.md").read_text(encoding="utf-8")]
    assert pages
    for ch in pages:
        html = (build / "html" / "book" / f"{ch}.html").read_text(encoding="utf-8")
        assert ("SURROGATE DATA" in html) == surrogate and ("REAL DATA" in html) == (not surrogate), ch


REMOTE = re.compile(r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)=["'](?:https?:)?//""", re.I)
REMOTE_CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)(?:https?:)?//""", re.I)


def test_site_loads_nothing_remote(build):
    """Every page (scripts, styles, images, fonts, MathJax) and stylesheet is served from the built site.

    Links a reader clicks (<a href>) may point anywhere; only what a page loads by itself counts.
    """
    html = build / "html"
    bad = []
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        bad += [f"{page.relative_to(html)}: {m.group(0)[:120]}" for m in REMOTE.finditer(text)]
    for css in html.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        bad += [f"{css.relative_to(html)}: {m.group(0)}" for m in REMOTE_CSS.finditer(text)]
    assert not bad, "\n".join(sorted(set(bad))[:20])
    asr = (html / "book" / "kim2025_asr.html")
    if asr.exists():
        assert re.search(r'<script[^>]+src="[./]*_static/mathjax/MathJax\.js', asr.read_text(encoding="utf-8")), \
            "the ASR page does not load MathJax from the site"
        assert (html / "_static" / "mathjax" / "MathJax.js").exists()


def _chromium() -> str | None:
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("CI=true and Chromium is not installed: .ci/run installs it (apt-get install -y chromium)")
    return found


def test_pages_render_without_overflow_or_missing_cells(build, tmp_path):
    """Every page at 1400 and 400 px: nothing sticks out of its column or overlaps, no NaN/None/<NA> cell,
    no text under 8 pt as displayed, no code identifier as a label (scripts/check-pages)."""
    if _chromium() is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'): page check skipped")
    report = build.parent / "figures.jsonl"
    if any((build / "html" / "_images").glob("*.png")):
        assert report.exists(), "no figure was measured while the book ran (scripts/figure_check.py)"
    report.touch()
    errors = [ln for ln in report.read_text().splitlines() if '"error"' in ln]
    assert not errors, errors[:3]
    proc = _PAGE_CHECK.pop("proc", None) or _start_page_check(build)  # started with the build in a one-process run
    stdout, stderr = proc.communicate(timeout=1800)
    assert proc.returncode == 0, stdout[-4000:] + stderr[-2000:]
