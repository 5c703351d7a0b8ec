"""Evaluating claims: the value, whether it meets the rule, and whether the check could have failed.

For every claim the engine

1. calls the claim's ``compute`` on its default ``inputs`` (a deep copy, so a
   compute function or a reader editing a table cannot change later claims);
2. judges the result -- on the distribution when the value depends on seeds
   or splits (``Reproduction.samples``): a value claim needs the median to
   meet the rule and the reported value inside the 5-95 % range (widened by
   the claim's tolerance); a bound needs the median to meet it; a trend needs
   it in at least half of the samples;
3. runs the claim's **null**: ``null_draws`` draws of inputs with the tested
   effect removed (seeds 0..N-1), each judged the same way; the share of
   draws that still meet the rule is the **null pass rate**. Above
   :data:`~ssekit.claims.model.UNINFORMATIVE_ABOVE` the claim is
   *uninformative*: the verdict would be the same whatever the data said;
4. runs each **knock-out** of a surrogate generator term sourced from a paper
   finding: a verdict that flips without the term is *by construction*;
5. evaluates the declared **variants** of the model: a verdict that flips
   within them is *model-dependent*.

Examples
--------
>>> r = evaluate(get_claim("kim2025.asr.liquid_bare"))
>>> r.status, r.meets_rule
('reproduced', True)
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DataValidationError
from ..threads import single_threaded
from .model import (COUNTED, MIN_SAMPLES, STATUSES, UNINFORMATIVE_ABOVE, Claim, ClaimResult, Reproduction, compare,
                    rule_flips)
from .registry import get_claim, load_claims, papers, resolve

__all__ = ["Verdict", "judge", "default_inputs", "run_compute", "null_pass_rate", "evaluate", "evaluate_all",
           "clear_memo", "summary", "summary_by_paper", "headline", "check_paper"]

_NO_INPUTS = object()
#: A code identifier (``visc_weight_p``) where a reader expects words, as scripts/figure_check.py finds them.
IDENTIFIER = re.compile(r"(?<![\w$\\{])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+(?![\w}])")
_MEMO: dict[tuple, ClaimResult] = {}


@dataclass(frozen=True)
class Verdict:
    """The judged value of one :class:`Reproduction`: value, whether it meets the rule, and its distribution."""

    value: Any
    meets: bool | None
    n: int = 0
    low: float | None = None
    high: float | None = None
    share: float | None = None


def _is_bool(x: Any) -> bool:
    return isinstance(x, (bool, np.bool_))


def judge(claim: Claim, rep: Reproduction) -> Verdict:
    """Judge one reproduction against the claim's rule (on its samples when it has them).

    Examples
    --------
    >>> c = get_claim("kim2025.asr.liquid_bare")
    >>> judge(c, Reproduction(0.125, "paper inputs")).meets
    True
    >>> v = judge(c, Reproduction(None, "model", samples=[0.12, 0.125, 0.13] * 10))
    >>> round(v.value, 3), v.meets, v.n
    (0.125, True, 30)
    """
    if rep.outcome == "not reached" or not rep.checkable:
        return Verdict(None, None if not rep.checkable else False)
    if rep.samples:
        s = list(rep.samples)
        if all(_is_bool(x) for x in s):
            hits = [compare(claim.rule, claim.reported, bool(x), claim.tolerance) for x in s]
            share = float(np.mean(hits))
            value = bool(np.mean([bool(x) for x in s]) >= 0.5)
            return Verdict(value, share >= 0.5, len(s), share=share)
        arr = np.asarray(s, dtype=float)
        arr = arr[~np.isnan(arr)]
        if arr.size == 0:
            return Verdict(float("nan"), False, len(s))
        med, lo, hi = (float(np.quantile(arr, q)) for q in (0.5, 0.05, 0.95))
        meets = compare(claim.rule, claim.reported, med, claim.tolerance)
        if meets and claim.rule in ("rel", "abs"):
            r = float(claim.reported)
            slack = claim.tolerance * abs(r) if claim.rule == "rel" else claim.tolerance
            meets = lo - slack <= r <= hi + slack
        share = float(np.mean([compare(claim.rule, claim.reported, float(x), claim.tolerance) for x in arr]))
        return Verdict(med, meets, len(s), lo, hi, share)
    if rep.value is None:
        return Verdict(None, None)
    value = bool(rep.value) if _is_bool(rep.value) else float(rep.value)
    return Verdict(value, compare(claim.rule, claim.reported, value, claim.tolerance))


def default_inputs(claim: Claim) -> Any:
    """A fresh deep copy of the claim's default inputs (a sentinel when it declares none)."""
    if not claim.inputs:
        return _NO_INPUTS
    return copy.deepcopy(resolve(claim.inputs)())


