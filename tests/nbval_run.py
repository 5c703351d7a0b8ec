"""nbval on executed notebooks: run each again in a fresh kernel and compare the outputs.

Used by tests/test_book.py on the notebooks the book build leaves in
``_build/jupyter_execute`` (what the build executed and showed) and by
tests/test_binder.py on tiny hand-made notebooks (proving a difference fails).
Every code cell with outputs is compared (text, tables as HTML, printed
streams; images are not, nbval's default), after the substitutions of
``nbval_sanitize.cfg`` (addresses, paths, durations). A cell tagged
``nbval-ignore-output`` is run but not compared. The kernel starts in the
notebook's folder with no ``SSEKIT_CACHE_DIR`` (no disk cache), as a Binder
reader's does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SANITIZE = HERE / "nbval_sanitize.cfg"


#: not compared: warnings (the build hides them from the page) and glued values (myst-nb moves them out
#: of the executed notebook it writes, so the build's copy never has them; the page shows them inline)
CONFTEST = """
GLUE = "application/papermill.record/"
MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/svg+xml", "application/json")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",) + tuple(GLUE + m for m in MIMES)
"""


#: pytest started without ``rfc3987_syntax``: jsonschema imports it, when installed (jupyter-events wants it), only
#: to check "iri" formats, which no notebook schema uses, and building its grammar costs 1.4 s of CPU per process --
#: a fifth of a small chapter's run. Nothing nbval compares depends on it.
FAST_START = "import sys; sys.modules['rfc3987_syntax'] = None; import pytest; sys.exit(pytest.main(sys.argv[1:]))"


def compared_cells(nb: nbformat.NotebookNode) -> int:
    """Code cells whose outputs nbval compares (it runs every code cell)."""
    return sum(1 for c in nb.cells if c.cell_type == "code" and c.get("outputs")
               and "nbval-ignore-output" not in c.metadata.get("tags", [])
               and "nbval-skip" not in c.metadata.get("tags", []))


def run(notebooks: list[Path], workdir: Path, timeout: int = 1800) -> tuple[int, str]:
    """Run ``pytest --nbval`` on copies of ``notebooks`` in ``workdir``; returns (exit code, output).

    Warnings (``stderr``) and glued values are not compared (see ``CONFTEST``).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    copies = []
    for nb_path in notebooks:
        dest = workdir / nb_path.name
        dest.write_bytes(nb_path.read_bytes())
        copies.append(dest)
    (workdir / "pytest.ini").write_text("[pytest]\n")  # not this project's configuration (doctests, markers)
    (workdir / "conftest.py").write_text(CONFTEST)
    env = {k: v for k, v in os.environ.items() if k not in ("SSEKIT_CACHE_DIR", "PYTEST_ADDOPTS")}
    env.setdefault("OMP_NUM_THREADS", "1")
    # only nbval: the other installed plugins (hypothesis, xdist, regressions, ...) cost 1.3 CPU-s to load per process
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    cmd = [sys.executable, "-c", FAST_START, "-p", "nbval", "-q", "--color=no", "-p", "no:cacheprovider", "-c", str(workdir / "pytest.ini"),
           "--rootdir", str(workdir), "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE),
           "--nbval-cell-timeout", "600", *map(str, copies)]
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def passed(output: str) -> int:
    m = re.search(r"(\d+) passed", output)
    return int(m.group(1)) if m else 0
