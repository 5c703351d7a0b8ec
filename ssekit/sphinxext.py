"""Sphinx extension: write the claims scorecard as ``claims.json`` in the built site, and the bibliography style.

Enabled in ``_config.yml`` (``sphinx.extra_extensions``). It evaluates every
claim in the build process itself, with the same functions the chapters use,
so the file is always as fresh as the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _write_claims(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from .claims import to_json

    Path(app.outdir, "claims.json").write_text(to_json() + "\n", encoding="utf-8")


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
                people = entry.persons.get("author", [])
                first = " ".join(people[0].last_names) if people else entry.key
                etal = " et al." if len(people) > 1 else ""
                yield f"{first}{etal} {entry.fields.get('year', '')}".strip()

    class AuthorYearStyle(UnsrtStyle):
        default_label_style = "ssekit-author-year"
        default_sorting_style = "author_year_title"

        def format_name(self, person, abbr=False):
            if str(person) == "others":
                return Text("et al.")
            return super().format_name(person, abbr)

    register_plugin("pybtex.style.labels", "ssekit-author-year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "ssekit", AuthorYearStyle)


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    _register_bibliography_style()
    app.connect("build-finished", _write_claims)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
