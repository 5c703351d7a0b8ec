"""Sentences that state the verdicts of a chapter section, generated from the evaluated claims.

Examples
--------
>>> _join(["a", "b", "c"])
'a, b and c'
"""

from __future__ import annotations

import re

from .. import claims

__all__ = ["section_sentence"]


def _join(items: list[str]) -> str:
    sep = "; " if any("," in i for i in items) else ", "
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + " and " + items[-1]


def _label(r) -> str:
    """The claim's quantity without its parenthetical readings and rules."""
    q = r.claim.quantity
    while True:
        new = re.sub(r"\s*\([^()]*\)", "", q)
        if new == q:
            break
        q = new
    for cut in (": ", "; ", " against ", " ('"):
        q = q.split(cut)[0]
    return q.strip().rstrip(",;")


def _merge(labels: list[str]) -> list[str]:
    """Sub-cases of one sentence told once: '... at P 4 %', '... at P 5 %' -> '... at P 4 and 5 %'."""
    out: list[str] = []
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for lab in labels:
        m = re.fullmatch(r"(.*) at P (\d+) %", lab) or re.fullmatch(r"the class (\d \| \d) boundary (.*)", lab)
        if m and lab.startswith("the class "):
            key, part = f"the class {{}} boundary {m.group(2)}", m.group(1)
        elif m:
            key, part = m.group(1) + " at P {} %", m.group(2)
        else:
            key, part = lab, None
        if key not in groups:
            groups[key] = []
            order.append(key)
        if part is not None:
            groups[key].append(part)
    for key in order:
        parts = groups[key]
        if not parts:
            out.append(key)
        elif key.startswith("the class {} boundary"):
            text = key.format(_join(parts))
            if len(parts) > 1:
                text = (text.replace(" boundary ", " boundaries ").replace(" is tilted", " are tilted")
                        .replace(" shifts ", " shift ").replace("of its range", "of the range"))
            out.append(text)
        else:
            out.append(key.format(_join(parts)))
    return out


def _meets(r):
    for name in ("meets_rule", "agrees"):
        v = getattr(r, name, None)
        if v is not None:
            return bool(v)
    return None


def _bucket(r) -> str:
    st = r.status
    if st in ("not checkable", "not reached"):
        return "not checkable"
    if st == "by construction":
        return "by construction" if _meets(r) else "fails by construction"
    if st == "uninformative":
        return "uninformative"
    return "holds" if _meets(r) else "fails"


def section_sentence(anchor: str) -> str:
    """One paragraph: how many checks of a section hold, fail, are uninformative or fixed by construction, and which.

    Generated from :func:`ssekit.claims.evaluate` on every claim whose
    anchor is ``anchor``, so the prose cannot contradict the table below it.
    """
    results = [claims.evaluate(c) for c in claims.load_claims() if c.anchor == anchor]
    groups: dict[str, list[str]] = {"holds": [], "fails": [], "uninformative": [], "by construction": [],
                                    "fails by construction": [], "not checkable": []}
    data = {r.data for r in results}
    for r in results:
        st = r.status
        if st in ("not checkable", "not reached"):
            groups["not checkable"].append(_label(r))
        elif st == "by construction":
            groups["by construction" if _meets(r) else "fails by construction"].append(_label(r))
        elif st == "uninformative":
            groups["uninformative"].append(_label(r))
        elif _meets(r):
            groups["holds"].append(_label(r))
        else:
            groups["fails"].append(_label(r))
    on = "on the surrogate data" if data == {"surrogate"} else "on the paper's printed numbers" \
        if data == {"paper inputs"} else "on the data named in the table"
    parts = []

    groups = {k: _merge(v) if k != "not checkable" else v for k, v in groups.items()}
    counts = {k: sum(1 for r in results if _bucket(r) == k) for k in groups}

    def verb(key: str, one: str, many: str) -> str:
        n = counts[key]
        return f"{n} {one if n == 1 else many}"
    if groups["holds"]:
        parts.append(f"{verb('holds', 'meets', 'meet')} the paper's statement ({_join(groups['holds'])})")
    if groups["fails"]:
        parts.append(f"{verb('fails', 'does', 'do')} not meet it ({_join(groups['fails'])})")
    if groups["uninformative"]:
        parts.append(f"{verb('uninformative', 'is', 'are')} uninformative, because the same check also passes on more "
                     f"than 10 % of inputs with the effect removed ({_join(groups['uninformative'])})")
    if groups["by construction"]:
        parts.append(f"{verb('by construction', 'holds', 'hold')}, but by construction of the surrogate generator "
                     f"({_join(groups['by construction'])})")
    if groups["fails by construction"]:
        parts.append(f"{verb('fails by construction', 'does', 'do')} not hold, and that verdict too is fixed by the "
                     f"surrogate generator ({_join(groups['fails by construction'])})")
    if groups["not checkable"]:
        parts.append(f"{verb('not checkable', 'cannot', 'cannot')} be checked here ({_join(groups['not checkable'])})")
    if not parts:
        return ""
    n = len(results)
    head = f"Of the {n} checks in this section, computed {on}: " if n > 1 else f"The check in this section, computed {on}: "
    return head + ". ".join(parts) + "."
