"""The claims engine: every paper claim the book checks, its verdict, and every deviation declared.

Claims are declared as data, one file per paper (``ssekit/<paper>/claims.toml``):
which paper, where in it, the quantity, the value the paper prints (and the
passage that prints it), the kind of claim, the comparison rule and
tolerance, the chapter section that discusses it, and the function
(``module:function``) that computes the reproduced value from code and data.
Nothing reproduced is typed in: :func:`evaluate` calls that function every
time. The chapters call :func:`check` for the claims they discuss and the
scorecard chapter calls :func:`scorecard` for all of them; both run the same
function, so they cannot disagree.

Kinds of claims
---------------
value
    the paper prints a number; the book's number must lie within a stated
    tolerance (rule ``rel`` or ``abs``) or inside a printed range (``range``).
    A paper's threshold ("below 60 µm for 350 Wh/kg") is a value.
bound
    the paper states a one-sided bound ("exceeds 3.75 Ω cm² even at 10 µm");
    rules ``greater`` and ``less`` are allowed only here.
trend
    a sign or an ordering ("class 3 has the highest P%"); rule ``equal``
    against ``true``.

Statuses
--------
reproduced
    the computed value meets the rule, on real data or the paper's own inputs
differs
    it does not; the note says why
not reached
    the quantity does not exist for the book's inputs (e.g. a target energy
    density that no separator thickness reaches) -- never coded as 0
not checkable
    the paper does not give what the check needs, or it needs lab work
surrogate
    computed on the surrogate film data, so it cannot confirm the paper;
    ``agrees`` still says whether the surrogate value meets the rule
by construction
    the outcome is fixed by how the data or the check are built (an identity
    or calibration input of the surrogate, a conclusion that holds for any
    input); listed apart and never counted as evidence

Deviations
----------
Every way the book's method differs from a paper's text is declared in
``ssekit/<paper>/deviations.toml`` (where, what the paper did, what the book
does, why, measured effect) and shown in the chapter it concerns
(:func:`deviations_table`), on the scorecard page, and in ``claims.json``.

Examples
--------
>>> compare("rel", 60, 64, 0.25)
True
>>> compare("rel", 30, 5.0, 0.25)
False
"""

from __future__ import annotations

import html
import importlib
import json
import math
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from .data.shipped import path as registered_path
from .errors import DataValidationError

__all__ = ["STATUSES", "RULES", "KINDS", "DATA_KINDS", "Reproduction", "Claim", "ClaimResult", "Deviation", "papers",
           "claims_files", "load_claims", "get_claim", "compare", "rule_flips", "evaluate", "check", "check_section", "evaluate_all",
           "frame", "scorecard", "summary_by_paper", "summary", "scorecard_html", "to_json", "load_deviations",
           "deviations_frame", "deviations_table", "JSON_SCHEMA"]

STATUSES = ("reproduced", "differs", "not reached", "not checkable", "surrogate", "by construction")
RULES = ("rel", "abs", "greater", "less", "range", "equal")
KINDS = {"value": ("rel", "abs", "range"), "bound": ("greater", "less"), "trend": ("equal",)}
DATA_KINDS = ("paper inputs", "real data", "model", "surrogate")


@dataclass(frozen=True)
class Reproduction:
    """What a claim's compute function returns.

    Attributes
    ----------
    value : float, bool or None
        The reproduced value (None when not checkable or not reached).
    data : str
        What it was computed from: 'paper inputs' (numbers the paper states),
        'real data' (shipped measurements), 'model' (a documented model with
        literature-typical parameters, no measurement) or 'surrogate'.
    note : str
        How it was computed, or why it cannot be checked.
    checkable : bool
        False when the paper does not give what the check needs.
    outcome : str
        '' normally; 'not reached' when the quantity does not exist for these
        inputs (e.g. a target that no thickness meets).
    by_construction : str
        Why the outcome is fixed by construction for these data ('' if it is
        not), e.g. an identity of the surrogate generator.
    """

    value: float | bool | None
    data: str = "paper inputs"
    note: str = ""
    checkable: bool = True
    outcome: str = ""
    by_construction: str = ""

    def __post_init__(self) -> None:
        if self.data not in DATA_KINDS:
            raise DataValidationError(f"Reproduction.data must be one of {DATA_KINDS}, got {self.data!r}")
        if self.outcome not in ("", "not reached"):
            raise DataValidationError(f"Reproduction.outcome must be '' or 'not reached', got {self.outcome!r}")


