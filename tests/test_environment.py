"""One list of versions: the lock CI installs is what Binder and conda users get.

- ``requirements-lock.txt`` (made by ``scripts/lock``; the README's commands
  and CI install exactly it) satisfies every requirement of ``pyproject.toml``
  and is closed: the environment it makes holds nothing else.
- ``environment.yml`` at the root (conda users and Binder's repo2docker) asks
  conda for Python and pip only, and pip for exactly the lock and ssekit; no
  second Binder configuration exists (repo2docker would read ``.binder/`` and
  ignore the root), and ``postBuild`` stops the image build on any error.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
#: installed by venv/conda themselves, or the project (editable), not by the lock
NOT_LOCKED = {"pip", "setuptools", "wheel", "ssekit"}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def lock() -> dict[str, str]:
    """PyPI name -> exact version, from requirements-lock.txt."""
    out = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
            assert m, f"requirements-lock.txt: not an exact pin: {line!r}"
            out[canonicalize_name(m.group(1))] = m.group(2)
    return out


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_lock_satisfies_pyproject():
    pinned = lock()
    proj = _project()
    reqs = [Requirement(r) for r in proj["dependencies"]]
    for extra in proj["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    for req in reqs:
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req} is not in requirements-lock.txt: run scripts/lock"
        assert req.specifier.contains(pinned[name], prereleases=True), \
            f"lock pins {name}=={pinned[name]}, outside pyproject's {req}: run scripts/lock"


def test_environment_yml_installs_exactly_the_lock_and_ssekit():
    """conda: Python (CI's version) and pip, nothing else; pip: the lock and the project."""
    env = environment()
    assert env["channels"][0] == "conda-forge"
    conda = [d for d in env["dependencies"] if not isinstance(d, dict)]
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert conda == ["python=3.11", "pip"], conda
    assert pip == [["-r requirements-lock.txt", "-e ."]], pip
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert 'python-version: "3.11"' in workflow, "CI's Python differs from environment.yml's"


def test_installed_packages_are_exactly_the_lock():
    """The environment running this test (CI's .venv, or the Binder image in CI's binder job)
    holds every locked package at its locked version and nothing unlocked; run in both, this
    proves Binder's package set equals CI's."""
    pinned = lock()
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    missing = {n: v for n, v in pinned.items() if installed.get(n) != v}
    assert not missing, f"locked but not installed at the lock's version: {missing}"
    extra = sorted(set(installed) - set(pinned) - NOT_LOCKED)
    if os.environ.get("REPO_DIR"):  # a repo2docker image: its base environment adds its own server packages
        return
    assert not extra, f"installed but not in the lock (run scripts/lock): {extra}"


def test_postbuild_fails_on_any_error_and_opens_markdown_as_notebooks():
    path = ROOT / "postBuild"
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text, "postBuild must stop the image build on any error"
    assert re.search(r"jupytext-config set-default-viewer .*\bmarkdown\b", text)
    assert path.stat().st_mode & stat.S_IXUSR, "postBuild must be executable"
    assert "pip install" not in text, "ssekit comes from environment.yml, not a second install"


def test_one_binder_configuration():
    """repo2docker reads binder/ or .binder/ when present and then ignores the root files."""
    for folder in ("binder", ".binder"):
        assert not (ROOT / folder).exists(), f"{folder}/ would hide the root environment.yml from repo2docker"
    for name in ("requirements.txt", "runtime.txt", "apt.txt", "environment.yaml"):
        assert not (ROOT / name).exists(), f"{name} at the root is a second environment description"
