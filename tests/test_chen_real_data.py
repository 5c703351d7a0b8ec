"""Supplying a Table S1-shaped XLSX switches every Chen chapter to it, with no code change.

The fixture is a 110-film table in the paper's layout (headers as a reader
would type them), generated from the surrogate with another seed so that it
differs from the default data. The chapters are executed with
SSEKIT_CHEN_TABLE_S1 pointing at it.
"""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from ssekit import claims
from ssekit.chen2021 import films

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("chen2021_*.md"))
HEADERS = {
    "P_pct": "P%", "LS_uL_per_mg": "L:S (uL/mg)", "XB_vol_pct": "X:B (vol%)", "thickness_um": "Thickness (um)",
    "density_g_per_cm3": "Density (g/cm3)", "resistance_ohm": "Ohmic resistance (ohm)",
    "sigma_S_per_cm": "Normalized conductivity (S/cm)", "DoT_um": "DoT (um)", "RD": "RD",
}


@pytest.fixture(scope="session")
def table_s1(tmp_path_factory) -> Path:
    """One file for every pytest-xdist worker (the first to link it wins), so results on it are cached once."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "chen-table-s1"
    folder.mkdir(exist_ok=True)
    path = folder / "TableS1.xlsx"
    if not path.exists():
        tmp = folder / f".TableS1-{os.getpid()}.xlsx"
        films.make_surrogate(seed=7).rename(columns=HEADERS).to_excel(tmp, index=False)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        tmp.unlink()
    return path


def test_claims_become_real_data_claims(table_s1, monkeypatch):
    monkeypatch.setenv(films.ENV_VAR, str(table_s1))
    # evaluate() memoises per process, keyed by the supplied table too: no memo to clear
    results = [r for r in claims.evaluate_all("chen2021") if r.data != "paper inputs"]
    assert results and all(r.data == "paper data" for r in results)
    # no generator to knock out on the paper's data: informative verdicts, or uninformative ones, never surrogate
    assert all(r.status in ("reproduced", "differs", "uninformative") for r in results)
    assert not any(r.knockouts for r in results)
    monkeypatch.delenv(films.ENV_VAR)
    assert all(r.status in ("surrogate", "by construction", "uninformative")
               for r in claims.evaluate_all("chen2021") if r.data != "paper inputs")


@pytest.mark.book
def test_every_chapter_runs_on_the_supplied_table(table_s1):
    """Every Chen chapter, executed on the supplied table, shows it as the paper's data.

    The chapters run one after another in one kernel, each from an empty namespace (``%reset -f``: a name a
    chapter does not define itself is an error). The process is not fresh: loaded modules, ssekit's content-keyed
    memos, warning filters and matplotlib settings carry over, which is what makes four chapters cost about one and
    a half. A chapter that needed an earlier one's side effect would pass here; nbval runs each chapter alone, in
    its own fresh kernel, on the default data.
    """
    import nbformat

    books = {c: jupytext.read(ROOT / "book" / f"{c}.md", fmt="myst") for c in CHAPTERS}
    whole = nbformat.v4.new_notebook(metadata=books[CHAPTERS[0]].metadata)
    spans = {}
    for chapter, nb in books.items():
        whole.cells.append(nbformat.v4.new_code_cell("%reset -f"))
        start = len(whole.cells)
        whole.cells.extend(nb.cells)
        spans[chapter] = (start, len(whole.cells))
    env = dict(os.environ, **{films.ENV_VAR: str(table_s1)})
    old = os.environ.get(films.ENV_VAR)
    os.environ[films.ENV_VAR] = str(table_s1)  # the kernel inherits the environment
    try:
        NotebookClient(whole, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "book")}}).execute(env=env)
    finally:
        if old is None:
            os.environ.pop(films.ENV_VAR, None)
        else:
            os.environ[films.ENV_VAR] = old
    bannered = []
    for chapter, (a, b) in spans.items():
        cells = whole.cells[a:b]
        text = "".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
                       for c in cells if c.cell_type == "code" for o in c.outputs)
        if "banner_html" in "".join(c.source for c in cells):
            bannered.append(chapter)
            assert "REAL DATA" in text and "TableS1.xlsx" in text and "SURROGATE DATA" not in text, chapter
    assert bannered, "no Chen chapter shows a data banner"
