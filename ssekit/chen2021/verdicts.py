"""Sentences that state the verdicts of a chapter section, generated from the evaluated claims.

Examples
--------
>>> _join(["a", "b", "c"])
'a, b and c'
"""

from __future__ import annotations

from .. import claims

__all__ = ["section_sentence"]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _label(r) -> str:
    q = r.claim.quantity
    for cut in (" (", "; "):
        q = q.split(cut)[0]
    return q


def _meets(r):
    for name in ("meets_rule", "agrees"):
        v = getattr(r, name, None)
        if v is not None:
            return bool(v)
    return None


def section_sentence(anchor: str) -> str:
    """One paragraph: how many checks of a section hold, fail, are uninformative or fixed by construction, and which.

    Generated from :func:`ssekit.claims.evaluate` on every claim whose
    anchor is ``anchor``, so the prose cannot contradict the table below it.
    """
    results = [claims.evaluate(c) for c in claims.load_claims() if c.anchor == anchor]
    groups: dict[str, list[str]] = {"holds": [], "fails": [], "uninformative": [], "by construction": [],
                                    "not checkable": []}
    data = {r.data for r in results}
    for r in results:
        st = r.status
        if st in ("not checkable", "not reached"):
            groups["not checkable"].append(_label(r))
        elif st == "by construction":
            groups["by construction"].append(_label(r))
        elif st == "uninformative":
            groups["uninformative"].append(_label(r))
        elif _meets(r):
            groups["holds"].append(_label(r))
        else:
            groups["fails"].append(_label(r))
    on = "on the surrogate data" if data == {"surrogate"} else "on the paper's printed numbers" \
        if data == {"paper inputs"} else "on the data named in the table"
    parts = []

    def verb(key: str, one: str, many: str) -> str:
        n = len(groups[key])
        return f"{n} {one if n == 1 else many}"
    if groups["holds"]:
        parts.append(f"{verb('holds', 'meets', 'meet')} the paper's statement ({_join(groups['holds'])})")
    if groups["fails"]:
        parts.append(f"{verb('fails', 'does', 'do')} not ({_join(groups['fails'])})")
    if groups["uninformative"]:
        parts.append(f"{verb('uninformative', 'is', 'are')} uninformative, because the same check also passes on more "
                     f"than 10 % of inputs with the effect removed ({_join(groups['uninformative'])})")
    if groups["by construction"]:
        parts.append(f"{verb('by construction', 'holds', 'hold')} by construction of the surrogate generator "
                     f"({_join(groups['by construction'])})")
    if groups["not checkable"]:
        parts.append(f"{verb('not checkable', 'cannot', 'cannot')} be checked here ({_join(groups['not checkable'])})")
    if not parts:
        return ""
    n = len(results)
    head = f"Of the {n} checks in this section, computed {on}, " if n > 1 else f"The check in this section, computed {on}, "
    return head + "; ".join(parts) + "."
