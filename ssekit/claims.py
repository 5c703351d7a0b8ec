"""The claims registry: every paper claim the book checks, in one place.

Claims are declared as data, one file per paper (``ssekit/<paper>/claims.toml``): which paper,
where in it, the quantity, the reported value with its unit, the comparison
rule and tolerance, the chapter section that discusses it, and the function
(``module:function``) that computes the reproduced value from code and data.
Nothing reproduced is typed in: :func:`evaluate` calls that function every
time. The chapters call :func:`check` for the claims they discuss and the
scorecard chapter calls :func:`scorecard` for all of them; both run the same
function, so they cannot disagree.

Statuses
--------
reproduced
    computed value meets the rule (on real data or the paper's own inputs)
differs
    computed value does not meet the rule; the note says why
not checkable
    the paper does not give what is needed; the note says what is missing
surrogate
    computed on the surrogate data set, so it cannot confirm the paper;
    ``agrees`` still tells whether the surrogate value meets the rule
"""

from __future__ import annotations

import html
import importlib
import json
import math
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from .data.shipped import path as registered_path
from .errors import DataValidationError

__all__ = ["STATUSES", "RULES", "DATA_KINDS", "Reproduction", "Claim", "ClaimResult", "papers", "claims_files",
           "load_claims", "get_claim", "compare", "evaluate", "check", "evaluate_all", "frame", "scorecard",
           "summary_by_paper", "summary", "scorecard_html", "to_json"]

STATUSES = ("reproduced", "differs", "not checkable", "surrogate")
RULES = ("rel", "abs", "greater", "less", "range", "equal")
DATA_KINDS = ("paper inputs", "real data", "model", "surrogate")


@dataclass(frozen=True)
class Reproduction:
    """What a claim's compute function returns.

    Attributes
    ----------
    value : float, bool or None
        The reproduced value (None when not checkable).
    data : str
        What it was computed from: 'paper inputs' (numbers the paper states),
        'real data' (shipped measurements), 'model' (a documented model with
        literature-typical parameters, no measurement) or 'surrogate'.
    note : str
        How it was computed, or why it cannot be checked.
    checkable : bool
        False when the paper does not give what the check needs.
    """

    value: float | bool | None
    data: str = "paper inputs"
    note: str = ""
    checkable: bool = True

    def __post_init__(self) -> None:
        if self.data not in DATA_KINDS:
            raise DataValidationError(f"Reproduction.data must be one of {DATA_KINDS}, got {self.data!r}")


@dataclass(frozen=True)
class Claim:
    """One paper claim, as declared in ``claims.toml``."""

    id: str
    paper: str
    where: str
    quantity: str
    reported: Any
    unit: str
    rule: str
    compute: str
    chapter: str
    anchor: str
    tolerance: float = 0.0
    reported_text: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise DataValidationError(f"claim {self.id}: rule must be one of {RULES}, got {self.rule!r}")
        if self.rule == "range" and not (isinstance(self.reported, list) and len(self.reported) == 2):
            raise DataValidationError(f"claim {self.id}: rule 'range' needs reported = [low, high]")
        if self.tolerance < 0:
            raise DataValidationError(f"claim {self.id}: tolerance must be >= 0")

    def reported_str(self) -> str:
        """The reported value as the paper states it (``reported_text``), or formatted with its unit."""
        if self.reported_text:
            return self.reported_text
        if self.rule == "range":
            return f"{_fmt(self.reported[0])}-{_fmt(self.reported[1])} {self.unit}".strip()
        return f"{_fmt(self.reported)} {self.unit}".strip()

    def rule_str(self) -> str:
        """The comparison rule in words, e.g. 'within 10% of reported'."""
        return {
            "rel": f"within {self.tolerance:.0%} of reported" if self.tolerance >= 0.01 else f"within {self.tolerance:g} (relative)",
            "abs": f"within +/-{self.tolerance:g} {self.unit}",
            "greater": "greater than reported",
            "less": "less than reported",
            "range": "inside reported range",
            "equal": "equal to reported",
        }[self.rule]


