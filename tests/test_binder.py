"""What a Binder reader's launch button opens, checked without a server of our own.

- nbval (tests/nbval_run.py), which tests/test_book.py runs on every chapter
  the build executed, is shown here to fail when a fresh kernel's output
  differs from the recorded one, and to pass when only an address differs.
- Every page of the table of contents opens in JupyterLab as a notebook with
  a kernel: jupytext's contents manager (the one the Binder image's server
  uses; ``postBuild`` makes it the default viewer for Markdown) serves it as a
  notebook whose kernelspec is ``python3``.

The image itself is built with repo2docker and nbval run inside it by the
``binder`` job of .github/workflows/ci.yml.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

import nbval_run

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """A notebook whose code cells carry the given source and recorded stdout."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for n, (source, stdout) in enumerate(cells, 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=n)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stdout)]
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def test_nbval_fails_when_a_fresh_kernel_prints_something_else(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    same = _notebook(src / "same.ipynb", [("print(1 + 1)", "2\n"),
                                           ("print(object())", "<object object at 0x7f3a2b1c0d50>\n")])
    changed = _notebook(src / "changed.ipynb", [("print(1 + 1)", "2\n"), ("print(2 + 2)", "5\n")])
    code, out = nbval_run.run([same, changed], tmp_path / "run")
    assert code == 1, out
    assert "FAILED changed.ipynb::Cell 1" in out, out
    assert "same.ipynb" not in "".join(ln for ln in out.splitlines() if ln.startswith("FAILED")), out
    assert nbval_run.passed(out) == 3, out  # both cells of same.ipynb and the first of changed.ipynb


def pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return files


@pytest.mark.parametrize("page", pages())
def test_every_page_opens_as_a_notebook_with_a_kernel(page):
    from jupytext import TextFileContentsManager

    cm = TextFileContentsManager(root_dir=str(ROOT))
    model = cm.get(f"{page}.md", content=True, type="notebook")
    assert model["type"] == "notebook"
    spec = model["content"]["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3", f"{page}.md opens behind 'Select Kernel' (no kernelspec)"
