#!/usr/bin/env python3
"""Give every chapter cell that the site hides the JupyterLab metadata that hides it there too.

    python scripts/lab_cells.py          # rewrite book/*.md where a cell's metadata is out of step
    python scripts/lab_cells.py --check  # exit 1 and name the cells instead (tests/test_lab_cells.py)

The site (myst-nb) hides cells by tag; JupyterLab ignores tags and reads the
cell metadata ``jupyter: {source_hidden: true, outputs_hidden: true}``, which
jupytext keeps in the chapter's MyST cell options. The rule, from the tags:

- input collapsed in JupyterLab: ``remove-cell``, ``hide-cell``, ``remove-input``, ``hide-input``;
- outputs collapsed: ``remove-cell``, ``hide-cell``, ``remove-output``, ``hide-output``,
  except in a cell tagged ``lab-only`` (removed on the site, its output shown in JupyterLab).

Collapsed cells still run (nbval, the build, "Run All"), and a click on the
collapsed bar shows them. Only the option block of a cell whose metadata
differs from the rule is rewritten; a short ``:tags:`` line becomes a
``---`` block.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HIDE_SOURCE = {"remove-cell", "hide-cell", "remove-input", "hide-input"}
HIDE_OUTPUTS = {"remove-cell", "hide-cell", "remove-output", "hide-output"}
_OPTION = re.compile(r"^:([\w-]+):(.*)$")


def wanted(tags: list[str]) -> dict[str, bool] | None:
    """The ``jupyter`` cell metadata a cell with these tags must carry (None: none)."""
    meta = {}
    if HIDE_SOURCE & set(tags):
        meta["source_hidden"] = True
    if HIDE_OUTPUTS & set(tags) and "lab-only" not in tags:
        meta["outputs_hidden"] = True
    return meta or None


def _without_key(body: list[str], key: str) -> list[str]:
    """YAML lines without the top-level ``key`` (and its indented lines)."""
    out, skipping = [], False
    for b in body:
        if b.startswith(f"{key}:"):
            skipping = True
        elif not (skipping and b[:1] in (" ", "\t")):
            skipping = False
            out.append(b)
    return out


def sync(text: str) -> tuple[str, list[str]]:
    """``text`` (a MyST chapter) with each code cell's ``jupyter`` metadata set by the rule; and the cells changed."""
    lines, out, changed, i = text.split("\n"), [], [], 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not line.startswith("```{code-cell}"):
            continue
        start = i
        if i < len(lines) and lines[i] == "---":
            end = lines.index("---", i + 1)
            body = lines[i + 1:end]
            meta = yaml.safe_load("\n".join(body)) or {}
            i = end + 1
        else:
            body = []
            while i < len(lines) and _OPTION.match(lines[i]):
                key, value = _OPTION.match(lines[i]).groups()
                body.append(f"{key}: {value.strip()}")
                i += 1
            meta = yaml.safe_load("\n".join(body)) or {}
            if body and i < len(lines) and lines[i] == "":
                i += 1  # the blank line after short options; a --- block needs none
        want = wanted(meta.get("tags", []))
        if meta.get("jupyter") == want:
            out += lines[start:i]
            continue
        changed.append(f"line {start}: tags {meta.get('tags', [])}")
        body = _without_key(body, "jupyter")
        if want:
            flow = ", ".join(f"{k}: true" for k in want)
            body = [f"jupyter: {{{flow}}}"] + body
        out += (["---", *body, "---"] if body else [])
    return "\n".join(out), changed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for md in sorted((ROOT / "book").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        new, changed = sync(text)
        if changed:
            stale += [f"{md.relative_to(ROOT)} {c}" for c in changed]
            if not check:
                md.write_text(new, encoding="utf-8")
    if stale:
        verb = "out of step (run python scripts/lab_cells.py)" if check else "updated"
        print(f"JupyterLab metadata {verb}:\n  " + "\n  ".join(stale), file=sys.stderr)
    return 1 if stale and check else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