def run_compute(claim: Claim, inputs: Any = _NO_INPUTS, *, copy_inputs: bool = True) -> Reproduction:
    """Call the claim's compute function on ``inputs`` (deep-copied, unless the caller made them for this call
    alone) and check that it returns a :class:`Reproduction`."""
    f = resolve(claim.compute)
    out = f() if inputs is _NO_INPUTS else f(copy.deepcopy(inputs) if copy_inputs else inputs)
    if not isinstance(out, Reproduction):
        raise DataValidationError(f"claim {claim.id}: {claim.compute} must return a Reproduction with its data kind "
                                  f"(one of 'paper inputs', 'paper data', 'substitute data', 'model', 'surrogate'), "
                                  f"got {type(out).__name__}")
    return out


class _Computed:
    """Judged results of one claim's compute function by inputs (hashed), so identical null draws,
    variants or knock-outs are computed once."""

    def __init__(self, claim: Claim):
        self.claim, self.seen = claim, {}

    def __call__(self, inputs: Any, fresh: bool = False) -> Verdict:
        key = _content_key(inputs) if inputs is not _NO_INPUTS else "none"
        if key not in self.seen:
            self.seen[key] = judge(self.claim, run_compute(self.claim, inputs, copy_inputs=not fresh))
        return self.seen[key]


def _content_key(inputs: Any) -> str:
    """A digest of ``inputs`` that equal inputs share: sha256 of their pickle (the C pickler, some 20 times quicker
    than joblib's hashing pickler, which costs a fifth of a claims evaluation at ~5,600 null draws).

    Only ever written, never loaded. Two equal inputs whose pickles differ (e.g. tables stored in other block
    layouts) are merely computed twice; different inputs never share a digest. Inputs that do not pickle fall back
    to :func:`joblib.hash`.
    """
    import hashlib
    import pickle

    try:
        return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    except Exception:
        from joblib import hash as content_hash

        return "joblib:" + content_hash(inputs)


def _null_inputs(claim: Claim, inputs: Any, seed: int) -> Any:
    return resolve(claim.null)(copy.deepcopy(inputs), np.random.default_rng(seed))


def null_pass_rate(claim: Claim, inputs: Any = None, draws: int | None = None) -> float | None:
    """Share of null draws (seeds 0..N-1) on which the claim's rule still passes; None when it declares no null.

    Examples
    --------
    >>> null_pass_rate(get_claim("kim2025.asr.liquid_bare")) is None
    True
    """
    if not claim.null or claim.null == "none":
        return None
    inputs = default_inputs(claim) if inputs is None else inputs
    n = claim.null_draws if draws is None else draws
    computed = _Computed(claim)
    passes = [bool(computed(_null_inputs(claim, inputs, seed), fresh=True).meets) for seed in range(n)]
    return float(np.mean(passes))


def _functions(claim: Claim) -> tuple:
    names = (claim.compute, claim.inputs, claim.null, claim.knockouts, claim.variants)
    return tuple(resolve(n) if n and ":" in n else n for n in names)


def _memo_key(claim: Claim, nulls: bool) -> tuple:
    """What a memoised result depends on: the declaration, the functions its names resolve to now (a test that
    swaps a module gets fresh results), and the user-supplied inputs named by the environment (e.g. the
    Chen et al. 2021 Table S1, by content)."""
    from .._cache import env_inputs_key

    return repr(claim), nulls, _functions(claim), env_inputs_key()


def _stored(claim: Claim, nulls: bool) -> tuple | None:
    """The disk-cache key of a claim's result (see :mod:`ssekit._cache`: under a hash of ssekit's source and
    data, so a result never outlives the code that made it), or None when the claim uses code outside ssekit."""
    from .._cache import env_inputs_key

    if not all(getattr(f, "__module__", "").startswith("ssekit.") for f in _functions(claim) if callable(f)):
        return None
    return claim, nulls, env_inputs_key()


def _evaluated(claim: Claim, nulls: bool, env_key: str) -> ClaimResult:
    """Names the disk-cache entries of :func:`evaluate` on default inputs (never called)."""
    raise NotImplementedError


