"""Prose that cannot contradict the tables: no computed number typed into a chapter's text.

Every number in a chapter's Markdown prose must be one of

- an inline expression (``{eval}`n.key```), filled in from the chapter's own computation;
- a number one of the papers prints (their text is in ``shared/papers`` next to
  the checkout; ``1.5 × 10−4`` in a paper matches ``1.5e-4`` in the prose);
- a setting of the book's method (a count of seeds, splits, draws, folds, rows,
  recipes, voxels, ... written with its noun), a licence version, a year, a
  figure/table/section/line reference, or part of a name (Li6PS5Cl, NCM811, PC1).

Anything else is a computed result typed in, which drifts when the code changes.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAPERS = Path(os.environ.get("SSEKIT_PAPERS_DIR", ROOT.parent / "shared" / "papers"))
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.md"))

_NUMBER = re.compile(r"(?<![\w.^_/#-])\d+(?:[.,]\d+)*(?:\.\d+)?(?:e[-−]?\d+)?(?![\w])")
_PAPER_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[×x]\s*10\s*[\^]?\s*[{(]?\s*([-−–]?\s*\d+))?")
_REFERENCE = re.compile(r"(Figures?|Figs?\.|Tables?|Sec\.|Sections?|Eqs?\.|Equations?|Movies?|lines?|[Rr]efs?\.|SI|"
                        r"Steps?|steps?|version|v|CC BY|ID|U\+|PC|commit|Python|Jupyter Book|numpy|scikit-learn)"
                        r"\s*[\dS.,–\- and]*$")
_SETTING_NOUNS = (r"seeds?|splits?|draws?|folds?|shuffles?|recipes?|films?|rows?|columns?|cells?|trees?|voxels?|"
                  r"samples?|repeats?|repetitions?|resamples?|bootstraps?|points?|grids?|layers?|models?|regressors?|"
                  r"entries|compounds?|materials?|slurries|classes|clusters?|components?|quantities|features?|"
                  r"papers?|chapters?|pages?|claims?|statements?|steps?|times|cores?|threads?|px|pt|s\b|seconds?|"
                  r"minutes?|decades?|sig|significant|per cent|ways?|kinds?|readings?|variants?|configurations?|"
                  r"digits?|files?|heads?|neighbours?|nearest|families|iterations?|epochs?|neurons?|hidden")
_SETTING = re.compile(rf"^\s*(?:[-–]\s*\d+\s*)?(?:\w+[- ])?(?:{_SETTING_NOUNS})\b", re.I)


def _value(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("−", "-"))
    except ValueError:
        return None


def _paper_values() -> set[float]:
    values: set[float] = set()
    for f in PAPERS.glob("0*.txt"):
        text = f.read_text(encoding="utf-8", errors="replace").replace("−", "-").replace("–", "-")
        text = re.sub(r"<sup>|</sup>|\$|\\times|\{|\}|\\mathrm|\\", " ", text)
        for m in _PAPER_NUMBER.finditer(text):
            mant = float(m.group(1))
            values.add(round(mant, 10))
            if m.group(2):
                values.add(float(f"{mant:g}e{m.group(2).replace(' ', '').replace('−', '-').replace('–', '-')}"))
    return values


def _prose_lines(text: str):
    """(line number, text) of a chapter's prose: no front matter, code cells, directives, labels or headings."""
    in_code, front = False, text.startswith("---\n")
    for i, line in enumerate(text.split("\n"), 1):
        if front:
            if i > 1 and line.strip() == "---":
                front = False
            continue
        if line.lstrip().startswith("```") or line.lstrip().startswith(":::"):
            in_code = not in_code if line.lstrip().startswith("```") else in_code
            continue
        if in_code or line.startswith("#") or re.match(r"^\(.*\)=\s*$", line) or re.match(r"^:\w+:", line):
            continue
        yield i, line


def _strip(line: str) -> str:
    line = re.sub(r"\{eval\}`[^`]*`", " ", line)
    line = re.sub(r"\{\w+\}`[^`]*`", " ", line)   # other roles: citations, references, maths
    line = re.sub(r"`[^`]*`", " ", line)           # code
    line = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", line)  # maths
    line = re.sub(r"\]\([^)]*\)", "]", line)        # link targets
    line = re.sub(r"<[^>]+>", " ", line)            # HTML tags
    return line


def typed_numbers(md: Path, paper_values: set[float]) -> list[tuple[int, str, str]]:
    """The numbers in a chapter's prose that are neither inline expressions, paper values nor method settings."""
    out = []
    for i, raw in _prose_lines(md.read_text(encoding="utf-8")):
        line = _strip(raw)
        for m in _NUMBER.finditer(line):
            tok = m.group(0)
            v = _value(tok)
            if v is None or re.fullmatch(r"(19|20)\d\d", tok):
                continue
            if _REFERENCE.search(line[:m.start()]) or _SETTING.match(line[m.end():]):
                continue
            if any(math.isclose(v, p, rel_tol=1e-9, abs_tol=0) for p in paper_values if p == p) or v in (0, 1, 2):
                continue
            out.append((i, tok, raw.strip()))
    return out


@pytest.fixture(scope="module")
def paper_values() -> set[float]:
    if not PAPERS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the papers' text is not at {PAPERS} (set SSEKIT_PAPERS_DIR)")
        pytest.skip("the papers' text is not next to this checkout (set SSEKIT_PAPERS_DIR)")
    return _paper_values()


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_no_computed_number_is_typed_into_the_prose(md, paper_values):
    found = typed_numbers(md, paper_values)
    assert not found, "\n".join(f"{md.name}:{i}: {tok!r} in: {line}" for i, tok, line in found)


def test_the_scan_catches_a_typed_result(tmp_path, paper_values):
    page = tmp_path / "x.md"
    page.write_text("The book's threshold is 57.3 µm, from {eval}`n.t` µm over 30 seeds (Figure 4; 2021).\n")
    assert [tok for _, tok, _ in typed_numbers(page, paper_values)] == ["57.3"]
