"""The three places that name versions agree: pyproject.toml, the lock CI installs, and Binder's environment.

- ``requirements-lock.txt`` (made by ``scripts/lock``; the README's commands
  and CI install exactly it) satisfies every requirement of ``pyproject.toml``.
- ``.binder/environment.yml`` holds exactly what a reader needs (ssekit's
  dependencies and its ``binder`` extra, nothing of the book builder or the
  tests), each pinned to the lock's version: conda packages as
  ``name=version`` (conda-forge names mapped to PyPI's), PyPI-only ones in its
  ``pip:`` list as ``name==version``.

The conda side is checked by names and versions only; no conda solve runs here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / ".binder"

#: conda-forge name -> PyPI name, where they differ
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


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


def binder_environment() -> tuple[dict[str, str], dict[str, str], dict]:
    """(conda packages as PyPI name -> version, pip packages -> version, the parsed file)."""
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for req in dep["pip"]:
                m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", req)
                assert m, f"pip entry not pinned exactly: {req!r}"
                pip[canonicalize_name(m.group(1))] = m.group(2)
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:=(\S+))?", dep)
        assert m, f"conda entry not 'name=version': {dep!r}"
        name, version = m.group(1), m.group(2)
        if name in ("python", "pip"):
            continue
        assert version and "*" not in version and not version.startswith("="), f"conda entry not pinned exactly: {dep!r}"
        conda[canonicalize_name(CONDA_TO_PYPI.get(name, name))] = version
    return conda, pip, env


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


def test_binder_versions_equal_the_lock():
    pinned = lock()
    conda, pip, _ = binder_environment()
    for name, version in {**conda, **pip}.items():
        assert name in pinned, f".binder/environment.yml has {name}, which the lock (CI) does not"
        assert version == pinned[name], f".binder/environment.yml has {name} {version}, CI tests {pinned[name]}"


def test_binder_holds_exactly_what_a_reader_needs():
    proj = _project()
    reader = {canonicalize_name(Requirement(r).name) for r in proj["dependencies"] + proj["optional-dependencies"]["binder"]}
    conda, pip, _ = binder_environment()
    assert not set(conda) & set(pip), "a package is both in conda's and pip's list"
    assert set(conda) | set(pip) == reader, (
        f"missing from Binder: {sorted(reader - set(conda) - set(pip))}; "
        f"not needed by a reader: {sorted(set(conda) | set(pip) - reader)}")


def test_binder_python_is_ci_python():
    _, _, env = binder_environment()
    assert "python=3.11" in env["dependencies"]
    assert env["channels"][0] == "conda-forge"
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert 'python-version: "3.11"' in workflow


def test_postbuild_installs_ssekit_and_opens_markdown_as_notebooks():
    text = (BINDER / "postBuild").read_text()
    assert "pip install --no-deps" in text and "-e ." in text
    assert re.search(r"jupytext-config set-default-viewer .*\bmarkdown\b", text)
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_only_binder_configures_binder():
    """repo2docker reads .binder/ and ignores the root; no stale second copy there."""
    for name in ("environment.yml", "postBuild", "requirements.txt", "apt.txt", "runtime.txt"):
        assert not (ROOT / name).exists(), f"{name} at the root would be a second, ignored Binder configuration"
