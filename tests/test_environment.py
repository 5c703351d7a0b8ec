"""pyproject.toml and environment.yml (Binder) must install the same things."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from PyPI names
CONDA_NAME = {"xgboost-cpu": "py-xgboost-cpu"}


def _norm(req: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req)
    assert m, req
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    spec = ",".join(sorted(s.strip() for s in m.group(2).replace(" ", "").split(",") if s.strip()))
    return CONDA_NAME.get(name, name), spec


def pyproject_requirements() -> dict[str, str]:
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(proj["dependencies"])
    for extra in proj["optional-dependencies"].values():
        reqs += extra
    return dict(_norm(r) for r in reqs)


def environment_requirements() -> dict[str, str]:
    deps, in_deps = [], False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and re.match(r"^  - [^-]", line) and not line.strip().startswith("- pip:"):
            deps.append(line.strip()[2:].split("#")[0].strip())
        elif in_deps and line and not line.startswith(" "):
            in_deps = False
    out = dict(_norm(d.replace("=", "==", 1) if re.match(r"^[\w\-.]+=[^=]", d) else d) for d in deps)
    out.pop("python", None)
    out.pop("pip", None)
    return out


def test_environment_yml_matches_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_environment_pins_python_311():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
