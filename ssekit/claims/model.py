"""The data model of the claims engine: claims, reproductions, results, deviations, and the comparison rules.

Examples
--------
>>> compare("rel", 60, 64, 0.25)
True
>>> compare("rel", 30, 5.0, 0.25)
False
>>> Reproduction(1.0, "paper inputs").data
'paper inputs'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataValidationError

__all__ = ["STATUSES", "COUNTED", "RULES", "KINDS", "DATA_KINDS", "UNINFORMATIVE_ABOVE", "MIN_NULL_DRAWS",
           "MIN_SAMPLES", "Reproduction", "Claim", "ClaimResult", "Deviation", "compare", "rule_flips", "fmt"]

#: Every status a claim can have, in the order the scorecard lists them.
STATUSES = ("reproduced", "differs", "not reached", "uninformative", "model-dependent", "not comparable",
            "not checkable", "surrogate", "by construction")
#: The statuses that count as evidence about the paper (the headline's denominator).
COUNTED = ("reproduced", "differs", "not reached")
RULES = ("rel", "abs", "greater", "less", "range", "equal")
KINDS = {"value": ("rel", "abs", "range"), "bound": ("greater", "less"), "trend": ("equal",)}
#: What a reproduced value is computed from.
DATA_KINDS = ("paper inputs", "paper data", "substitute data", "model", "surrogate")
#: A claim whose rule still passes on more than this share of null draws is uninformative.
UNINFORMATIVE_ABOVE = 0.10
MIN_NULL_DRAWS = 20
#: A stochastic claim is judged on at least this many seeds (or splits).
MIN_SAMPLES = 30


@dataclass(frozen=True)
class Reproduction:
    """What a claim's compute function returns.

    Parameters
    ----------
    value : float, bool or None
        The reproduced value (None when not checkable or not reached). With
        ``samples``, the engine replaces it by the median (or, for booleans,
        by whether most samples are true).
    data : str
        What it was computed from, one of :data:`DATA_KINDS`: 'paper inputs'
        (numbers the paper prints), 'paper data' (the paper's own raw data),
        'substitute data' (real measurements that are not the paper's),
        'model' (a documented model with literature-typical parameters) or
        'surrogate' (generated data). Required: nothing defaults to the
        paper's own inputs.
    note : str
        How it was computed, or why it cannot be checked.
    checkable : bool
        False when the paper does not give what the check needs.
    outcome : str
        '' normally; 'not reached' when the quantity does not exist for these inputs.
    by_construction : str
        Why the outcome is fixed by construction ('' if it is not).
    samples : tuple
        The value over seeds, splits or resamples, for a claim that depends on
        them (at least :data:`MIN_SAMPLES`).
    comparable : bool
        False when the number is computed on a substitute data set and the
        quantity depends on the data (e.g. an MAE): status 'not comparable'.

    Examples
    --------
    >>> Reproduction(0.5, "model", samples=(0.4, 0.5, 0.6)).samples
    (0.4, 0.5, 0.6)
    >>> Reproduction(1.0, "the paper")
    Traceback (most recent call last):
    ...
    ssekit.errors.DataValidationError: Reproduction.data must be one of ('paper inputs', 'paper data', 'substitute data', 'model', 'surrogate'), got 'the paper'
    """

    value: float | bool | None
    data: str
    note: str = ""
    checkable: bool = True
    outcome: str = ""
    by_construction: str = ""
    samples: tuple = ()
    comparable: bool = True

    def __post_init__(self) -> None:
        if self.data not in DATA_KINDS:
            raise DataValidationError(f"Reproduction.data must be one of {DATA_KINDS}, got {self.data!r}")
        if self.outcome not in ("", "not reached"):
            raise DataValidationError(f"Reproduction.outcome must be '' or 'not reached', got {self.outcome!r}")
        object.__setattr__(self, "samples", tuple(self.samples))


@dataclass(frozen=True)
class Claim:
    """One paper claim, as declared in a ``claims.toml`` (see :mod:`ssekit.claims`)."""

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
    inputs: str = ""
    null: str = ""
    null_description: str = ""
    null_draws: int = 50
    variants: str = ""
    knockouts: str = ""

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
        if not self.id.startswith(f"{self.paper}."):
            raise DataValidationError(f"claim {self.id}: ids start with their paper's key, '{self.paper}.'")
        if self.null and self.null != "none" and ":" not in self.null:
            raise DataValidationError(f"claim {self.id}: null must be 'module:function' or 'none', got {self.null!r}")
        if self.null and self.null != "none" and self.null_draws < MIN_NULL_DRAWS:
            raise DataValidationError(f"claim {self.id}: null_draws must be >= {MIN_NULL_DRAWS}")
        if self.null and not self.null_description:
            raise DataValidationError(f"claim {self.id}: a null needs a null_description (or the reason it has none)")

    def reported_str(self) -> str:
        """The reported value as the paper states it (``reported_text``), or formatted with its unit."""
        if self.reported_text:
            if (re.fullmatch(r"[\d.]+ ?%", self.reported_text.strip()) and isinstance(self.reported, (int, float))
                    and not isinstance(self.reported, bool) and 0 < self.reported <= 1 and self.unit in ("", "-", "–")):
                return f"{self.reported_text} (= {fmt(self.reported)})"  # a percentage compared as a fraction
            return self.reported_text
        if self.rule == "range":
            return f"{fmt(self.reported[0])}-{fmt(self.reported[1])} {self.unit}".strip()
        return f"{fmt(self.reported)} {self.unit}".strip()

    def rule_str(self) -> str:
        """The comparison rule in words, e.g. 'within 25% of reported'."""
        return {
            "rel": f"within {self.tolerance:.0%} of reported" if self.tolerance >= 0.01 else f"within {self.tolerance:g} (relative)",
            "abs": f"within ±{self.tolerance:g} {self.unit}".rstrip() if self.tolerance else "equal to reported",
            "greater": "greater than reported",
            "less": "less than reported",
            "range": "inside reported range",
            "equal": "as stated",
        }[self.rule]


@dataclass(frozen=True)
class ClaimResult:
    """A claim with its freshly computed value, its evidence and its status.

    ``meets_rule`` is whether the computed value meets the rule; ``agrees`` is
    the same but None whenever the null passes too often, so that
    ``agrees is True`` never rests on a check that could not have failed.
    """

    claim: Claim
    reproduced: float | bool | None
    status: str
    meets_rule: bool | None
    data: str
    note: str = ""
    by_construction: str = ""
    null_pass_rate: float | None = None
    null_draws: int = 0
    null_description: str = ""
    samples_n: int = 0
    sample_range: tuple | None = None
    sample_share: float | None = None
    variants: dict = field(default_factory=dict)
    variant_flips: tuple = ()
    knockouts: dict = field(default_factory=dict)

    @property
    def agrees(self) -> bool | None:
        """Whether the value meets the rule, counted as agreement: None when its null passes too often
        (more than :data:`UNINFORMATIVE_ABOVE` of draws, whatever else decides the status) or not checkable."""
        if self.status == "uninformative" or (self.null_pass_rate is not None
                                              and self.null_pass_rate > UNINFORMATIVE_ABOVE):
            return None
        return self.meets_rule

    @property
    def informative(self) -> bool:
        """True for a checkable claim whose null (if any) rarely passes and that is not fixed by construction."""
        return self.status in COUNTED


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


def fmt(x: Any) -> str:
    """A value as the scorecard prints it.

    Examples
    --------
    >>> fmt(0.000123), fmt(True), fmt(None), fmt(1234.5)
    ('1.23e-04', 'yes', '—', '1234')
    """
    if isinstance(x, bool) or x is None:
        return {True: "yes", False: "no", None: "—"}[x]
    if isinstance(x, (int, float)):
        if x == 0:
            return "0"
        ax = abs(x)
        if 1e-3 <= ax < 1e3:
            return f"{x:.3g}"
        return f"{x:.0f}" if 1e3 <= ax < 1e5 else f"{x:.2e}"
    return str(x)


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
        return bool(reproduced == reported)
    if reproduced is None or isinstance(reproduced, bool):
        return False
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
    """A value that meets the claim's rule and one just outside it: proof that the rule's arithmetic can fail.

    (Whether the *data* could have failed it is the null's job: see :func:`ssekit.claims.evaluate`.)
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
