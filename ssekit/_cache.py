"""Optional on-disk cache for the few slow, deterministic computations.

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

PACKAGE = Path(__file__).resolve().parent


@cache
def source_hash() -> str:
    """sha256 over ssekit's source and data files (paths and contents)."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
            h.update(str(f.relative_to(PACKAGE)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def memory() -> Memory:
    """A joblib Memory in $SSEKIT_CACHE_DIR/<source hash>, or a no-op one."""
    base = os.environ.get("SSEKIT_CACHE_DIR", "").strip()
    return Memory(str(Path(base) / source_hash()) if base else None, verbose=0)