@dataclass(frozen=True)
class Claim:
    """One paper claim, as declared in a ``claims.toml``."""

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
    kind: str = "value"
    tolerance: float = 0.0
    reported_text: str = ""
    reported_where: str = ""
    by_construction: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise DataValidationError(f"claim {self.id}: kind must be one of {tuple(KINDS)}, got {self.kind!r}")
        if self.rule not in RULES:
            raise DataValidationError(f"claim {self.id}: rule must be one of {RULES}, got {self.rule!r}")
        if self.rule not in KINDS[self.kind]:
            raise DataValidationError(f"claim {self.id}: a {self.kind!r} claim takes rule {KINDS[self.kind]}, "
                                      f"not {self.rule!r} (one-sided rules only for kind 'bound')")
        if self.rule == "range" and not (isinstance(self.reported, list) and len(self.reported) == 2):
            raise DataValidationError(f"claim {self.id}: rule 'range' needs reported = [low, high]")
        if self.rule == "rel" and (self.tolerance <= 0 or float(self.reported) == 0):
            raise DataValidationError(f"claim {self.id}: rule 'rel' needs a tolerance > 0 and a non-zero reported value")
        if self.tolerance < 0:
            raise DataValidationError(f"claim {self.id}: tolerance must be >= 0")

    def reported_str(self) -> str:
        """The reported value as the paper states it (``reported_text``), or formatted with its unit."""
        if self.reported_text:
            if (re.fullmatch(r"[\d.]+ ?%", self.reported_text.strip()) and isinstance(self.reported, (int, float))
                    and not isinstance(self.reported, bool) and 0 < self.reported <= 1 and self.unit in ("", "-", "–")):
                return f"{self.reported_text} (= {_fmt(self.reported)})"  # a percentage compared as a fraction
            return self.reported_text
        if self.rule == "range":
            return f"{_fmt(self.reported[0])}-{_fmt(self.reported[1])} {self.unit}".strip()
        return f"{_fmt(self.reported)} {self.unit}".strip()

    def rule_str(self) -> str:
        """The comparison rule in words, e.g. 'within 25% of reported'."""
        return {
            "rel": f"within {self.tolerance:.0%} of reported" if self.tolerance >= 0.01 else f"within {self.tolerance:g} (relative)",
            "abs": f"within ±{self.tolerance:g} {self.unit}".rstrip(),
            "greater": "greater than reported",
            "less": "less than reported",
            "range": "inside reported range",
            "equal": "as stated",
        }[self.rule]


@dataclass(frozen=True)
class ClaimResult:
    """A claim with its freshly computed value, whether it meets the rule, and its status."""

    claim: Claim
    reproduced: float | bool | None
    status: str
    agrees: bool | None
    data: str
    note: str = field(default="")
    by_construction: str = ""

    def record(self) -> dict[str, Any]:
        """A flat, JSON-ready dictionary (see :data:`JSON_SCHEMA`)."""
        c = self.claim
        p = papers()[c.paper]
        return {
            "id": c.id, "paper": c.paper, "paper_citation": p["citation"], "paper_doi": p["doi"], "where": c.where,
            "quantity": c.quantity, "reported": c.reported, "reported_text": c.reported_str(),
            "reported_where": c.reported_where, "reproduced": self.reproduced, "unit": c.unit, "kind": c.kind,
            "rule": c.rule, "tolerance": c.tolerance, "status": self.status, "data": self.data,
            "agrees": self.agrees, "by_construction": bool(self.by_construction),
            "by_construction_reason": self.by_construction, "note": self.note, "chapter": c.chapter,
            "anchor": c.anchor, "compute": c.compute,
        }


