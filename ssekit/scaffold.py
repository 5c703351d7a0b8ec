"""Add a paper in one step: the package, chapter, registry rows, toc entry and bibliography stub.

``scripts/new-paper KEY --short "Smith et al. 2024" --citation "..." --doi 10.x/y``
calls :func:`new_paper`. It writes

- ``ssekit/KEY/``: ``__init__.py``, ``analysis.py`` (one example claim with its
  inputs and null), ``claims.toml``, ``deviations.toml``, ``inputs.csv`` (the
  paper's printed inputs, one cited row per number), ``inventory.csv`` (every
  checkable statement of the paper and the claim that checks it, or why not);
- ``book/KEY.md``: a chapter with overview, prerequisites, the claim section,
  the deviations table and a summary;
- an entry in ``ssekit/data/papers.toml`` (the one list of papers: the command
  line, the tests, the intro and the scorecard read it), rows in
  ``ssekit/data/registry.csv`` with checksums, a part in ``_toc.yml`` and a
  stub in ``references.bib``.

After it, the author edits only files it made (the three files of the package,
the chapter, the bibliography stub) and records the new references
(``scripts/test --force-regen -k KEY`` for the claims, and the scorecard and
intro chapters, whose counts change).

Examples
--------
>>> valid_key("smith2024"), valid_key("Smith-2024")
(True, False)
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

from .data.shipped import sha256
from .errors import InputError

__all__ = ["valid_key", "new_paper"]

_KEY = re.compile(r"^[a-z]+[0-9]{4}[a-z]?$")


def valid_key(key: str) -> bool:
    """Whether ``key`` is a paper key: first author's surname in lower case and the year (``smith2024``)."""
    return bool(_KEY.match(key))


_INIT = '''"""{short}, {citation} (doi:{doi}).

- :mod:`.analysis` -- the claims' inputs, compute functions and nulls
- ``claims.toml``, ``deviations.toml``, ``inputs.csv``
"""

from . import analysis

__all__ = ["analysis"]
'''

_ANALYSIS = '''"""Compute functions for the claims of {short} (doi:{doi}).

Each claim's ``inputs`` function returns what it computes from; its
``compute`` function takes those inputs and returns a
:class:`ssekit.claims.Reproduction` with the data kind; where an effect can be
removed from the inputs, a ``null`` function does so (see :mod:`ssekit.claims`).

Examples
--------
>>> claim_example(inputs()).value
2.0
"""

from __future__ import annotations

from ..claims import Reproduction
from ..data import load_parameters

__all__ = ["inputs", "claim_example"]


def inputs():
    """The paper's printed inputs (``{key}/inputs.csv``), one cited row per number."""
    return load_parameters("{key}/inputs.csv")


def claim_example(p) -> Reproduction:
    """Example: a quantity the paper derives from two of its printed inputs (replace with the paper's own)."""
    value = p.get_value("example_a", "1") * p.get_value("example_b", "1")
    return Reproduction(value, data="paper inputs", note="example_a x example_b, both as the paper prints them")
'''

_CLAIMS = '''# Claims of {short} (doi:{doi}) that the book checks.
# Fields: see ssekit.claims. reported_where quotes the passage that prints the value.

[[claim]]
id = "{key}.example.product"
paper = "{key}"
where = "Sec. 1"
quantity = "example quantity (replace)"
kind = "value"
reported = 2.0
reported_where = "Sec. 1: 'replace with the passage that prints the value'"
unit = ""
rule = "rel"
tolerance = 0.05
inputs = "ssekit.{key}.analysis:inputs"
compute = "ssekit.{key}.analysis:claim_example"
null = "none"
null_description = "arithmetic on the paper's printed inputs: nothing random or fitted to remove"
chapter = "{key}"
anchor = "{key}-claims"
'''

_DEVIATIONS = '''# Every way the book's method differs from {short}'s text (read by ssekit.claims).
# One [[deviation]] per difference: id, where, paper_method, book_method, why, effect, chapter.
'''

_INPUTS = '''name,value,unit,source,note
example_a,1.0,1,"{short}, Sec. 1",replace with a number the paper prints
example_b,2.0,1,"{short}, Sec. 1",replace with a number the paper prints
'''

_INVENTORY = '''item,line,where,statement,kind,checkable,handling
{key}.001,1,Sec. 1,example: a quantity derived from two printed inputs (replace),number,yes,{key}.example.product
'''

_CHAPTER = '''---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {short}

## Overview

What this chapter reproduces from [{short}](https://doi.org/{doi}), and how.

**Prerequisites:** the [scorecard](scorecard.md) defines the status words.

```{{code-cell}} ipython3
from ssekit import claims

claims.headline_html("{key}", "{key}")
```

({key}-claims)=
## The claims

```{{code-cell}} ipython3
claims.check_section("{key}-claims")
```

## Deviations from the paper's method

```{{code-cell}} ipython3
claims.deviations_table("{key}")
```

## Summary

What agrees, what does not, and why.
'''


