"""Showing claims: tables for chapters and the scorecard, the headline, and ``claims.json`` with its JSON Schema.

Examples
--------
>>> r = evaluate(get_claim("kim2025.asr.liquid_bare"))
>>> frame([r]).loc["kim2025.asr.liquid_bare", "status"]
'reproduced'
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from typing import Any

import pandas as pd

from .evaluation import evaluate, evaluate_all, headline, summary
from .model import DATA_KINDS, KINDS, RULES, STATUSES, ClaimResult, fmt
from .registry import get_claim, load_claims, load_deviations, papers

__all__ = ["frame", "reproduced_str", "null_str", "variant_str", "check", "check_section", "scorecard", "scorecard_html",
           "headline_html", "papers_table", "inventory", "coverage", "verdict_sentence", "verdict_sentences", "deviations_frame", "deviations_table", "JSON_SCHEMA", "records", "to_json",
           "CLAIMS_MIME"]

#: The MIME type under which the scorecard chapter hands ``claims.json`` to the build (see :mod:`ssekit.sphinxext`).
CLAIMS_MIME = "application/vnd.ssekit.claims+json"


def reproduced_str(r: ClaimResult) -> str:
    """The reproduced value as shown: with its unit, and with its 5-95 % range or share over seeds."""
    c = r.claim
    if r.status == "not reached":
        return "not reached"
    value = r.reproduced
    unit = f" {c.unit}" if c.unit and isinstance(value, (int, float)) and not isinstance(value, bool) else ""
    text = fmt(value) + unit
    if r.sample_range is not None:
        text += f" (median of {r.samples_n}; 90 % range {fmt(r.sample_range[0])} to {fmt(r.sample_range[1])})"
    elif r.sample_share is not None and r.samples_n:
        text += f" (true in {r.sample_share:.0%} of {r.samples_n})"
    return text


def null_str(r: ClaimResult) -> str:
    """The null pass rate as shown ('none' with no null)."""
    if r.null_pass_rate is None:
        return "no null" if r.claim.null == "none" else "—"
    return f"{r.null_pass_rate:.0%} of {r.null_draws}"


def variant_str(r: ClaimResult, name: str) -> str:
    """The value of one model variant as a note shows it, saying why there is none instead of printing '—'.

    A variant has no value when its target is not reached (its verdict: misses the rule) or when it cannot
    be tested (no verdict). Only the value is stored, so which one is read from the verdicts: a variant
    that keeps the claim's verdict has the claim's, one that flips it has the other.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> r = NS(variants={"flat": None, "pouch": 4.44}, variant_flips=(), meets_rule=False)
    >>> variant_str(r, "flat"), variant_str(r, "pouch")
    ('not reached', '4.44')
    """
    value = r.variants[name]
    if value is not None:
        return fmt(value)
    flipped = name in r.variant_flips
    if r.meets_rule is False:
        return "not testable" if flipped else "not reached"
    if r.meets_rule is None:
        return "not reached" if flipped else "not testable"
    return "not reached or not testable"  # flipped away from a met rule: either gives no value


def _note(r: ClaimResult) -> str:
    parts = []
    if r.by_construction:
        parts.append(f"By construction: {r.by_construction}.")
    if r.variant_flips:
        vals = ", ".join(f"{k}: {variant_str(r, k)}" for k in r.variants)
        parts.append(f"Depends on the model: the verdict flips under {', '.join(r.variant_flips)} ({vals}).")
    elif r.variants:
        vals = ", ".join(f"{k}: {variant_str(r, k)}" for k in r.variants)
        parts.append(f"Same verdict under every model variant ({vals}).")
    if r.status == "uninformative":
        parts.append(f"Uninformative: the rule also passes on {r.null_pass_rate:.0%} of draws in which "
                     f"{r.null_description[0].lower() + r.null_description[1:]}".rstrip(".") + ".")
    elif r.null_description:
        label = "Null" if r.claim.null != "none" else "No null"
        parts.append(f"{label}: {r.null_description}")
    if r.note:
        parts.append(r.note)
    return " ".join(p.strip() for p in parts if p.strip())


def frame(results: list[ClaimResult]) -> pd.DataFrame:
    """The evaluated claims as a flat table indexed by claim id (values as text)."""
    rows = []
    for r in results:
        c = r.claim
        rows.append({
            "claim": c.id,
            "paper": papers()[c.paper]["short"],
            "where": c.where,
            "quantity": c.quantity,
            "kind": c.kind,
            "reported": c.reported_str(),
            "reproduced": reproduced_str(r),
            "rule": c.rule_str(),
            "meets rule": fmt(r.meets_rule),
            "null passes": null_str(r),
            "status": r.status,
            "data": r.data,
            "note": _note(r),
        })
    cols = ["claim", "paper", "where", "quantity", "kind", "reported", "reproduced", "rule", "meets rule",
            "null passes", "status", "data", "note"]
    return pd.DataFrame(rows, columns=cols).set_index("claim")


_STATUS_STYLE = {
    # Okabe-Ito colours, light tints; each status is also spelled out in words.
    "reproduced": "#cde9dc",
    "differs": "#f6d2b8",
    "not reached": "#f6d2b8",
    "uninformative": "#f3e8b3",
    "model-dependent": "#f3e8b3",
    "not comparable": "#e6e6e6",
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
        if row_below is not None and str(row[row_below]).strip():
            out.append(f'<tr class="ssekit-row-below"{style}><td colspan="{len(cols)}" '
                       f'data-label="{html.escape(row_below)}">{html.escape(str(row[row_below]))}</td></tr>')
    out.append("</tbody></table></div>")
    return "\n".join(out)


class _HTML:
    """A minimal object that notebooks and myst-nb display as HTML; ``.data`` is the frame."""

    def __init__(self, body: str, frame: pd.DataFrame, text: str = ""):
        self.body, self.data, self.text = body, frame, text

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return self.text or self.data.to_string()


def check(*claim_ids: str):
    """Evaluate the named claims and return them as a display table (``.data`` is the frame).

    Chapters call this where they discuss a claim; the scorecard evaluates the
    same claims with the same functions (memoised), so they cannot disagree.
    """
    results = [evaluate(get_claim(i)) for i in claim_ids]
    df = frame(results)[["quantity", "reported", "reproduced", "rule", "meets rule", "null passes", "status", "data",
                         "note"]]
    return _HTML(_html_table(df.reset_index(drop=True), [r.status for r in results], row_below="note"), df)


def check_section(anchor: str):
    """Evaluate every claim declared for one chapter section (its ``anchor``) and show them as :func:`check` does."""
    from ..errors import DataValidationError

    ids = [c.id for c in load_claims() if c.anchor == anchor]
    if not ids:
        raise DataValidationError(f"no claim is declared with anchor {anchor!r}")
    return check(*ids)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def verdict_sentence(r: ClaimResult) -> str:
    """One sentence stating a claim's verdict, generated from its evaluated result (never typed).

    Examples
    --------
    >>> print(verdict_sentence(evaluate(get_claim("kim2025.asr.liquid_bare"))))  # doctest: +ELLIPSIS
    *ASR of 25 µm of a 20 mS/cm liquid electrolyte, no separator*: 0.125 Ω cm² here against the paper's 0.125 Ω cm²: **reproduced**...
    """
    c = r.claim
    st = r.status
    q = f"*{c.quantity[0].upper() + c.quantity[1:]}*"
    lead = (f"{q}: the paper's {c.reported_str()}" if r.reproduced is None
            else f"{q}: {reproduced_str(r)} here against the paper's {c.reported_str()}")
    if st == "uninformative":
        tail = (f"the same check passes on {r.null_pass_rate:.0%} of {r.null_draws} draws in which "
                f"{c.null_description[0].lower() + c.null_description[1:].rstrip('.')}, so agreement here is no "
                "evidence")
    elif st == "model-dependent":
        vals = "; ".join(f"{k}: {variant_str(r, k)}" for k in r.variant_flips)
        tail = f"{'it meets' if r.meets_rule else 'it misses'} the rule, but the verdict flips under {vals}"
    elif st == "by construction":
        tail = f"{'it meets' if r.meets_rule else 'it misses'} the rule by construction: {r.by_construction}"
    elif st == "surrogate":
        tail = f"{'it meets' if r.meets_rule else 'it misses'} the rule on the surrogate, which is no evidence"
    elif st == "not comparable":
        tail = "the number depends on the data, and these are not the paper's"
    elif st in ("not checkable", "differs", "not reached") and r.note:
        tail = r.note.rstrip(".")
    else:
        tail = ""
    null = ""
    if st == "reproduced" and r.null_pass_rate is not None:
        null = f" (the check fails on {1 - r.null_pass_rate:.0%} of {r.null_draws} null draws)"
    return f"{lead}: **{st}**{null}" + (f"; {tail}." if tail else ".")


def verdict_sentences(anchor: str) -> str:
    """One Markdown bullet per claim of a chapter section, stating each verdict (see :func:`verdict_sentence`)."""
    return "\n".join(f"- {verdict_sentence(evaluate(c))}" for c in load_claims() if c.anchor == anchor)


def headline_html(paper: str, chapter: str | None = None):
    """The paper's (or one chapter's) headline verdict as a display box (see :func:`ssekit.claims.headline`)."""
    results = [evaluate(c) for c in load_claims(paper=paper) if chapter is None or c.chapter == chapter]
    text = headline(paper, results, chapter)
    body = f'<div class="ssekit-headline"><strong>Verdict.</strong> {html.escape(text)}</div>'
    return _HTML(body, frame(results), text)


def _chapter_title(chapter: str, book_dir) -> str:
    from pathlib import Path

    repo_book = Path(__file__).resolve().parents[2] / "book"  # the checkout's chapters (editable install)
    for page in (Path(book_dir) / f"{chapter}.md", repo_book / f"{chapter}.md"):
        if page.is_file():
            for line in page.read_text(encoding="utf-8").splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return chapter


def papers_table(book_dir: str | None = None, link_suffix: str = ".md"):
    """The papers of ``papers.toml`` with what the book checks and links to their chapters (the intro's table).

    ``book_dir`` is where the chapters are (default: the working directory,
    which is ``book/`` when a chapter runs); a chapter's title is its first heading.
    """
    import os

    book_dir = os.getcwd() if book_dir is None else book_dir
    rows, body = [], ['<div class="ssekit-table-wrap"><table class="ssekit-papers"><thead><tr><th>paper</th>'
                      '<th>what the book checks</th><th>chapters</th></tr></thead><tbody>']
    for key, p in papers().items():
        chapters = p.get("chapters", [])
        links = ", ".join(f'<a href="{html.escape(c)}{link_suffix}">{html.escape(_chapter_title(c, book_dir))}</a>'
                          for c in chapters)
        paper = (f'{html.escape(p["short"])}, <em>{html.escape(p.get("journal", ""))}</em> '
                 f'(<a href="https://doi.org/{html.escape(p["doi"])}">doi:{html.escape(p["doi"])}</a>)')
        body.append(f'<tr><td data-label="paper">{paper}</td><td data-label="what the book checks">'
                    f'{html.escape(p.get("checks", ""))}</td><td data-label="chapters">{links}</td></tr>')
        rows.append({"paper": p["short"], "what the book checks": p.get("checks", ""),
                     "chapters": ", ".join(chapters)})
    body.append("</tbody></table></div>")
    return _HTML("\n".join(body), pd.DataFrame(rows).set_index("paper"))


def inventory(paper: str) -> pd.DataFrame:
    """The paper's inventory (``ssekit/<paper>/inventory.csv``): every checkable statement and how the book handles it.

    Columns item, line, where, statement, kind, checkable (yes/no), handling
    (claim ids, or 'not checkable: <reason>', which may name a deviation); ``claims`` lists
    the claim ids of handled rows.
    """
    import re

    from ..data.shipped import path as registered_path

    df = pd.read_csv(registered_path(f"{paper}/inventory.csv"), dtype=str, keep_default_na=False)
    pattern = re.compile(rf"\b{paper}\.[A-Za-z0-9_.]*[A-Za-z0-9_]")
    df["claims"] = df["handling"].map(lambda h: [] if h.startswith("not checkable") else pattern.findall(h))
    return df


def coverage(results: list[ClaimResult] | None = None) -> pd.DataFrame:
    """Per paper: statements in its inventory, checkable ones, those handled by a claim, and how they came out.

    A statement counts as *informative* when at least one of its claims is
    informative, and *reproduced* when all of its informative claims reproduce.
    """
    results = evaluate_all() if results is None else results
    status = {r.claim.id: r.status for r in results}
    rows = []
    for key, p in papers().items():
        try:
            inv = inventory(key)
        except Exception:  # noqa: BLE001 - a paper without an inventory yet shows zeros
            inv = pd.DataFrame(columns=["checkable", "claims"])
        checkable = inv[inv["checkable"] == "yes"] if len(inv) else inv
        claimed = checkable[checkable["claims"].map(bool)] if len(checkable) else checkable
        informative = [ids for ids in claimed["claims"] if any(status.get(i) in ("reproduced", "differs", "not reached")
                                                                for i in ids)] if len(claimed) else []
        good = [ids for ids in informative
                if all(status.get(i) == "reproduced" for i in ids if status.get(i) in ("reproduced", "differs",
                                                                                      "not reached"))]
        rows.append({"paper": p["short"], "statements": len(inv), "checkable here": len(checkable),
                     "claimed": len(claimed), "informative": len(informative), "reproduced": len(good)})
    return pd.DataFrame(rows).set_index("paper")


def scorecard(paper: str | None = None) -> pd.DataFrame:
    """All claims with fresh values and statuses, as a table."""
    return frame(evaluate_all(paper))


def scorecard_html(results: list[ClaimResult] | None = None, link_suffix: str = ".md") -> str:
    """The scorecard as an HTML table, each claim linked to its chapter section.

    Links name the chapter's ``.md`` file, which JupyterLab opens; the book's
    build rewrites them to the ``.html`` pages (:mod:`ssekit.sphinxext`)."""
    results = evaluate_all() if results is None else results
    df = frame(results).reset_index()
    df["where"] = df["paper"] + ", " + df["where"]  # one column for paper and place: the table fits the page
    df = df.drop(columns=["paper", "kind", "rule"])
    links = [f'<a href="{html.escape(r.claim.chapter)}{link_suffix}#{html.escape(r.claim.anchor)}">'
             f'{html.escape(r.claim.id).replace(".", ".<wbr>")}</a>' for r in results]
    return _html_table(df, [r.status for r in results], "ssekit-scorecard", links, row_below="note")


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


_NUM_OR_NULL = {"type": ["number", "null"]}
_VALUE = {"type": ["number", "boolean", "null"]}

#: The JSON Schema of ``claims.json`` (draft 2020-12), validated in the test suite.
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ssekit claims.json",
    "type": "object",
    "required": ["ssekit_version", "statuses", "headlines", "claims", "deviations"],
    "additionalProperties": False,
    "properties": {
        "ssekit_version": {"type": "string", "description": "version of ssekit that computed the file"},
        "statuses": {"type": "object", "description": "count of claims per status",
                     "propertyNames": {"enum": list(STATUSES)}, "additionalProperties": {"type": "integer"}},
        "headlines": {"type": "object", "description": "one-sentence verdict per paper key",
                      "additionalProperties": {"type": "string"}},
        "claims": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "paper", "paper_citation", "paper_doi", "where", "quantity", "reported",
                         "reported_text", "reported_where", "reproduced", "unit", "kind", "rule", "tolerance",
                         "status", "data", "meets_rule", "agrees", "informative", "null", "null_pass_rate",
                         "null_draws", "samples", "sample_range", "sample_share", "variants", "variant_flips",
                         "knockouts", "by_construction", "by_construction_reason", "note", "chapter", "anchor",
                         "compute", "inputs"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z]+[0-9]{4}\.", "description": "<paper>.<topic>.<name>"},
                "paper": {"type": "string", "description": "paper key (see papers.toml)"},
                "paper_citation": {"type": "string"}, "paper_doi": {"type": "string"},
                "where": {"type": "string", "description": "figure, table or section of the paper"},
                "quantity": {"type": "string", "description": "what is compared"},
                "reported": {"description": "the value the paper prints: number, [low, high], or true for a trend",
                             "type": ["number", "boolean", "array"]},
                "reported_text": {"type": "string"}, "reported_where": {"type": "string"},
                "reproduced": {"description": "the value computed now (median over seeds when stochastic)", **_VALUE},
                "unit": {"type": "string"},
                "kind": {"enum": list(KINDS)},
                "rule": {"enum": list(RULES)},
                "tolerance": {"type": "number"},
                "status": {"enum": list(STATUSES)},
                "data": {"enum": list(DATA_KINDS)},
                "meets_rule": {"type": ["boolean", "null"], "description": "whether the value meets the rule"},
                "agrees": {"type": ["boolean", "null"],
                           "description": "meets_rule counted as evidence: null when uninformative or not checkable"},
                "informative": {"type": "boolean",
                                "description": "reproduced, differs or not reached: counted in the headline"},
                "null": {"type": "string", "description": "what the null removes, or 'none: <reason>'"},
                "null_pass_rate": {**_NUM_OR_NULL, "minimum": 0, "maximum": 1},
                "null_draws": {"type": "integer", "minimum": 0},
                "samples": {"type": "integer", "minimum": 0, "description": "seeds/splits the value is judged on"},
                "sample_range": {"type": ["array", "null"], "items": {"type": "number"}, "description": "5-95 %"},
                "sample_share": {**_NUM_OR_NULL, "description": "share of samples meeting the rule"},
                "variants": {"type": "object", "additionalProperties": _VALUE},
                "variant_flips": {"type": "array", "items": {"type": "string"}},
                "knockouts": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["source", "label", "value", "meets_rule", "flips"],
                    "properties": {"source": {"type": "string"},
                                   "label": {"type": "string", "description": "the knock-out for a reader; the key is the term's id"},
                                   "value": _VALUE,
                                   "meets_rule": {"type": ["boolean", "null"]}, "flips": {"type": "boolean"}}}},
                "by_construction": {"type": "boolean"}, "by_construction_reason": {"type": "string"},
                "note": {"type": "string"}, "chapter": {"type": "string"}, "anchor": {"type": "string"},
                "compute": {"type": "string"}, "inputs": {"type": "string"},
            }}},
        "deviations": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "paper", "where", "paper_method", "book_method", "why", "chapter", "effect"],
            "properties": {k: {"type": "string"} for k in
                           ("id", "paper", "where", "paper_method", "book_method", "why", "chapter", "effect")}}},
    },
}


def _plain(x: Any) -> Any:
    if isinstance(x, bool) or x is None or isinstance(x, (str, int)):
        return x
    try:
        return float(x)
    except (TypeError, ValueError):
        return str(x)


def records(results: list[ClaimResult]) -> list[dict[str, Any]]:
    """One JSON-ready dictionary per claim (see :data:`JSON_SCHEMA`)."""
    out = []
    for r in results:
        c = r.claim
        p = papers()[c.paper]
        null = c.null_description if c.null != "none" else f"none: {c.null_description}"
        out.append({
            "id": c.id, "paper": c.paper, "paper_citation": p["citation"], "paper_doi": p["doi"], "where": c.where,
            "quantity": c.quantity, "reported": c.reported, "reported_text": c.reported_str(),
            "reported_where": c.reported_where, "reproduced": _plain(r.reproduced), "unit": c.unit, "kind": c.kind,
            "rule": c.rule, "tolerance": float(c.tolerance), "status": r.status, "data": r.data,
            "meets_rule": r.meets_rule, "agrees": r.agrees, "informative": r.informative, "null": null,
            "null_pass_rate": r.null_pass_rate, "null_draws": r.null_draws, "samples": r.samples_n,
            "sample_range": list(map(float, r.sample_range)) if r.sample_range else None,
            "sample_share": r.sample_share, "variants": {k: _plain(v) for k, v in r.variants.items()},
            "variant_flips": list(r.variant_flips),
            "knockouts": {k: {"source": v["source"], "label": v["label"], "value": _plain(v["value"]),
                              "meets_rule": v["meets_rule"],
                              "flips": bool(v["flips"])} for k, v in r.knockouts.items()},
            "by_construction": bool(r.by_construction), "by_construction_reason": r.by_construction,
            "note": r.note, "chapter": c.chapter, "anchor": c.anchor, "compute": c.compute, "inputs": c.inputs,
        })
    return out


def to_json(results: list[ClaimResult] | None = None) -> str:
    """Machine-readable scorecard (what the build writes as ``claims.json``)."""
    results = evaluate_all() if results is None else results
    from .. import __version__

    keys = sorted({r.claim.paper for r in results}, key=list(papers()).index)
    payload = {
        "ssekit_version": __version__,
        "statuses": summary(results),
        "headlines": {k: headline(k, results) for k in keys},
        "claims": records(results),
        "deviations": [asdict(d) for d in load_deviations()],
    }
    return json.dumps(payload, indent=2, sort_keys=False, default=str)
