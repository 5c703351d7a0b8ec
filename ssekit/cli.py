"""Command line: ``ssekit`` (or ``python -m ssekit``).

Subcommands
-----------
claims   print the claims scorecard (fresh computation, or a built claims.json)
data     list the data registry and verify every checksum
films    classify slurry recipes with the Chen et al. 2021 film-quality model
conductivity  predict or train the ionic-conductivity predictor (any parsable composition, with intervals)
cell     energy density, separator thickness thresholds and rate limits (Kim et al. 2025)
microstructure  effective conductivity and tortuosity factor of a phase in a labelled 3D image

What each paper's commands do lives in that paper's package (``ssekit.chen2021.cli``,
``ssekit.mishra2023.cli``, ``ssekit.kim2025.cli``, ``ssekit.alabdali2022.cli``: their
``add_commands`` adds the subcommands, for every paper of papers.toml that has such a
module); this module wires them, runs ``claims`` and ``data``, and turns refusals,
Ctrl-C and SIGTERM into one line and an exit status.

Importing this module is cheap (no pandas, no scikit-learn): the heavy
imports happen inside :func:`main`, where Ctrl-C is caught, so Ctrl-C at
start-up is one line and status 130 too, never a traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SsekitError

if TYPE_CHECKING:  # argparse and json are imported where used: importing this module stays a few ms
    import argparse


def _cmd_claims(args: argparse.Namespace) -> int:
    import json

    import pandas as pd

    from . import claims

    if args.from_build:
        path = Path(args.from_build)
        if not path.exists():
            print(f"ssekit claims: {path} does not exist; build the book first (see README)", file=sys.stderr)
            return 2
        payload = _read_claims_json(path)
        rows = payload["claims"]
        if args.paper:
            rows = [r for r in rows if r["paper"] == args.paper]
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        df = pd.DataFrame(rows).reindex(columns=["id", "status", "reported", "reproduced", "unit", "note"]).set_index("id")
        print(f"claims from {path} (ssekit {payload.get('ssekit_version')})")
    else:
        results = claims.evaluate_all(args.paper)
        if args.json:
            print(claims.to_json(results))
            return 0
        df = claims.frame(results)[["status", "reported", "reproduced", "data", "note"]]
        print("claims computed now")
    with pd.option_context("display.max_colwidth", 70, "display.width", 200):
        print(df.to_string())
    counts = df["status"].value_counts().to_dict()
    print("\n" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 0


def _read_claims_json(path: Path) -> dict:
    """A built claims.json, or an InputError naming what is wrong with it (truncated, not ours)."""
    import json

    from .errors import InputError
    from .files import read_text

    text, notes = read_text(path, "claims.json")
    for n in notes:
        print(n, file=sys.stderr)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
                         "the file is truncated or not a claims.json - rebuild the book (scripts/book)") from None
    if (not isinstance(payload, dict) or not isinstance(payload.get("claims"), list)
            or not all(isinstance(r, dict) and {"id", "paper", "status"} <= set(r) for r in payload["claims"])):
        raise InputError(f"{path}: not a claims.json written by the book (needs a 'claims' list of records with "
                         "id, paper and status); rebuild the book (scripts/book)")
    from .validation import check_claims_records

    if payload["claims"]:
        check_claims_records(payload["claims"], str(path))
    return payload


def _cmd_data(args: argparse.Namespace) -> int:
    import pandas as pd

    from . import data

    reg = data.registry()
    bad = pd.DataFrame(columns=["name", "file", "ok", "message"])
    if not args.no_verify:
        ver = data.verify_all()
        bad = ver[~ver["ok"]]
        reg["checksum"] = reg["name"].map(ver.drop_duplicates("name").set_index("name")["ok"]).map({True: "ok", False: "MISMATCH"})
    cols = ["file", "kind", "rows", "licence", "doi"] + ([] if args.no_verify else ["checksum"])
    with pd.option_context("display.width", 200, "display.max_colwidth", 50):
        print(reg[cols].to_string())
    if args.citations:
        print()
        for name, row in reg.iterrows():
            print(f"{name}: {row['citation']} doi:{row['doi']}")
    for _, row in bad.iterrows():
        print(row["message"], file=sys.stderr)
    if not args.no_verify:
        print(f"{int(len(reg) - (reg['checksum'] != 'ok').sum())} of {len(reg)} registered files verified; "
              f"{int((bad['name'] == '(unregistered)').sum())} unregistered", file=sys.stderr)
    return 1 if len(bad) else 0


def build_parser() -> argparse.ArgumentParser:
    """The ``ssekit`` argument parser with every subcommand."""
    import argparse

    from . import __version__
    from .claims.registry import paper_keys

    p = argparse.ArgumentParser(
        prog="ssekit",
        description="Executable reproduction of papers on thin sulfide solid-electrolyte films: "
        "claims scorecard, shipped data, and the calculations behind the book.",
    )
    p.add_argument("--version", action="version", version=f"ssekit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser(
        "claims",
        help="print the claims scorecard",
        description="Print every paper claim the book checks: reported value, reproduced value, rule and status "
        "(reproduced / differs / not checkable / surrogate). By default the values are computed now; "
        "--from-build reads the claims.json written by the last book build.",
    )
    c.add_argument("--from-build", metavar="PATH", nargs="?", const="_build/html/claims.json",
                   help="read a built claims.json (default path: _build/html/claims.json)")
    c.add_argument("--paper", choices=paper_keys(), help="only this paper's claims (the papers of ssekit/data/papers.toml)")
    c.add_argument("--json", action="store_true", help="print JSON instead of a table")
    c.set_defaults(func=_cmd_claims)

    d = sub.add_parser(
        "data",
        help="list the shipped data sets and verify their checksums",
        description="List the data registry (file, rows, licence, DOI) and verify every file's sha256. "
        "Exits with status 1 if any checksum does not match.",
    )
    d.add_argument("--no-verify", action="store_true", help="list only, skip the checksum verification")
    d.add_argument("--citations", action="store_true", help="also print the full citation of each data set")
    d.set_defaults(func=_cmd_data)



    import importlib
    import importlib.util

    for key in paper_keys():  # each paper of papers.toml that has command-line logic adds its commands, in order
        try:
            spec = importlib.util.find_spec(f"{__package__}.{key}.cli")
        except ModuleNotFoundError:  # a paper listed before its package exists
            spec = None
        if spec is not None:
            importlib.import_module(f"{__package__}.{key}.cli").add_commands(sub)
    return p


class _Terminated(Exception):
    """SIGTERM, raised where the process is so that ``finally`` blocks (temporary files) run."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess by the tests
    raise _Terminated()


