"""pytest: run every chapter of the book through nbval.

Chapters are MyST text notebooks (one source of truth). For each
``book/*.md`` with a jupytext header, a notebook is written to
``_build/nbval/`` and collected by nbval (``--nbval-lax`` in pyproject.toml:
every cell must run without error; cells tagged ``nbval-check-output`` must
also print exactly their reference output). Reference outputs live in
``tests/reference/chapters/<chapter>.json``; regenerate them on purpose with
``python scripts/record_references.py --chapters``.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent
BOOK = ROOT / "book"
REF_DIR = ROOT / "tests" / "reference" / "chapters"
NB_DIR = ROOT / "_build" / "nbval"
CHECK_TAG = "nbval-check-output"


def is_notebook(path: Path) -> bool:
    return path.suffix == ".md" and path.read_text(encoding="utf-8").startswith("---\njupytext:")


def checked_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and CHECK_TAG in c.metadata.get("tags", [])]


def chapter_with_references(md: Path) -> nbformat.NotebookNode:
    """The chapter as a notebook, its checked cells carrying the reference outputs."""
    nb = jupytext.read(md, fmt="myst")
    cells = checked_cells(nb)
    ref_file = REF_DIR / f"{md.stem}.json"
    refs = json.loads(ref_file.read_text(encoding="utf-8")) if ref_file.exists() else None
    if cells and (refs is None or len(refs) != len(cells)):
        raise pytest.UsageError(
            f"{md.name}: {len(cells)} cells tagged {CHECK_TAG} but "
            f"{'no reference file' if refs is None else f'{len(refs)} reference outputs'} in {ref_file}; "
            "run: python scripts/record_references.py --chapters"
        )
    for cell, text in zip(cells, refs or []):
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        cell.execution_count = 1
    return nb


def pytest_collect_file(file_path: Path, parent):
    if file_path.parent != BOOK or not is_notebook(file_path):
        return None
    from nbval.plugin import IPyNbFile

    NB_DIR.mkdir(parents=True, exist_ok=True)
    out = NB_DIR / f"{file_path.stem}.ipynb"
    nbformat.write(chapter_with_references(file_path), out)
    return IPyNbFile.from_parent(parent, path=out)
