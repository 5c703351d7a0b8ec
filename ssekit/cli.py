"""Command line: ``ssekit`` (or ``python -m ssekit``).

Subcommands
-----------
claims   print the claims scorecard (fresh computation, or a built claims.json)
data     list the data registry and verify every checksum
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd


def _cmd_claims(args: argparse.Namespace) -> int:
    from . import claims

    if args.from_build:
        path = Path(args.from_build)
        if not path.exists():
            print(f"ssekit claims: {path} does not exist; build the book first (see README)", file=sys.stderr)
            return 2
        payload = json.loads(path.read_text(encoding="utf-8"))
        rows = payload["claims"]
        if args.paper:
            rows = [r for r in rows if r["paper"] == args.paper]
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        df = pd.DataFrame(rows)[["id", "status", "reported", "reproduced", "unit", "note"]].set_index("id")
        print(f"claims from {path} (ssekit {payload.get('ssekit_version')})")
    else:
        results = claims.evaluate_all(args.paper)
        if args.json:
            print(claims.to_json(results))
            return 0
        df = claims._frame(results)[["status", "reported", "reproduced", "data", "note"]]
        print("claims computed now")
    with pd.option_context("display.max_colwidth", 70, "display.width", 200):
        print(df.to_string())
    counts = df["status"].value_counts().to_dict()
    print("\n" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from . import datasets

    reg = datasets.registry()
    if not args.no_verify:
        ver = datasets.verify_all().set_index("name")
        reg["checksum"] = ver["ok"].map({True: "ok", False: "MISMATCH"})
    cols = ["file", "rows", "licence", "doi"] + ([] if args.no_verify else ["checksum"])
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(reg[cols].to_string())
    if args.citations:
        print()
        for name, row in reg.iterrows():
            print(f"{name}: {row['citation']} doi:{row['doi']}")
    if not args.no_verify and not reg["checksum"].eq("ok").all():
        for name, row in ver[~ver["ok"]].iterrows():
            print(f"\n{row['message']}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(
        prog="ssekit",
        description="Executable reproduction of four papers on thin sulfide solid-electrolyte films: "
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
    c.add_argument("--paper", choices=["chen2021", "mishra2023", "kim2025", "alabdali2022"], help="only this paper's claims")
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
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
