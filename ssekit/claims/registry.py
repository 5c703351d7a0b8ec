"""Where claims and deviations are declared: the list of papers, each paper's ``claims.toml`` and ``deviations.toml``.

The one list of papers is ``ssekit/data/papers.toml``: the command line, the
tests, the intro's table and the scorecard all take their papers from
:func:`papers`.

Examples
--------
>>> list(papers())[:2]
['chen2021', 'mishra2023']
>>> get_claim("kim2025.asr.liquid_bare").reported
0.125
"""

from __future__ import annotations

import importlib
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Callable

from ..data.shipped import path as registered_path
from ..errors import DataValidationError
from .model import Claim, Deviation

__all__ = ["papers", "paper_keys", "claims_files", "load_claims", "get_claim", "load_deviations", "resolve"]


@cache
def papers() -> dict[str, dict[str, Any]]:
    """The papers table (key -> short, citation, doi, chapters, ...), from ``data/papers.toml``.

    Examples
    --------
    >>> papers()["kim2025"]["doi"]
    '10.1021/acsaem.5c02250'
    """
    with open(registered_path("data/papers.toml"), "rb") as fh:
        return tomllib.load(fh)


def paper_keys() -> list[str]:
    """The paper keys, in the order of ``papers.toml``.

    Examples
    --------
    >>> "alabdali2022" in paper_keys()
    True
    """
    return list(papers())


def claims_files() -> list[Path]:
    """The claims file of every paper package, in the order of ``papers.toml``."""
    return [registered_path(f"{key}/claims.toml") for key in papers()]


def _load_file(file: Path) -> list[Claim]:
    with open(file, "rb") as fh:
        raw = tomllib.load(fh).get("claim", [])
    out = []
    for entry in raw:
        try:
            out.append(Claim(**entry))
        except TypeError as exc:
            raise DataValidationError(f"{file}: claim {entry.get('id', '?')!r}: {exc}") from None
    return out


@cache
def _all_claims() -> tuple[Claim, ...]:
    out, seen = [], set()
    for file in claims_files():
        for c in _load_file(file):
            if c.id in seen:
                raise DataValidationError(f"duplicate claim id {c.id!r}")
            if c.paper not in papers():
                raise DataValidationError(f"claim {c.id}: unknown paper {c.paper!r}; known {sorted(papers())}")
            seen.add(c.id)
            out.append(c)
    return tuple(out)


def load_claims(path: Path | None = None, paper: str | None = None) -> list[Claim]:
    """All declared claims (of every paper, of one paper, or of one file), in file order.

    Raises
    ------
    DataValidationError
        For a duplicate id, an unknown paper, an id that does not start with
        its paper's key, or a malformed declaration.
    """
    if path is not None:
        out = _load_file(Path(path))
        for c in out:
            if c.paper not in papers():
                raise DataValidationError(f"claim {c.id}: unknown paper {c.paper!r}; known {sorted(papers())}")
        return out
    if paper is not None and paper not in papers():
        raise DataValidationError(f"unknown paper {paper!r}; known {sorted(papers())}")
    return [c for c in _all_claims() if paper is None or c.paper == paper]


def get_claim(claim_id: str) -> Claim:
    """The declared claim with this id."""
    for c in _all_claims():
        if c.id == claim_id:
            return c
    raise DataValidationError(f"no claim {claim_id!r}; see 'ssekit claims' for the declared ids")


def resolve(spec: str) -> Callable[..., Any]:
    """The function named by ``'module:function'``.

    Examples
    --------
    >>> resolve("ssekit.claims.model:compare")("abs", 1, 1.05, 0.1)
    True
    """
    module, _, func = spec.partition(":")
    if not module or not func:
        raise DataValidationError(f"a function is named 'module:function', got {spec!r}")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise DataValidationError(f"cannot find {spec!r}: {exc}") from None


@cache
def load_deviations() -> tuple[Deviation, ...]:
    """Every declared deviation from the papers' methods, in file order.

    Raises
    ------
    DataValidationError
        For a malformed entry or a duplicate id.
    """
    out, seen = [], set()
    for key in papers():
        file = registered_path(f"{key}/deviations.toml")
        with open(file, "rb") as fh:
            for entry in tomllib.load(fh).get("deviation", []):
                try:
                    d = Deviation(paper=key, **entry)
                except TypeError as exc:
                    raise DataValidationError(f"{file}: deviation {entry.get('id', '?')!r}: {exc}") from None
                if d.id in seen:
                    raise DataValidationError(f"duplicate deviation id {d.id!r}")
                seen.add(d.id)
                out.append(d)
    return tuple(out)
