"""The chapters read in JupyterLab (Binder) as on the site: hidden cells collapsed, citations as author-year links.

- Every cell the site hides by tag carries the ``jupyter`` metadata that
  collapses it in JupyterLab, as jupytext (the contents manager Binder's
  server uses) reads the chapter; ``scripts/lab_cells.py`` writes it.
- Chapters cite by a link to the DOI, written with the entry's author-year
  label (jupyterlab-myst resolves no bibliography, so a ``{cite}`` role shows
  there as its bare key); :mod:`ssekit.sphinxext` makes each such link a
  citation on the site, and a link whose text is not the label fails the build.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import jupytext
import pytest
from pybtex.database import parse_file

from ssekit.sphinxext import _DOI_LINK, author_year, doi_citations

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.md"))
_spec = importlib.util.spec_from_file_location("lab_cells", ROOT / "scripts" / "lab_cells.py")
lab_cells = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab_cells)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_cells_hidden_on_the_site_are_collapsed_in_jupyterlab(md):
    nb = jupytext.read(md)
    bad = [(n, c.metadata.get("tags", []), c.metadata.get("jupyter"))
           for n, c in enumerate(nb.cells) if c.cell_type == "code"
           and c.metadata.get("jupyter") != lab_cells.wanted(c.metadata.get("tags", []))]
    assert not bad, f"{md.name}: cells (index, tags, jupyter metadata) out of step; run python scripts/lab_cells.py: {bad}"


def test_lab_cells_rewrites_only_cells_out_of_step():
    text = ("```{code-cell} ipython3\n:tags: [remove-cell]\n\nx = 1\n```\n\n"
            "```{code-cell} ipython3\n---\njupyter:\n  source_hidden: true\ntags: [hide-output]\n---\ny = 2\n```\n\n"
            "```{code-cell} ipython3\n---\nmystnb:\n  figure: {name: f}\n---\nz = 3\n```\n")
    new, changed = lab_cells.sync(text)
    assert len(changed) == 2, changed
    assert "---\njupyter: {source_hidden: true, outputs_hidden: true}\ntags: [remove-cell]\n---\nx = 1\n" in new
    assert "---\njupyter: {outputs_hidden: true}\ntags: [hide-output]\n---\ny = 2\n" in new
    assert text.split("```\n\n")[2] in new  # the figure cell, untouched
    assert lab_cells.sync(new) == (new, [])
    cells = jupytext.reads(new, fmt="md:myst").cells
    assert [c.metadata.get("jupyter") for c in cells] == [{"source_hidden": True, "outputs_hidden": True},
                                                         {"outputs_hidden": True}, None]
    assert [c.source for c in cells] == ["x = 1", "y = 2", "z = 3"]


def _entries() -> dict[str, tuple[str, str]]:
    bib = parse_file(str(ROOT / "references.bib")).entries
    return {e.fields["doi"].lower(): (k, author_year(e)) for k, e in bib.items() if "doi" in e.fields}


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_cite_by_author_year_doi_links(md):
    text = md.read_text(encoding="utf-8")
    roles = re.findall(r"\{cite(?::\w+)?\}`[^`]*`", text)
    assert not roles, f"{md.name}: {roles} shows as a bare key in JupyterLab; write [Author et al. YEAR](https://doi.org/DOI)"
    _, problems = doi_citations(text, _entries())
    assert not problems, f"{md.name}: {problems}"


def test_every_bibliography_entry_is_cited_somewhere():
    cited = {m.group(2).lower() for md in CHAPTERS for m in _DOI_LINK.finditer(md.read_text(encoding="utf-8"))}
    uncited = [key for doi, (key, _) in _entries().items() if doi not in cited]
    assert not uncited, f"references.bib entries no chapter cites (the site's References page lists only cited ones): {uncited}"