def _append_registry(root: Path, key: str, short: str, citation: str, doi: str) -> None:
    reg = root / "ssekit" / "data" / "registry.csv"
    with open(reg, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    pkg = root / "ssekit"
    new = [
        (f"{key}/claims", f"{key}/claims.toml", "claims", "MIT", f"claims of {short} that the book checks", ""),
        (f"{key}/deviations", f"{key}/deviations.toml", "deviations", "MIT",
         f"ways the book's method differs from {short}", ""),
        (f"{key}/inputs", f"{key}/inputs.csv", "parameters", "facts from the paper (transcribed)",
         f"inputs {short} prints", "2"),
        (f"{key}/inventory", f"{key}/inventory.csv", "inventory", "MIT",
         f"every checkable statement of {short} and how the book handles it", "1"),
    ]
    for name, file, kind, licence, desc, n in new:
        rows.append({f: "" for f in fields} | {"name": name, "file": file, "kind": kind, "licence": licence,
                                               "citation": citation, "doi": doi, "description": desc,
                                               "sha256": sha256(pkg / file), "rows": n})
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    reg.write_text(buf.getvalue(), encoding="utf-8")


def _refresh_papers_checksum(root: Path) -> None:
    reg = root / "ssekit" / "data" / "registry.csv"
    with open(reg, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    for r in rows:
        if r["file"] == "data/papers.toml":
            r["sha256"] = sha256(root / "ssekit" / r["file"])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    reg.write_text(buf.getvalue(), encoding="utf-8")


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_paper(key: str, root: Path | str, short: str, citation: str, doi: str) -> list[Path]:
    """Scaffold a new paper in the repository at ``root``; the files written or changed.

    Raises
    ------
    InputError
        For a key that is not ``surnameYYYY``, or one already in ``papers.toml``.
    """
    root = Path(root)
    if not valid_key(key):
        raise InputError(f"paper key {key!r}: use the first author's surname in lower case and the year, "
                         "e.g. smith2024")
    papers_toml = root / "ssekit" / "data" / "papers.toml"
    if not papers_toml.is_file() or not (root / "book").is_dir() or not (root / "_toc.yml").is_file():
        raise InputError(f"{root}: not an ssekit repository (needs ssekit/data/papers.toml, book/ and _toc.yml); "
                         "run from the repository root or pass --root")
    with open(papers_toml, "rb") as fh:
        if key in tomllib.load(fh):
            raise InputError(f"paper key {key!r} is already in {papers_toml}")
    pkg = root / "ssekit" / key
    if pkg.exists() or (root / "book" / f"{key}.md").exists():
        raise InputError(f"{pkg} or book/{key}.md exists already")
    fill = dict(key=key, short=short, citation=citation, doi=doi)
    pkg.mkdir()
    files = {
        pkg / "__init__.py": _INIT, pkg / "analysis.py": _ANALYSIS, pkg / "claims.toml": _CLAIMS,
        pkg / "deviations.toml": _DEVIATIONS, pkg / "inputs.csv": _INPUTS, pkg / "inventory.csv": _INVENTORY,
        root / "book" / f"{key}.md": _CHAPTER,
    }
    for path, template in files.items():
        path.write_text(template.format(**fill), encoding="utf-8")
    with open(papers_toml, "a", encoding="utf-8") as fh:
        fh.write(f"\n[{key}]\nshort = {_toml_str(short)}\ncitation = {_toml_str(citation)}\ndoi = {_toml_str(doi)}\n"
                 f'chapters = ["{key}"]\n')
    _refresh_papers_checksum(root)
    _append_registry(root, key, short, citation, doi)
    toc = root / "_toc.yml"
    text = toc.read_text(encoding="utf-8")
    part = f"  - caption: {short}\n    chapters:\n      - file: book/{key}\n"
    marker = "  - caption: Checking the claims\n"
    text = text.replace(marker, part + marker) if marker in text else text + part
    toc.write_text(text, encoding="utf-8")
    bib = root / "references.bib"
    author = short.split()[0]
    year = key[-4:] if key[-1].isdigit() else key[-5:-1]
    bib.write_text(bib.read_text(encoding="utf-8").rstrip("\n") + "\n"
                   f"@article{{{key},\n  author = {{{author} and others}},\n  title = {{{citation}}},\n"
                   f"  year = {{{year}}},\n  doi = {{{doi}}}\n}}\n", encoding="utf-8")
    return [*files, papers_toml, root / "ssekit" / "data" / "registry.csv", toc, bib]


def _main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    ap = argparse.ArgumentParser(prog="scripts/new-paper", description="Add a paper to the book in one step.")
    ap.add_argument("key", help="first author's surname in lower case and the year, e.g. smith2024")
    ap.add_argument("--short", required=True, help='e.g. "Smith et al. 2024"')
    ap.add_argument("--citation", required=True, help="full citation as the scorecard prints it")
    ap.add_argument("--doi", required=True)
    ap.add_argument("--root", default=".", help="repository root (default: here)")
    a = ap.parse_args(argv)
    try:
        written = new_paper(a.key, a.root, a.short, a.citation, a.doi)
    except InputError as exc:
        print(f"new-paper: {exc}", file=sys.stderr)
        return 2
    print("wrote or changed:\n  " + "\n  ".join(str(p) for p in written))
    print(f"next: edit ssekit/{a.key}/ (claims.toml, analysis.py, inputs.csv, deviations.toml), book/{a.key}.md and "
          f"its references.bib entry; run python scripts/register_data.py after editing a shipped file; then "
          f"scripts/test --force-regen -k '{a.key} or scorecard or intro' to record the new references, and "
          f"scripts/test --chapter {a.key} to check the chapter")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