def _from_disk(claim: Claim, nulls: bool, quiet: bool = False) -> ClaimResult | None:
    from .._cache import MISSING, memory

    key = _stored(claim, nulls)
    mem = memory()
    if key is None or mem.location is None:
        return None
    r = mem._lookup(_evaluated, key, {}, quiet)
    if r is MISSING or not isinstance(r, ClaimResult) or r.claim != claim or r.status not in STATUSES:
        return None
    return ClaimResult(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "claim": claim})


def _to_disk(result: ClaimResult, nulls: bool) -> None:
    from .._cache import memory

    key = _stored(result.claim, nulls)
    if key is not None:
        memory().store(result, _evaluated, *key)


def clear_memo() -> None:
    """Forget the memoised results of :func:`evaluate` (tests that monkeypatch a claim's functions call it)."""
    _MEMO.clear()


def evaluate(claim: Claim, inputs: Any = None, *, nulls: bool = True) -> ClaimResult:
    """Compute a claim now, run its null, knock-outs and variants, and decide its status.

    Parameters
    ----------
    claim : Claim
        The declaration.
    inputs : optional
        Inputs to compute from instead of the claim's defaults (a test's own
        table, a null draw). Results on default inputs are memoised per process.
    nulls : bool
        Run the null, knock-outs and variants (False: the value and rule only).
    """
    memo_key = _memo_key(claim, nulls)
    if inputs is None:
        if memo_key in _MEMO:
            return _MEMO[memo_key]
        stored = _from_disk(claim, nulls)
        if stored is None and (key := _stored(claim, nulls)) is not None:
            from .._cache import memory

            with memory().locked(_evaluated, *key):  # another process evaluating it: wait and read its result
                stored = _from_disk(claim, nulls, quiet=True)
                if stored is None:
                    _MEMO[memo_key] = _evaluate(claim, None, nulls)
                    _to_disk(_MEMO[memo_key], nulls)
                    return _MEMO[memo_key]
        if stored is not None:
            _MEMO[memo_key] = stored
            return stored
    result = _evaluate(claim, inputs, nulls)
    if inputs is None:
        _MEMO[memo_key] = result
        _to_disk(result, nulls)
    return result


@single_threaded  # hundreds of small fits per claim: pool threads only spin on a busy machine (same numbers)
def _evaluate(claim: Claim, inputs: Any, nulls: bool) -> ClaimResult:
    inp = default_inputs(claim) if inputs is None else inputs
    rep = run_compute(claim, inp)
    v = judge(claim, rep)
    constructed = claim.by_construction or rep.by_construction
    base = dict(claim=claim, data=rep.data, note=rep.note, samples_n=v.n,
                sample_range=(v.low, v.high) if v.low is not None else None, sample_share=v.share,
                null_description=claim.null_description)
    if rep.outcome == "not reached":
        result = ClaimResult(reproduced=None, status="not reached", meets_rule=False, by_construction=constructed, **base)
    elif not rep.checkable or v.value is None:
        result = ClaimResult(reproduced=rep.value, status="not checkable", meets_rule=None, by_construction=constructed,
                             **base)
    else:
        rate, knock, var, flips = None, {}, {}, []
        if nulls and claim.knockouts:
            for term, (source, kinp, label) in resolve(claim.knockouts)(copy.deepcopy(inp)).items():
                kv = judge(claim, run_compute(claim, kinp))
                knock[term] = {"source": source, "label": label, "value": kv.value, "meets_rule": kv.meets,
                               "flips": kv.meets != v.meets}
            flipped = [t for t, k in knock.items() if k["flips"]]
            if flipped and not constructed:  # the reader's label, not the term's id (that stays in claims.json)
                constructed = "; ".join(f"the verdict flips with {knock[t]['label']} "
                                        f"(the term was taken from {knock[t]['source']})" for t in flipped)
        if nulls:
            rate = null_pass_rate(claim, inp)
        if nulls and claim.variants:
            for name, vinp in resolve(claim.variants)(copy.deepcopy(inp)).items():
                vv = judge(claim, run_compute(claim, vinp))
                var[name] = vv.value
                if vv.meets != v.meets:
                    flips.append(name)
        if constructed:
            status = "by construction"
        elif not rep.comparable:
            status = "not comparable"
        elif rate is not None and rate > UNINFORMATIVE_ABOVE:
            status = "uninformative"
        elif flips:
            status = "model-dependent"
        elif rep.data == "surrogate":
            status = "surrogate"
        else:
            status = "reproduced" if v.meets else "differs"
        result = ClaimResult(reproduced=v.value, status=status, meets_rule=v.meets, by_construction=constructed,
                             null_pass_rate=rate, null_draws=claim.null_draws if rate is not None else 0,
                             variants=var, variant_flips=tuple(flips), knockouts=knock, **base)
    return result


