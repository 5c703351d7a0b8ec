"""Optional on-disk cache for the few slow, deterministic computations.

Also :func:`book_inputs_key`, the key of ``scripts/book``'s execution cache:
everything that changes what a chapter prints -- ssekit's source and data,
and the user-supplied inputs named by environment variables
(:data:`BOOK_ENV_INPUTS`, e.g. the Chen et al. 2021 Table S1, by checksum).
``python -m ssekit._cache`` prints it.

Off unless ``$SSEKIT_CACHE_DIR`` is set (``scripts/book`` and ``scripts/test``
set it to ``_build/.ssekit-cache``). Entries live under a sub-folder named by
a hash of ssekit's own source and data files, so any change to the library
starts a fresh cache: a cached number can never outlive the code that made it.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from joblib import Memory

__all__ = ["BOOK_ENV_INPUTS", "source_hash", "book_inputs_key", "memory"]

PACKAGE = Path(__file__).resolve().parent
#: Environment variables that switch a chapter's input: a file (hashed by
#: content) or a setting (hashed by value).
BOOK_ENV_INPUTS = ("SSEKIT_CHEN_TABLE_S1", "SSEKIT_CHEN_TABLE_S1_SHEET")


@cache
def source_hash() -> str:
    """sha256 over ssekit's source and data files (paths and contents)."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
            h.update(str(f.relative_to(PACKAGE)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def book_inputs_key() -> str:
    """sha256 over ssekit's source and every input in :data:`BOOK_ENV_INPUTS` (a named file by its content)."""
    h = hashlib.sha256(source_hash().encode())
    for var in BOOK_ENV_INPUTS:
        value = os.environ.get(var, "").strip()
        h.update(f"\0{var}={value}".encode())
        if value and Path(value).is_file():
            h.update(hashlib.sha256(Path(value).read_bytes()).digest())
    return h.hexdigest()[:16]


def memory() -> Memory:
    """A joblib Memory in $SSEKIT_CACHE_DIR/<source hash>, or a no-op one."""
    base = os.environ.get("SSEKIT_CACHE_DIR", "").strip()
    return Memory(str(Path(base) / source_hash()) if base else None, verbose=0)


if __name__ == "__main__":  # used by scripts/book
    print(book_inputs_key())
