"""Refresh the checksums (and row counts) in ssekit/data/registry.csv.

    python scripts/register_data.py          # rewrite sha256 and rows of every registered file
    python scripts/register_data.py --check  # exit 1 if anything would change or a file is unregistered

New files need a row written by hand first (name, file, kind, licence,
citation, doi, column_units, description): provenance is not something a
script can guess. Run this only after changing a shipped file on purpose.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ssekit.data.shipped import PACKAGE, REGISTRY_FILE, sha256, unregistered_files  # noqa: E402


def _rows(file: Path) -> str:
    if file.suffix != ".csv":
        return ""
    with open(file, newline="", encoding="utf-8-sig") as fh:
        n = sum(1 for _ in csv.reader(fh))
    header = 0 if file.name == "laskowski2023_si_table.csv" else 1  # that table has no header
    return str(n - header)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    with open(REGISTRY_FILE, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    for r in rows:
        f = PACKAGE / r["file"]
        r["sha256"] = sha256(f)
        r["rows"] = _rows(f)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    new = buf.getvalue()
    missing = unregistered_files()
    for m in missing:
        print(f"unregistered: {m} (add a row by hand)", file=sys.stderr)
    if a.check:
        changed = new != REGISTRY_FILE.read_text(encoding="utf-8")
        if changed:
            print("registry.csv is out of date: run python scripts/register_data.py", file=sys.stderr)
        return int(changed or bool(missing))
    REGISTRY_FILE.write_text(new, encoding="utf-8")
    print(f"{REGISTRY_FILE.relative_to(ROOT)}: {len(rows)} files")
    return int(bool(missing))


if __name__ == "__main__":
    sys.exit(main())
