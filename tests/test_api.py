"""The package's shape: public API declared and documented, general code free of paper code."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import ssekit
import ssekit.claims

PKG = Path(ssekit.__file__).parent
PAPERS = tuple(ssekit.claims.paper_keys())  # the one list: ssekit/data/papers.toml
MODULES = sorted(m.name for m in pkgutil.walk_packages(ssekit.__path__, "ssekit.") if not m.name.endswith("__main__"))


def _public(mod):
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == mod.__name__:
            yield name, obj


@pytest.mark.parametrize("name", MODULES)
def test_module_declares_and_documents_its_api(name):
    mod = importlib.import_module(name)
    assert inspect.getdoc(mod), f"{name} has no module docstring"
    if name.split(".")[-1] not in ("cli", "sphinxext", "_cache") and not name.endswith("__init__"):
        assert hasattr(mod, "__all__"), f"{name} declares no __all__"
    for attr in getattr(mod, "__all__", []):
        assert hasattr(mod, attr), f"{name}.__all__ names {attr}, which does not exist"
    undocumented = [n for n, obj in _public(mod) if not inspect.getdoc(obj)]
    assert not undocumented, f"{name}: no docstring on {undocumented}"


def test_general_modules_never_import_a_paper_package():
    offenders = []
    for py in PKG.rglob("*.py"):
        rel = py.relative_to(PKG)
        if rel.parts[0] in PAPERS or rel.name in ("cli.py", "__main__.py"):
            continue  # paper packages may import general tools; the CLI wires everything
        for node in ast.walk(ast.parse(py.read_text())):
            if isinstance(node, ast.ImportFrom):
                target = (node.module or "")
                if any(p in target.split(".") for p in PAPERS) or any(a.name in PAPERS for a in node.names):
                    offenders.append(f"{rel}: from {'.' * node.level}{target} import ...")
    assert not offenders, offenders


def test_chapters_hold_no_plotting_code():
    """Figures come from the paper packages' figures modules; a chapter cell only calls one."""
    for md in (PKG.parent / "book").glob("*.md"):
        text = md.read_text()
        for call in ("plt.subplots(", ".set_xlabel(", ".plot(", ".scatter(", ".imshow(", ".barh("):
            assert call not in text, f"{md.name} draws a figure itself ({call})"
