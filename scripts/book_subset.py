#!/usr/bin/env python3
"""Write a table of contents and configuration that build only some chapters.

    python scripts/book_subset.py OUTDIR CHAPTER [CHAPTER ...]

Prints ``--toc OUTDIR/_toc.yml --config OUTDIR/_config.yml`` for
``jupyter-book build``. The table of contents holds the named chapters and
the references page (so citations resolve); the configuration is the
book's own with one difference: links to chapters left out of this build are
not warnings (the whole-book build, ``scripts/book``, checks them). Used by
``scripts/book --chapter`` and tests/test_book.py (``SSEKIT_CHAPTERS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out, chapters = Path(argv[0]), argv[1:]
    known = {p.stem for p in (ROOT / "book").glob("*.md")}
    unknown = [c for c in chapters if c not in known]
    if unknown:
        print(f"book: no chapter {', '.join(unknown)} in book/ (one of: {', '.join(sorted(known))})", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    rest = [c for c in chapters[1:]] + ([] if "references" in chapters else ["references"])
    toc = {"format": "jb-book", "root": f"book/{chapters[0]}",
           "chapters": [{"file": f"book/{c}"} for c in rest]}
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = cfg.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["suppress_warnings"] = list(sphinx.get("suppress_warnings", [])) + ["myst.xref_missing", "ref.doc",
                                                                                "ref.ref", "ref.any"]
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (out / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    print(f"--toc {out / '_toc.yml'} --config {out / '_config.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
