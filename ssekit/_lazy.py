"""Submodules imported when first used, so ``ssekit --help`` and light commands stay light (PEP 562).

Examples
--------
>>> getattr_, dir_ = submodules("json", ["decoder"])
>>> getattr_("decoder").__name__
'json.decoder'
"""

from __future__ import annotations

import importlib
from typing import Callable

__all__ = ["submodules"]


def submodules(package: str, names: list[str]) -> tuple[Callable, Callable]:
    """A package's module-level ``__getattr__`` and ``__dir__`` that import ``names`` on first access."""

    def __getattr__(name: str):
        if name in names:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        import sys

        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
