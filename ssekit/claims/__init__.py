"""The claims engine: every paper claim the book checks, whether the check could have failed, and its verdict.

Claims are declared as data, one file per paper (``ssekit/<paper>/claims.toml``,
the papers listed in ``ssekit/data/papers.toml``): which paper, where in it,
the quantity, the value the paper prints and the passage that prints it, the
kind of claim, the rule and tolerance, the chapter section that discusses it,
and the functions (``module:function``) that make the evidence:

``inputs``
    the claim's default inputs (a table, a parameter set, seeds); the engine
    hands a deep copy to every call, so nothing a compute function or a reader
    does to it reaches a later claim;
``compute``
    ``compute(inputs) -> Reproduction``: the reproduced value, with its data
    kind (required), and its samples over seeds when it depends on them;
``null``
    ``null(inputs, rng) -> inputs`` with the tested effect removed, or
    ``"none"`` with the reason in ``null_description``;
``variants``
    plausible model variants (``variants(inputs) -> {name: inputs}``);
``knockouts``
    surrogate generator terms sourced from a paper finding
    (``knockouts(inputs) -> {term: (source, inputs, label)}``: the term's id for
    claims.json, the finding it came from, and the knock-out in a reader's words).

Nothing reproduced is typed in: :func:`evaluate` calls these every time (and
memoises the result per process). Chapters call :func:`check_section`; the
scorecard evaluates every claim; both run the same functions.

Kinds: *value* (a printed number, rules ``rel``, ``abs``, ``range``), *bound*
(a one-sided statement, ``greater``/``less``), *trend* (a sign or ordering,
``equal`` to true).

Statuses, in the order the engine decides them:

not reached / not checkable
    the quantity does not exist for the book's inputs, or the paper does not
    give what the check needs;
by construction
    declared, or a knock-out of a surrogate generator term taken from a paper
    finding flips the verdict;
not comparable
    a data-dependent number computed on a substitute data set;
uninformative
    the rule also passes on more than 10 % of null draws;
model-dependent
    the verdict flips within the declared plausible model variants;
surrogate
    computed on the surrogate film data;
reproduced / differs
    the value meets the rule, or not.

Only *reproduced*, *differs* and *not reached* are informative and counted in
a paper's :func:`headline`. Modules: :mod:`~ssekit.claims.model` (data model
and rules), :mod:`~ssekit.claims.registry` (papers, declarations),
:mod:`~ssekit.claims.evaluation` (nulls, knock-outs, variants, contract),
:mod:`~ssekit.claims.rendering` (tables, JSON and its schema).

Examples
--------
>>> compare("rel", 60, 64, 0.25)
True
>>> r = evaluate(get_claim("kim2025.asr.liquid_bare"))
>>> r.status, r.data
('reproduced', 'paper inputs')
"""

from .evaluation import (Verdict, check_paper, clear_memo, default_inputs, evaluate, evaluate_all, headline, judge,
                         null_pass_rate, run_compute, summary, summary_by_paper)
from .model import (COUNTED, DATA_KINDS, KINDS, MIN_NULL_DRAWS, MIN_SAMPLES, RULES, STATUSES, UNINFORMATIVE_ABOVE,
                    Claim, ClaimResult, Deviation, Reproduction, compare, fmt, rule_flips)
from .registry import claims_files, get_claim, load_claims, load_deviations, paper_keys, papers, resolve
from .rendering import (CLAIMS_MIME, JSON_SCHEMA, check, check_section, deviations_frame, deviations_table, frame,
                        headline_html, null_str, papers_table, inventory, coverage, verdict_sentence, verdict_sentences, records, reproduced_str, scorecard, scorecard_html, to_json)

__all__ = ["STATUSES", "COUNTED", "RULES", "KINDS", "DATA_KINDS", "UNINFORMATIVE_ABOVE", "MIN_NULL_DRAWS",
           "MIN_SAMPLES", "Reproduction", "Claim", "ClaimResult", "Deviation", "Verdict", "compare", "fmt",
           "rule_flips", "papers", "paper_keys", "claims_files", "load_claims", "get_claim", "load_deviations",
           "resolve", "judge", "default_inputs", "run_compute", "null_pass_rate", "evaluate", "evaluate_all",
           "clear_memo", "summary", "summary_by_paper", "headline", "check_paper", "frame", "reproduced_str",
           "null_str", "check", "check_section", "scorecard", "scorecard_html", "headline_html", "papers_table", "inventory", "coverage", "verdict_sentence", "verdict_sentences",
           "deviations_frame", "deviations_table", "JSON_SCHEMA", "records", "to_json", "CLAIMS_MIME"]