@dataclass(frozen=True)
class ClaimResult:
    """A claim with its freshly computed value and status."""

    claim: Claim
    reproduced: float | bool | None
    status: str
    agrees: bool | None
    data: str
    note: str = field(default="")

    def record(self) -> dict[str, Any]:
        """A flat, JSON-ready dictionary."""
        d = asdict(self.claim)
        d.update(reproduced=self.reproduced, status=self.status, agrees=self.agrees, data=self.data, note=self.note,
                 paper_citation=papers()[self.claim.paper]["citation"], paper_doi=papers()[self.claim.paper]["doi"])
        return d


def _fmt(x: Any) -> str:
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, (int, float)):
        if x == 0:
            return "0"
        ax = abs(x)
        return f"{x:.3g}" if 1e-3 <= ax < 1e5 else f"{x:.3e}"
    return str(x)


@cache
def papers() -> dict[str, dict[str, str]]:
    """The papers table (key -> short, citation, doi), from ``data/papers.toml``.

    Examples
    --------
    >>> papers()["kim2025"]["doi"]
    '10.1021/acsaem.5c02250'
    """
    with open(registered_path("data/papers.toml"), "rb") as fh:
        return tomllib.load(fh)


def claims_files() -> list[Path]:
    """The claims file of every paper package, in the order of ``papers.toml``."""
    return [registered_path(f"{key}/claims.toml") for key in papers()]


def load_claims(path: Path | None = None) -> list[Claim]:
    """All declared claims (of every paper, or of one file), in file order.

    Ids must be unique and papers known.

    Raises
    ------
    DataValidationError
        For a duplicate id, an unknown paper or a malformed declaration.
    """
    out, seen = [], set()
    for file in ([Path(path)] if path is not None else claims_files()):
        with open(file, "rb") as fh:
            raw = tomllib.load(fh).get("claim", [])
        for entry in raw:
            try:
                c = Claim(**entry)
            except TypeError as exc:
                raise DataValidationError(f"{file}: claim {entry.get('id', '?')!r}: {exc}") from None
            if c.id in seen:
                raise DataValidationError(f"duplicate claim id {c.id!r}")
            if c.paper not in papers():
                raise DataValidationError(f"claim {c.id}: unknown paper {c.paper!r}; known {sorted(papers())}")
            seen.add(c.id)
            out.append(c)
    return out


def get_claim(claim_id: str) -> Claim:
    """The declared claim with this id.

    Examples
    --------
    >>> get_claim("kim2025.asr.liquid_bare").reported
    0.125
    """
    for c in load_claims():
        if c.id == claim_id:
            return c
    raise DataValidationError(f"no claim {claim_id!r}; see 'ssekit claims' for the declared ids")


def compare(rule: str, reported: Any, reproduced: Any, tolerance: float = 0.0) -> bool:
    """Whether ``reproduced`` meets ``rule`` against ``reported``.

    >>> compare("rel", 0.125, 0.126, 0.01)
    True
    >>> compare("greater", 3.75, 2.0)
    False
    """
    if rule not in RULES:
        raise DataValidationError(f"unknown rule {rule!r}; rules: {RULES}")
    if rule == "equal":
        return reproduced == reported
    r = float(reproduced)
    if math.isnan(r):
        return False
    if rule == "rel":
        return abs(r - float(reported)) <= tolerance * abs(float(reported))
    if rule == "abs":
        return abs(r - float(reported)) <= tolerance
    if rule == "greater":
        return r > float(reported)
    if rule == "less":
        return r < float(reported)
    if rule == "range":
        lo, hi = map(float, reported)
        return lo <= r <= hi


def _call(spec: str) -> Reproduction:
    module, _, func = spec.partition(":")
    if not func:
        raise DataValidationError(f"compute must be 'module:function', got {spec!r}")
    out = getattr(importlib.import_module(module), func)()
    return out if isinstance(out, Reproduction) else Reproduction(out)


def evaluate(claim: Claim) -> ClaimResult:
    """Compute a claim's reproduced value now and decide its status."""
    rep = _call(claim.compute)
    if not rep.checkable or rep.value is None:
        return ClaimResult(claim, rep.value, "not checkable", None, rep.data, rep.note)
    value = rep.value if isinstance(rep.value, bool) else float(rep.value)
    agrees = compare(claim.rule, claim.reported, value, claim.tolerance)
    if rep.data == "surrogate":
        status = "surrogate"
    else:
        status = "reproduced" if agrees else "differs"
    return ClaimResult(claim, value, status, agrees, rep.data, rep.note)


