"""Sphinx extension for the Jupyter Book v1 build: ``claims.json``, the ``{eval}`` role, citations, the bibliography style.

Enabled in ``_config.yml`` (``sphinx.extra_extensions``); together with
``_config.yml``, ``_toc.yml`` and ``references.bib`` it is the only piece that
knows about Jupyter Book v1.

- At the end of an HTML build it writes ``claims.json`` from the scorecard
  chapter's own output in this build, so the file is exactly what the
  scorecard page shows and no claim is evaluated twice.
- It rewrites links that chapter outputs make to ``chapter.md`` (which JupyterLab
  opens in the reader's Binder session) into links to ``chapter.html``.
- It makes the MyST inline-expression role ``{eval}`n.key``` paste the text
  the chapter glued under ``"n.key"`` (see :mod:`ssekit.prose`). myst-nb's
  own ``{eval}`` needs its inline execution mode (a kernel at render time,
  no execution cache); this one reads the executed, cached notebook, so a
  warm rebuild re-executes nothing, while jupyterlab-myst evaluates the
  same expression in the reader's kernel.
- It turns a Markdown link to the DOI of a ``references.bib`` entry, written
  with that entry's author-year label
  (``[Chen et al. 2021](https://doi.org/10.1021/acsenergylett.1c00332)``),
  into the citation ``{cite:t}`chen2021``` before the page is parsed. The
  chapters cite this way because jupyterlab-myst (2.7) resolves no
  bibliography: a ``{cite}`` role shows there as its bare key with an error
  mark, while the link reads as the same author-year text and opens the
  paper. A DOI link whose text is not the entry's label is a build warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_EXPRESSION = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$")


def _write_claims(app: Any, exception: Exception | None) -> None:
    """Write ``claims.json`` from what the scorecard chapter computed in this build (no second evaluation).

    The scorecard notebook displays the JSON under :data:`ssekit.claims.CLAIMS_MIME`
    in a removed cell; a build without the scorecard page (one chapter) writes no
    ``claims.json``.
    """
    if exception is not None or app.builder.format != "html":
        return
    import json

    from .claims import CLAIMS_MIME

    executed = Path(app.outdir).parent / "jupyter_execute" / "book" / "scorecard.ipynb"
    if "book/scorecard" not in app.env.found_docs or not executed.is_file():
        return
    nb = json.loads(executed.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get(CLAIMS_MIME)
            if text:
                text = "".join(text) if isinstance(text, list) else text
                Path(app.outdir, "claims.json").write_text(text.rstrip("\n") + "\n", encoding="utf-8")
                return
    raise RuntimeError(f"{executed} has no {CLAIMS_MIME} output: the scorecard chapter must display claims.to_json() "
                       "(a page re-read from the execution cache also loses its outputs, executablebooks/MyST-NB#617: "
                       "build again with scripts/book --all)")


def author_year(entry: Any) -> str:
    """The author-year label of a pybtex entry: 'Chen et al. 2021' (one author: 'Chen 2021')."""
    people = entry.persons.get("author", [])
    first = " ".join(people[0].last_names) if people else entry.key
    etal = " et al." if len(people) > 1 else ""
    return f"{first}{etal} {entry.fields.get('year', '')}".strip()


_DOI_LINK = re.compile(r"\[([^\]\n]+)\]\(https://doi\.org/(10\.[^)\s]+)\)")
_CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```[ \t]*$", re.M | re.S)


def doi_citations(text: str, entries: dict[str, tuple[str, str]]) -> tuple[str, list[str]]:
    """``text`` with DOI links to bibliography entries made ``{cite:t}`` roles, and the mismatched link texts.

    ``entries`` maps a lower-case DOI to ``(key, author-year label)``; code cells are left alone.

    >>> doi_citations("[Chen et al. 2021](https://doi.org/10.1/X) made", {"10.1/x": ("chen2021", "Chen et al. 2021")})
    ('{cite:t}`chen2021` made', [])
    """
    problems: list[str] = []

    def cite(m: re.Match) -> str:
        hit = entries.get(m.group(2).lower())
        if hit is None:
            return m.group(0)
        key, label = hit
        if m.group(1).strip() != label:
            problems.append(f"link text {m.group(1)!r} for the DOI of {key} should be its label {label!r}")
        return f"{{cite:t}}`{key}`"

    out, last = [], 0
    for block in _CODE_CELL.finditer(text):
        out += [_DOI_LINK.sub(cite, text[last:block.start()]), block.group(0)]
        last = block.end()
    out.append(_DOI_LINK.sub(cite, text[last:]))
    return "".join(out), problems


def _bib_entries(app: Any) -> dict[str, tuple[str, str]]:
    """Lower-case DOI -> (key, author-year label) for the entries of the book's ``.bib`` files."""
    from pybtex.database import parse_file

    entries: dict[str, tuple[str, str]] = {}
    for name in app.config.bibtex_bibfiles:
        for key, entry in parse_file(str(Path(app.srcdir, name)), bib_format="bibtex").entries.items():
            if "doi" in entry.fields:
                entries[entry.fields["doi"].lower()] = (key, author_year(entry))
    return entries


