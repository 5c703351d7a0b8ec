"""The recipe for a new paper, run end to end on a throw-away paper in a temporary copy of the repository.

``scripts/new-paper`` scaffolds it; the "author" then edits only files the
scaffold made (a value claim and a trend claim with a null), and the
paper's tests, the claim contract, the registry check and its chapter pass.
So the README's recipe cannot drift from what the code needs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEY = "tester2099"

ANALYSIS_ADDITION = '''

def trend_inputs():
    """Two measured series: y rises with x."""
    return {"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "y": [1.1, 1.9, 3.2, 3.9, 5.1, 6.2]}


def claim_rises(inp) -> Reproduction:
    """y rises with x (Spearman rank correlation above 0.8)."""
    import numpy as np
    from scipy.stats import spearmanr

    return Reproduction(bool(spearmanr(np.asarray(inp["x"]), np.asarray(inp["y"]))[0] > 0.8), data="substitute data")


def null_shuffle(inp, rng):
    """y shuffled against x."""
    return {"x": inp["x"], "y": list(rng.permutation(inp["y"]))}
'''

CLAIM_ADDITION = f'''
[[claim]]
id = "{KEY}.trend.rises"
paper = "{KEY}"
where = "Fig. 1"
quantity = "y rises with x"
kind = "trend"
reported = true
reported_where = "Fig. 1: 'y rises with x'"
unit = ""
rule = "equal"
inputs = "ssekit.{KEY}.analysis:trend_inputs"
compute = "ssekit.{KEY}.analysis:claim_rises"
null = "ssekit.{KEY}.analysis:null_shuffle"
null_description = "y shuffled against x"
null_draws = 100
chapter = "{KEY}"
anchor = "{KEY}-claims"
'''


def _run(cmd, cwd, env):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("repo") / "ssekit-copy"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for f in files:
        src = ROOT / f
        if src.is_file():
            (dst / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / f)
    subprocess.run(["git", "init", "-q"], cwd=dst, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dst, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"], cwd=dst, check=True)
    return dst


def test_a_new_paper_in_one_step(copy):
    env = {**os.environ, "PYTHONPATH": str(copy), "OMP_NUM_THREADS": "1"}
    env.pop("SSEKIT_CACHE_DIR", None)
    py = sys.executable
    made = _run([py, "-m", "ssekit.scaffold", KEY, "--short", "Tester et al. 2099", "--citation",
                 "A. Tester, B. Tester, A Throw-away Paper, J. Tests 2099, 1, 1", "--doi", "10.0000/test"], copy, env)
    assert made.returncode == 0, made.stderr
    probe = _run([py, "-c", "import ssekit; print(ssekit.__file__)"], copy, env)
    assert probe.stdout.strip().startswith(str(copy)), probe.stdout  # the copy's ssekit, not the checkout's
    created = set(_run(["git", "status", "--porcelain", "-uall"], copy, env).stdout.split("\n"))
    created = {line[3:] for line in created if line}
    assert {f"ssekit/{KEY}/claims.toml", f"book/{KEY}.md", "ssekit/data/papers.toml", "_toc.yml"} <= created
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "scaffold"], cwd=copy,
                   check=True)
    # the author's edits: a trend claim with a null, in files the scaffold made
    with open(copy / "ssekit" / KEY / "analysis.py", "a", encoding="utf-8") as fh:
        fh.write(ANALYSIS_ADDITION)
    with open(copy / "ssekit" / KEY / "claims.toml", "a", encoding="utf-8") as fh:
        fh.write(CLAIM_ADDITION)
    with open(copy / "ssekit" / KEY / "inventory.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{KEY}.002,2,Fig. 1,y rises with x,trend,yes,{KEY}.trend.rises\n")
    reg = _run([py, "scripts/register_data.py"], copy, env)
    assert reg.returncode == 0, reg.stderr
    touched = {line[3:] for line in _run(["git", "status", "--porcelain", "-uall"], copy, env).stdout.split("\n")
               if line}
    assert touched <= {f"ssekit/{KEY}/analysis.py", f"ssekit/{KEY}/claims.toml", f"ssekit/{KEY}/inventory.csv",
                       "ssekit/data/registry.csv"}, touched
    # the paper's checks pass: contract, drift reference (recorded, then compared), rules, links, API shape, data
    select = (f"{KEY} or every_claim_is_well_formed or every_claim_is_shown or chapters_check_only or "
              "general_modules_never")
    tests = ["tests/test_claims.py", "tests/test_claims_contract.py", "tests/test_api.py"]
    regen = _run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, "-k", select, "--force-regen"], copy, env)
    assert (copy / "tests" / "test_claims" / f"{KEY}.yml").is_file(), regen.stdout[-3000:]
    check = _run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, "-k", select], copy, env)
    assert check.returncode == 0, check.stdout[-3000:]
    data = _run([py, "-m", "ssekit", "data"], copy, env)
    assert data.returncode == 0, data.stdout[-2000:] + data.stderr
    from ssekit.claims import registry  # noqa: F401  (the checkout's engine is untouched by the copy)

    # its chapter executes
    nb = _run([py, "-m", "jupytext", "--to", "ipynb", "--execute", "--output", str(copy / "out.ipynb"),
               f"book/{KEY}.md"], copy, env)
    assert nb.returncode == 0, nb.stderr[-3000:]
    assert "2 of 2 informative claims checkable here reproduced" in (copy / "out.ipynb").read_text()