@dataclass(frozen=True)
class Deviation:
    """One way the book's method differs from a paper's text."""

    id: str
    paper: str
    where: str
    paper_method: str
    book_method: str
    why: str
    chapter: str
    effect: str = ""


def _fmt(x: Any) -> str:
    if isinstance(x, bool) or x is None:
        return {True: "yes", False: "no", None: "—"}[x]
    if isinstance(x, (int, float)):
        if x == 0:
            return "0"
        ax = abs(x)
        return f"{x:.3g}" if 1e-3 <= ax < 1e5 else f"{x:.2e}"
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

    Examples
    --------
    >>> compare("rel", 0.125, 0.126, 0.01)
    True
    >>> compare("greater", 3.75, 2.0)
    False
    >>> compare("range", [20, 80], 45)
    True
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
    lo, hi = map(float, reported)
    return lo <= r <= hi


def rule_flips(claim: Claim) -> tuple[Any, Any]:
    """A value that meets the claim's rule and one just outside it: proof that the rule can fail.

    Examples
    --------
    >>> c = get_claim("kim2025.asr.liquid_bare")
    >>> ok, bad = rule_flips(c)
    >>> compare(c.rule, c.reported, ok, c.tolerance), compare(c.rule, c.reported, bad, c.tolerance)
    (True, False)
    """
    r, t = claim.reported, claim.tolerance
    if claim.rule == "equal":
        return r, (not r) if isinstance(r, bool) else object()
    if claim.rule == "range":
        lo, hi = map(float, r)
        return (lo + hi) / 2, hi + max(hi - lo, 1.0) * 0.01 + 1e-9
    r = float(r)
    step = abs(r) + 1.0
    if claim.rule == "rel":
        return r, r + 1.01 * t * abs(r) + 1e-12
    if claim.rule == "abs":
        return r, r + 1.01 * t + 1e-9 if t > 0 else r + 1e-6 * step
    if claim.rule == "greater":
        return r + step, r - step
    return r - step, r + step


def _call(spec: str) -> Reproduction:
    module, _, func = spec.partition(":")
    if not func:
        raise DataValidationError(f"compute must be 'module:function', got {spec!r}")
    out = getattr(importlib.import_module(module), func)()
    return out if isinstance(out, Reproduction) else Reproduction(out)


def evaluate(claim: Claim) -> ClaimResult:
    """Compute a claim's reproduced value now and decide its status (see the module docstring)."""
    rep = _call(claim.compute)
    constructed = claim.by_construction or rep.by_construction
    if rep.outcome == "not reached":
        return ClaimResult(claim, None, "not reached", False, rep.data, rep.note, constructed)
    if not rep.checkable or rep.value is None:
        return ClaimResult(claim, rep.value, "not checkable", None, rep.data, rep.note, constructed)
    value = rep.value if isinstance(rep.value, bool) else float(rep.value)
    agrees = compare(claim.rule, claim.reported, value, claim.tolerance)
    if constructed:
        status = "by construction"
    elif rep.data == "surrogate":
        status = "surrogate"
    else:
        status = "reproduced" if agrees else "differs"
    return ClaimResult(claim, value, status, agrees, rep.data, rep.note, constructed)


def evaluate_all(paper: str | None = None) -> list[ClaimResult]:
    """Evaluate every declared claim (optionally of one paper)."""
    return [evaluate(c) for c in load_claims() if paper is None or c.paper == paper]


def frame(results: list[ClaimResult]) -> pd.DataFrame:
    """The evaluated claims as a flat table indexed by claim id (reported and reproduced as text)."""
    rows = []
    for r in results:
        c = r.claim
        unit = f" {c.unit}" if c.unit and isinstance(r.reproduced, (int, float)) and not isinstance(r.reproduced, bool) else ""
        note = r.note
        if r.by_construction:
            note = f"BY CONSTRUCTION: {r.by_construction}. " + note
        rows.append({
            "claim": c.id,
            "paper": papers()[c.paper]["short"],
            "where": c.where,
            "quantity": c.quantity,
            "kind": c.kind,
            "reported": c.reported_str(),
            "reproduced": "not reached" if r.status == "not reached" else _fmt(r.reproduced) + unit,
            "rule": c.rule_str(),
            "agrees": _fmt(r.agrees),
            "status": r.status,
            "data": r.data,
            "note": note,
        })
    return pd.DataFrame(rows).set_index("claim")