def check(*claim_ids: str):
    """Evaluate the named claims and return them as a display table.

    Chapters call this where they discuss a claim; the scorecard evaluates
    the same functions for all claims. The table is the compact one a chapter
    needs (quantity, reported, reproduced, status, note), as a pandas Styler
    (``.data`` is the frame).
    """
    df = frame([evaluate(get_claim(i)) for i in claim_ids])[["quantity", "reported", "reproduced", "status", "note"]]
    return df.style.set_table_styles([
        {"selector": "", "props": "font-size: 0.85em"},
        {"selector": "td.col4", "props": "min-width: 16em"},
        {"selector": "td.col0", "props": "min-width: 10em"},
    ])


def evaluate_all(paper: str | None = None) -> list[ClaimResult]:
    """Evaluate every declared claim (optionally of one paper)."""
    return [evaluate(c) for c in load_claims() if paper is None or c.paper == paper]


def frame(results: list[ClaimResult]) -> pd.DataFrame:
    """The evaluated claims as a flat table indexed by claim id (reported and reproduced as text)."""
    rows = []
    for r in results:
        c = r.claim
        rows.append({
            "claim": c.id,
            "paper": papers()[c.paper]["short"],
            "where": c.where,
            "quantity": c.quantity,
            "reported": c.reported_str(),
            "reproduced": (_fmt(r.reproduced) + (f" {c.unit}" if c.unit and not isinstance(r.reproduced, bool) and r.reproduced is not None else "")),
            "rule": c.rule_str(),
            "status": r.status,
            "data": r.data,
            "note": r.note,
        })
    return pd.DataFrame(rows).set_index("claim")


def scorecard(paper: str | None = None) -> pd.DataFrame:
    """All claims with fresh values and statuses, as a table."""
    return frame(evaluate_all(paper))


def summary_by_paper(results: list[ClaimResult]) -> pd.DataFrame:
    """Claims per paper and status."""
    df = pd.DataFrame([(papers()[r.claim.paper]["short"], r.status) for r in results], columns=["paper", "status"])
    return pd.crosstab(df["paper"], df["status"]).reindex(columns=list(STATUSES), fill_value=0)


def summary(results: list[ClaimResult]) -> dict[str, int]:
    """Count of claims per status (every status listed, zero included)."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


_STATUS_STYLE = {
    # Okabe-Ito colours, light tints, each also spelled out in words.
    "reproduced": "#cde9dc",
    "differs": "#f6d2b8",
    "not checkable": "#e6e6e6",
    "surrogate": "#d3e6f5",
}


def scorecard_html(results: list[ClaimResult] | None = None, link_suffix: str = ".html") -> str:
    """The scorecard as an HTML table with a link from each claim to its chapter section."""
    results = evaluate_all() if results is None else results
    head = ["claim", "paper", "where", "quantity", "reported", "reproduced", "rule", "status", "data", "note"]
    df = frame(results).reset_index()
    out = ['<table class="ssekit-scorecard" style="font-size:0.8em">', "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for r, (_, row) in zip(results, df.iterrows()):
        link = f'<a href="{html.escape(r.claim.chapter)}{link_suffix}#{html.escape(r.claim.anchor)}">{html.escape(r.claim.id)}</a>'
        cells = [link] + [html.escape(str(row[h])) for h in head[1:]]
        style = f' style="background:{_STATUS_STYLE[r.status]}"'
        cells[head.index("status")] = f"<strong>{cells[head.index('status')]}</strong>"
        out.append(f"<tr{style}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def to_json(results: list[ClaimResult] | None = None) -> str:
    """Machine-readable scorecard (what the build writes as ``claims.json``)."""
    results = evaluate_all() if results is None else results
    from . import __version__

    payload = {
        "ssekit_version": __version__,
        "statuses": summary(results),
        "claims": [r.record() for r in results],
    }
    return json.dumps(payload, indent=2, sort_keys=False, default=str)