def _cite_doi_links(app: Any, docname: str, source: list[str]) -> None:
    """``source-read``: DOI links to bibliography entries become citations (see the module's docstring)."""
    from sphinx.util import logging

    text, problems = doi_citations(source[0], _bib_entries(app))
    source[0] = text
    for problem in problems:
        logging.getLogger(__name__).warning(problem, location=docname)


def _register_bibliography_style() -> None:
    """An author-year bibliography ('Chen et al. 2021'), matching the author-year citations in the text.

    BibTeX's ``and others`` prints as 'et al.' instead of a literal 'others'.
    """
    from pybtex.plugin import register_plugin
    from pybtex.richtext import Text
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield author_year(entry)

    class AuthorYearStyle(UnsrtStyle):
        default_label_style = "ssekit-author-year"
        default_sorting_style = "author_year_title"

        def format_name(self, person, abbr=False):
            if str(person) == "others":
                return Text("et al.")
            return super().format_name(person, abbr)

    register_plugin("pybtex.style.labels", "ssekit-author-year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "ssekit", AuthorYearStyle)


def bibliography_markdown(bibfile: str | Path | None = None) -> str:
    """The bibliography as a Markdown list in the site's style, for JupyterLab (the References page's lab-only cell).

    jupyterlab-myst does not render the ``{bibliography}`` directive; this is
    the same list, from ``references.bib`` at the repository root by default.
    """
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    _register_bibliography_style()
    path = Path(bibfile) if bibfile else Path(__file__).resolve().parents[1] / "references.bib"
    style = find_plugin("pybtex.style.formatting", "ssekit")()
    formatted = style.format_bibliography(parse_file(str(path), bib_format="bibtex"))
    return "\n".join(f"- **{e.label}**. " + " ".join(e.text.render_as("markdown").split()) for e in formatted.entries)


def _eval_role():
    from myst_nb.ext.glue.roles import PasteTextRole
    from myst_nb.ext.glue.utils import glue_warning

    class GluedExpressionRole(PasteTextRole):
        """``{eval}`n.key```: paste the text glued under ``"n.key"`` in this notebook."""

        def run(self):
            if not _EXPRESSION.match(self.text):
                return [], [glue_warning(f"{{eval}} expressions must be '<Numbers>.<name>' (see ssekit.prose), "
                                         f"got {self.text!r}", self.document, self.line)]
            return super().run()

    return GluedExpressionRole()


def _register_eval(app: Any, config: Any) -> None:
    # after every extension's setup, so that this replaces myst-nb's inline-mode role
    app.add_role("eval", _eval_role(), override=True)


def _rewrite_chapter_links(app: Any, exception: Exception | None) -> None:
    """Links that chapter outputs write to ``chapter.md`` (what JupyterLab opens) point to ``chapter.html`` in the site."""
    if exception is not None or app.builder.format != "html":
        return
    chapters = {d.split("/")[-1] for d in app.env.found_docs if d.startswith("book/")}
    pattern = re.compile(r'href="(' + "|".join(map(re.escape, sorted(chapters))) + r')\.md(#[^"]*)?"')
    for page in Path(app.outdir, "book").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = pattern.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    _register_bibliography_style()
    app.connect("build-finished", _write_claims)
    app.connect("build-finished", _rewrite_chapter_links)
    app.connect("config-inited", _register_eval)
    app.connect("source-read", _cite_doi_links)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