_STATUS_STYLE = {
    # Okabe-Ito colours, light tints, each also spelled out in words.
    "reproduced": "#cde9dc",
    "differs": "#f6d2b8",
    "not reached": "#f6d2b8",
    "not checkable": "#e6e6e6",
    "surrogate": "#d3e6f5",
    "by construction": "#eeeeee",
}


def _html_table(df: pd.DataFrame, statuses: list[str] | None = None, css_class: str = "ssekit-claims",
                links: list[str] | None = None, row_below: str | None = None) -> str:
    """An HTML table; column ``row_below`` (long text) goes in a full-width row under each row."""
    cols = [h for h in df.columns if h != row_below]
    out = [f'<div class="ssekit-table-wrap"><table class="{css_class}">',
           "<thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in cols) + "</tr></thead><tbody>"]
    for i, (_, row) in enumerate(df.iterrows()):
        cells = [html.escape(str(row[h])) for h in cols]
        if links:
            cells[0] = links[i]
        style = ""
        if statuses:
            style = f' style="background:{_STATUS_STYLE[statuses[i]]}"'
            if "status" in cols:
                k = cols.index("status")
                cells[k] = f"<strong>{cells[k]}</strong>"
        out.append(f"<tr{style}>" + "".join(f'<td data-label="{html.escape(str(h))}">{c}</td>'
                                              for h, c in zip(cols, cells)) + "</tr>")
        if row_below is not None:
            out.append(f'<tr class="ssekit-row-below"{style}><td colspan="{len(cols)}" '
                       f'data-label="{html.escape(row_below)}">{html.escape(str(row[row_below]))}</td></tr>')
    out.append("</tbody></table></div>")
    return "\n".join(out)


class _HTML:
    """A minimal object that notebooks and myst-nb display as HTML."""

    def __init__(self, body: str, frame: pd.DataFrame):
        self.body, self.data = body, frame

    def _repr_html_(self) -> str:
        return self.body


def check(*claim_ids: str):
    """Evaluate the named claims and return them as a display table.

    Chapters call this where they discuss a claim; the scorecard evaluates
    the same functions for all claims. The table shows quantity, reported,
    reproduced, whether the value meets the rule, status and note; ``.data``
    is the frame.
    """
    results = [evaluate(get_claim(i)) for i in claim_ids]
    df = frame(results)[["quantity", "reported", "reproduced", "rule", "agrees", "status", "note"]]
    return _HTML(_html_table(df.reset_index(drop=True), [r.status for r in results], row_below="note"), df)


def check_section(anchor: str):
    """Evaluate every claim declared for one chapter section (its ``anchor``) and show them as :func:`check` does.

    Chapters call this in each section that discusses claims, so a claim
    added to a ``claims.toml`` appears in its chapter without editing it.
    """
    ids = [c.id for c in load_claims() if c.anchor == anchor]
    if not ids:
        raise DataValidationError(f"no claim is declared with anchor {anchor!r}")
    return check(*ids)


def scorecard(paper: str | None = None) -> pd.DataFrame:
    """All claims with fresh values and statuses, as a table."""
    return frame(evaluate_all(paper))


def summary_by_paper(results: list[ClaimResult]) -> pd.DataFrame:
    """Claims per paper and status (every status a column)."""
    df = pd.DataFrame([(papers()[r.claim.paper]["short"], r.status) for r in results], columns=["paper", "status"])
    out = pd.crosstab(df["paper"], df["status"]).reindex(columns=list(STATUSES), fill_value=0)
    out["total"] = out.sum(axis=1)
    out.columns.name = None
    return out


def summary(results: list[ClaimResult]) -> dict[str, int]:
    """Count of claims per status (every status listed, zero included)."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


def scorecard_html(results: list[ClaimResult] | None = None, link_suffix: str = ".html") -> str:
    """The scorecard as an HTML table, each claim linked to its chapter section."""
    results = evaluate_all() if results is None else results
    df = frame(results).reset_index()
    df["where"] = df["paper"] + ", " + df["where"]  # one column for paper and place: the table fits the page
    df = df.drop(columns=["paper", "data"])  # the data used is in the status and note (and in claims.json)
    links = [f'<a href="{html.escape(r.claim.chapter)}{link_suffix}#{html.escape(r.claim.anchor)}">'
             f'{html.escape(r.claim.id).replace(".", ".<wbr>")}</a>' for r in results]
    return _html_table(df, [r.status for r in results], "ssekit-scorecard", links, row_below="note")


# --------------------------------------------------------------------------- deviations

def _deviation_files() -> list[tuple[str, Path]]:
    return [(key, registered_path(f"{key}/deviations.toml")) for key in papers()]


@cache
def load_deviations() -> tuple[Deviation, ...]:
    """Every declared deviation from the papers' methods, in file order.

    Raises
    ------
    DataValidationError
        For a malformed entry or a duplicate id.
    """
    out, seen = [], set()
    for key, file in _deviation_files():
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


def deviations_frame(chapter: str | None = None, paper: str | None = None) -> pd.DataFrame:
    """Declared deviations as a table (optionally those of one chapter or paper)."""
    rows = [d for d in load_deviations() if (chapter is None or d.chapter == chapter) and (paper is None or d.paper == paper)]
    df = pd.DataFrame([{"paper": papers()[d.paper]["short"], "where": d.where, "the paper": d.paper_method,
                        "this book": d.book_method, "why": d.why, "effect": d.effect or "not measured"}
                       for d in rows], columns=["paper", "where", "the paper", "this book", "why", "effect"])
    df.index = pd.Index([d.id for d in rows], name="deviation")
    return df


def deviations_table(chapter: str | None = None, paper: str | None = None):
    """The deviations of one chapter (or all) as a display table."""
    df = deviations_frame(chapter, paper)
    if chapter is not None:
        df = df.drop(columns="paper")
    return _HTML(_html_table(df.reset_index(drop=True), css_class="ssekit-deviations"), df)


#: The layout of ``claims.json`` (documented on the scorecard page).
JSON_SCHEMA = {
    "ssekit_version": "version of ssekit that computed the file",
    "statuses": "count of claims per status",
    "claims[]": {
        "id": "unique claim id, <paper>.<topic>.<name>", "paper": "paper key (see papers.toml)",
        "where": "figure, table or section of the paper", "quantity": "what is compared",
        "reported": "the value the paper prints (number, [low, high], or true for a trend)",
        "reported_text": "the paper's wording of it", "reported_where": "the passage that prints it",
        "reproduced": "the value the book computes now (null when not checkable or not reached)",
        "unit": "unit of reported and reproduced", "kind": "value | bound | trend",
        "rule": "rel | abs | range | greater | less | equal", "tolerance": "tolerance of rel (fraction) or abs (unit)",
        "status": "reproduced | differs | not reached | not checkable | surrogate | by construction",
        "data": "paper inputs | real data | model | surrogate",
        "agrees": "whether the computed value meets the rule (also for surrogate claims); null if not checkable",
        "by_construction": "true if the outcome is fixed by how the data or check are built",
        "by_construction_reason": "why", "note": "how it was computed, or why not",
        "chapter": "book chapter", "anchor": "section label", "compute": "module:function that computes it",
    },
    "deviations[]": {"id": "unique id", "paper": "paper key", "where": "where in the paper",
                     "paper_method": "what the paper did", "book_method": "what the book does",
                     "why": "why", "effect": "measured effect, where known", "chapter": "chapter that shows it"},
}


def to_json(results: list[ClaimResult] | None = None) -> str:
    """Machine-readable scorecard (what the build writes as ``claims.json``)."""
    results = evaluate_all() if results is None else results
    from . import __version__

    payload = {
        "ssekit_version": __version__,
        "statuses": summary(results),
        "claims": [r.record() for r in results],
        "deviations": [asdict(d) for d in load_deviations()],
    }
    return json.dumps(payload, indent=2, sort_keys=False, default=str)