def _busy(claim: Claim, nulls: bool) -> bool:
    """Another process (a chapter's kernel, a test worker) is evaluating this claim into the disk cache now."""
    from .._cache import memory

    key = _stored(claim, nulls)
    return key is not None and _memo_key(claim, nulls) not in _MEMO and memory().busy(_evaluated, *key)


def _evaluate_in_turn(claims: list[Claim], nulls: bool) -> list[ClaimResult]:
    """:func:`evaluate` of each claim, those another process is evaluating right now left to the end.

    Waiting for that process's result while other claims are left to do would idle a core; by the end it has
    usually stored it. The results, and their order, are those of evaluating the claims one by one.
    """
    results: dict[int, ClaimResult] = {}
    later = []
    for i, c in enumerate(claims):
        if _busy(c, nulls):
            later.append(i)
        else:
            results[i] = evaluate(c, nulls=nulls)
    for i in later:
        results[i] = evaluate(claims[i], nulls=nulls)
    return [results[i] for i in range(len(claims))]


def _evaluate_paper(paper: str, nulls: bool) -> list[ClaimResult]:
    return _evaluate_in_turn(load_claims(paper=paper), nulls)


def evaluate_all(paper: str | None = None, *, nulls: bool = True, n_jobs: int = 1) -> list[ClaimResult]:
    """Evaluate every declared claim (optionally of one paper).

    ``n_jobs`` > 1 evaluates the papers in that many worker processes (each
    single-threaded, see :func:`ssekit.threads.parallel_map`), the papers
    whose ``claims_seconds`` in ``papers.toml`` is largest first; every claim is
    seeded on its own, so the results are the same for any ``n_jobs``.
    """
    keys = [paper] if paper is not None else list(papers())
    for c in (c for k in keys for c in load_claims(paper=k)):
        if _memo_key(c, nulls) not in _MEMO and (stored := _from_disk(c, nulls)) is not None:
            _MEMO[_memo_key(c, nulls)] = stored
    todo = [k for k in keys if any(_memo_key(c, nulls) not in _MEMO for c in load_claims(paper=k))]
    # longest first (papers.toml's claims_seconds), so the workers finish together; results keep registry order
    todo.sort(key=lambda k: -float(papers()[k].get("claims_seconds", 0)))
    if n_jobs > 1 and len(todo) > 1:
        from ..threads import parallel_map

        for k, results in zip(todo, parallel_map(_evaluate_paper, [(k, nulls) for k in todo], n_jobs=n_jobs)):
            for c, r in zip(load_claims(paper=k), results):
                _MEMO[_memo_key(c, nulls)] = r
    return _evaluate_in_turn([c for k in keys for c in load_claims(paper=k)], nulls)