class _Interrupts:
    """Ctrl-C seen while :func:`main` runs, also where a library lost the KeyboardInterrupt.

    A KeyboardInterrupt does not always reach :func:`main`: NumPy turns one
    raised while its C extension is imported into an ImportError, and one
    raised in a weak-reference callback or ``__del__`` is printed as
    'Exception ignored' and dropped. The SIGINT handler installed here
    raises KeyboardInterrupt as Python's own does and also records the
    signal, and the unraisable hook records (without printing) a dropped
    KeyboardInterrupt, so that :func:`main` can answer either with the one
    line and status 130.
    """

    def __init__(self):
        self.seen = False
        self._previous_hook = None

    def _on_sigint(self, signum, frame):
        self.seen = True
        raise KeyboardInterrupt

    def _unraisable(self, u):
        if isinstance(u.exc_value, KeyboardInterrupt):
            self.seen = True
        else:
            self._previous_hook(u)

    def install(self) -> tuple:
        """Install the handlers (main thread only); return what to give :meth:`restore`."""
        if threading.current_thread() is not threading.main_thread():
            return ()
        self._previous_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        return (signal.signal(signal.SIGINT, self._on_sigint), signal.signal(signal.SIGTERM, _on_sigterm))

    def restore(self, previous: tuple) -> None:
        """Put back the handlers :meth:`install` replaced."""
        if previous:
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGTERM, previous[1])
            sys.unraisablehook = self._previous_hook


def _stopped_line(words: list[str], how: str) -> str:
    """The one line for a run stopped by ``how`` ("interrupted (Ctrl-C)", "terminated (SIGTERM)").

    No output is ever half-written (:class:`ssekit.files.AtomicFile`); when
    the signal came after an output had been put in place whole (the run was
    ending), the line names that file instead of implying nothing was written.
    """
    files = sys.modules.get(f"{__package__}.files")  # imported only if the command wrote something
    done = list(getattr(files, "_COMMITTED", ()))
    if done:
        return (f"{' '.join(words)}: {how} after the output was complete: "
                f"{', '.join(str(p) for p in done)} is whole")
    return f"{' '.join(words)}: {how}; no output file was left half-written"


def _interrupted(words: list[str]) -> int:
    """The Ctrl-C line and status 130.

    ``exec("pass")`` first: CPython (3.11, 3.12) records a KeyboardInterrupt
    that left a string ``exec`` (``dataclasses`` builds methods that way, so
    Ctrl-C while a module defining dataclasses is imported can end there) as
    unhandled even when it was caught, and ``python -m`` then kills itself
    with SIGINT at exit instead of returning 130; the next string ``exec``
    clears that record.
    """
    exec("pass", {})
    print(_stopped_line(words, "interrupted (Ctrl-C)"), file=sys.stderr)
    return 130


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input ends with one line on stderr and exit status 2.

    Ctrl-C ends with one line and status 130, SIGTERM with one line and 143;
    in both cases a half-written output is removed first. Everything,
    building the parser included (it imports each paper's command-line
    module, and with it pandas), runs inside the ``try``, so Ctrl-C while
    the heavy modules load is answered the same way, also when a library
    turned the KeyboardInterrupt into another error or dropped it
    (:class:`_Interrupts`).
    """
    words = ["ssekit"]
    interrupts, previous = _Interrupts(), ()
    if f"{__package__}.files" in sys.modules:  # a run in a process that has run others (tests, notebooks)
        sys.modules[f"{__package__}.files"]._COMMITTED.clear()
    try:
        previous = interrupts.install()
        args = build_parser().parse_args(argv)
        words += [args.command] + [getattr(args, k) for k in ("films_command", "conductivity_command",
                                                              "cell_command", "microstructure_command")
                                   if getattr(args, k, None)]
        code = int(args.func(args))
        return _interrupted(words) if interrupts.seen else code
    except KeyboardInterrupt:  # also while pandas or scikit-learn are being imported
        return _interrupted(words)
    except _Terminated:
        print(_stopped_line(words, "terminated (SIGTERM)"), file=sys.stderr)
        return 143
    except SsekitError as exc:
        if interrupts.seen:
            return _interrupted(words)
        message = " ".join(str(exc).split())  # one line, whatever the message's layout
        print(f"{' '.join(words)}: {message}", file=sys.stderr)
        return 2
    except Exception:
        if interrupts.seen:  # e.g. the ImportError NumPy makes of a Ctrl-C during its import
            return _interrupted(words)
        raise
    finally:
        interrupts.restore(previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
