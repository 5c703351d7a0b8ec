"""Sentences the Kim et al. 2025 chapters print about computed results, generated from them (never typed).

Examples
--------
>>> _join(["a", "b", "c"])
'a, b and c'
"""

from __future__ import annotations

from .. import claims

__all__ = ["verdict_sentences"]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _value(r) -> str:
    v = r.reproduced
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "no value"
    unit = f" {r.claim.unit}" if r.claim.unit else ""
    return f"{v:.3g}{unit}"


def verdict_sentences(anchor: str) -> str:
    """One Markdown bullet per claim of a chapter section: what the book finds, against what the review says, and the verdict.

    The status and note come from :func:`ssekit.claims.evaluate` (the same
    call the verdict table makes), so the sentence cannot disagree with it.
    """
    out = []
    for c in claims.load_claims():
        if c.anchor != anchor:
            continue
        r = claims.evaluate(c)
        lead = f"- *{c.quantity}*: {_value(r)} here against the review's {c.reported_str()}: **{r.status}**"
        if r.status == "uninformative":
            extra = (f": the same check passes on {r.null_pass_rate:.0%} of {r.null_draws} null draws "
                     f"({r.null_description}), so agreement here is not evidence")
        elif r.status == "model-dependent":
            vals = [v for v in r.variants.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
            span = f" (from {min(vals):.3g} to {max(vals):.3g} {c.unit} over the variants)" if vals else ""
            extra = f": the verdict flips under {_join([f'“{v}”' for v in r.variant_flips])}{span}"
        elif r.status == "reproduced":
            extra = ""
        else:
            extra = f" ({r.note})" if r.note else ""
        out.append(lead + extra + ".")
    return "\n".join(out)