def summary(results: list[ClaimResult]) -> dict[str, int]:
    """Count of claims per status (every status listed, zero included)."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


def summary_by_paper(results: list[ClaimResult]):
    """Claims per paper and status (every status a column), with the informative count."""
    import pandas as pd

    df = pd.DataFrame([(papers()[r.claim.paper]["short"], r.status) for r in results], columns=["paper", "status"])
    out = pd.crosstab(df["paper"], df["status"]).reindex(columns=list(STATUSES), fill_value=0)
    out["total"] = out.sum(axis=1)
    out.columns.name = None
    return out


_ON_DATA = {"paper inputs": "on the paper's own inputs", "paper data": "on the paper's own data",
            "substitute data": "on substitute data", "model": "with a model on literature-typical parameters",
            "surrogate": "on the surrogate"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def headline(paper: str, results: list[ClaimResult] | None = None, chapter: str | None = None) -> str:
    """One sentence: of the informative claims checkable here, how many reproduced, on which data.

    In the spirit of ReScience's [Re]/[¬Re]. ``chapter`` restricts it to one
    chapter's claims.
    """
    if results is None:
        results = evaluate_all(paper)
    rs = [r for r in results if r.claim.paper == paper and (chapter is None or r.claim.chapter == chapter)]
    short = papers()[paper]["short"]
    scope = f"{short}, this chapter" if chapter else short
    if not rs:
        return f"{scope}: no claims are checked here."
    counted = [r for r in rs if r.status in COUNTED]
    good = [r for r in counted if r.status == "reproduced"]
    by_data: dict[str, int] = {}
    for r in good:
        by_data[r.data] = by_data.get(r.data, 0) + 1
    how = ", ".join(f"{n} {_ON_DATA[d]}" for d, n in sorted(by_data.items(), key=lambda kv: (-kv[1], kv[0])))
    counts = summary(rs)
    rest = [f"{counts[s]} {s}" for s in ("uninformative", "model-dependent", "not comparable", "surrogate",
                                          "by construction", "not checkable") if counts[s]]
    lead = (f"{scope}: {len(good)} of {_plural(len(counted), 'informative claim')} checkable here reproduced"
            + (f" ({how})" if how else ""))
    tail = f"; of the other {len(rs) - len(counted)}, " + ", ".join(rest) if rest else ""
    return lead + tail + "."


def check_paper(paper: str, *, raise_on_error: bool = True) -> list[str]:
    """Run the claim contract on every claim of one paper; the list of problems (raises unless asked not to).

    The contract, in the spirit of scikit-learn's ``check_estimator``: each
    claim quotes the passage that prints its value, has a rule whose
    arithmetic can flip, declares a null (or ``"none"`` with the reason),
    returns a :class:`Reproduction` with its data kind on its default inputs
    and on one null draw, judges stochastic values on at least
    :data:`~ssekit.claims.model.MIN_SAMPLES` samples, and its knock-outs and
    variants run.

    Examples
    --------
    >>> check_paper("kim2025", raise_on_error=False) == check_paper("kim2025", raise_on_error=False)
    True
    """
    problems: list[str] = []
    for c in load_claims(paper=paper):
        try:
            _contract(c, problems)
        except Exception as exc:  # noqa: BLE001 - the contract reports every failure, not the first
            problems.append(f"{c.id}: {type(exc).__name__}: {exc}")
    if problems and raise_on_error:
        raise DataValidationError(f"{paper}: {len(problems)} claim contract problem(s):\n" + "\n".join(problems))
    return problems


def _contract(c: Claim, problems: list[str]) -> None:
    if "'" not in c.reported_where:
        problems.append(f"{c.id}: reported_where must quote the passage that prints the value ('...')")
    ok, bad = rule_flips(c)
    if not (compare(c.rule, c.reported, ok, c.tolerance) and not compare(c.rule, c.reported, bad, c.tolerance)):
        problems.append(f"{c.id}: its rule cannot flip")
    if not c.null:
        problems.append(f"{c.id}: declares no null (a 'module:function', or 'none' with the reason)")
    elif c.null != "none" and not c.inputs:
        problems.append(f"{c.id}: a null needs declared inputs to act on")
    inp = default_inputs(c)
    r = evaluate(c)  # computed on its defaults with its null, knock-outs and variants (memoised, or from the cache)
    if r.samples_n and r.samples_n < MIN_SAMPLES:
        problems.append(f"{c.id}: judged on {r.samples_n} samples; at least {MIN_SAMPLES}")
    if c.null and c.null != "none":
        nrep = run_compute(c, _null_inputs(c, inp, 0))
        if nrep.data != r.data:
            problems.append(f"{c.id}: the null changes the data kind ({r.data} -> {nrep.data})")
    if c.knockouts:
        for term, pair in resolve(c.knockouts)(copy.deepcopy(inp)).items():
            if not (isinstance(pair, tuple) and len(pair) == 3 and all(isinstance(x, str) and x for x in pair[::2])):
                problems.append(f"{c.id}: knock-out {term!r} must give (source finding, inputs, reader's label)")
            elif IDENTIFIER.search(pair[2]):
                problems.append(f"{c.id}: knock-out {term!r} has a code identifier in its label {pair[2]!r}")
    if c.variants:
        vs = resolve(c.variants)(copy.deepcopy(inp))
        if not isinstance(vs, dict) or not vs:
            problems.append(f"{c.id}: variants must give a non-empty dict of name -> inputs")
        elif set(r.variants) != set(vs):  # evaluate() runs them once the claim is checkable
            for vinp in vs.values():
                run_compute(c, vinp)
