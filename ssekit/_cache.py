"""Optional on-disk cache for the few slow, deterministic computations -- never a pickle.

Also :func:`book_inputs_key`, the key of ``scripts/book``'s execution cache:
everything that changes what a chapter prints -- ssekit's source and data,
and the user-supplied inputs named by environment variables
(:data:`BOOK_ENV_INPUTS`, e.g. the Chen et al. 2021 Table S1, by checksum).
``python -m ssekit._cache`` prints it.

Off unless ``$SSEKIT_CACHE_DIR`` is set (``scripts/book`` and ``scripts/test``
set it to ``_build/.ssekit-cache``). Entries live under a sub-folder named by
a hash of ssekit's own source and data files, so any change to the library
starts a fresh cache: a cached number can never outlive the code that made it.

A cache folder can be restored, downloaded or shared, so an entry is read
like a user's file, never unpickled: a value of plain numbers, text,
containers and ssekit records (e.g. an evaluated claim) is a JSON file; one
with arrays, tables or estimators a skops archive whose types are checked
before anything is built (:func:`ssekit.ml.modelfile.loads_safe`; tables are
stored as their arrays). Records are rebuilt only as ssekit dataclasses. An entry that names any other type, or
cannot be read, is refused with a note on stderr and recomputed; a value that
cannot be stored that way is simply not cached. A ``$SSEKIT_CACHE_DIR`` that
is a file or cannot be created is an :class:`~ssekit.errors.InputError`.

Examples
--------
>>> import pandas as pd
>>> from ssekit._cache import decode, encode
>>> df = pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None]}, index=[3, 4])
>>> decode(encode(df)).equals(df)
True
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["BOOK_ENV_INPUTS", "CACHE_PREFIXES", "MISSING", "source_hash", "book_inputs_key", "env_inputs_key", "encode",
           "decode", "SafeMemory", "memory"]

PACKAGE = Path(__file__).resolve().parent
#: Environment variables that switch a chapter's input: a file (hashed by
#: content) or a setting (hashed by value).
BOOK_ENV_INPUTS = ("SSEKIT_CHEN_TABLE_S1", "SSEKIT_CHEN_TABLE_S1_SHEET")
#: Modules whose classes a cache entry may hold (the model-file list plus the estimators the analyses fit).
CACHE_PREFIXES = ("sklearn.", "numpy.", "scipy.", "ssekit.ml.", "imblearn.")
_TAG = "__ssekit__"


@cache
def source_hash() -> str:
    """sha256 over ssekit's source and data files (paths and contents)."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
            h.update(str(f.relative_to(PACKAGE)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=64)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def env_inputs_key() -> str:
    """sha256 over every input in :data:`BOOK_ENV_INPUTS` as set now (a named file by its content, not its name)."""
    h = hashlib.sha256()
    for var in BOOK_ENV_INPUTS:
        value = os.environ.get(var, "").strip()
        if value and Path(value).is_file():
            st = Path(value).stat()
            h.update(f"\0{var}=file:{_file_digest(str(Path(value).resolve()), st.st_size, st.st_mtime_ns)}".encode())
        else:
            h.update(f"\0{var}={value}".encode())
    return h.hexdigest()[:16]


def book_inputs_key() -> str:
    """sha256 over ssekit's source and every input in :data:`BOOK_ENV_INPUTS` (a named file by its content)."""
    return hashlib.sha256(f"{source_hash()}\0{env_inputs_key()}".encode()).hexdigest()[:16]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: What :meth:`SafeMemory.lookup` returns when nothing is stored.
MISSING = _Missing()


class _Unstorable(TypeError):
    """A value the cache does not store (computed afresh each time)."""


def _values(arr) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(arr.dtype, pd.CategoricalDtype):
        return {_TAG: "categorical", "categories": encode(arr.categories), "codes": np.asarray(arr.codes),
                "ordered": bool(arr.ordered)}
    if isinstance(arr.dtype, np.dtype) and arr.dtype != object:
        return np.array(arr, dtype=arr.dtype, copy=True)
    return {_TAG: "objects", "dtype": str(arr.dtype), "items": [encode(v) for v in list(arr)]}


def _unvalues(v) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(v, np.ndarray):
        return v
    if v[_TAG] == "categorical":
        return pd.Categorical.from_codes(v["codes"], categories=decode(v["categories"]), ordered=v["ordered"])
    items = [decode(x) for x in v["items"]]
    if v["dtype"] == "object":
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out
    return pd.array(items, dtype=v["dtype"])


def encode(obj: Any) -> Any:
    """``obj`` as a tree skops stores without pickling: tables become their arrays, dicts lists of pairs.

    Raises
    ------
    TypeError
        For a value the cache does not store.
    """
    import numpy as np
    import pandas as pd

    if obj is None or isinstance(obj, (bool, int, float, str)) and type(obj) in (bool, int, float, str):
        return obj
    if obj is pd.NA:
        return {_TAG: "NA"}
    if obj is pd.NaT:
        return {_TAG: "NaT"}
    if isinstance(obj, np.generic):
        return {_TAG: "scalar", "value": np.array(obj)}
    if isinstance(obj, np.ndarray):
        return _values(obj) if obj.dtype == object else obj
    if isinstance(obj, pd.MultiIndex):
        return {_TAG: "multiindex", "levels": [encode(lv) for lv in obj.levels],
                "codes": [np.asarray(c) for c in obj.codes], "names": [encode(n) for n in obj.names]}
    if isinstance(obj, pd.RangeIndex):
        return {_TAG: "range", "args": [obj.start, obj.stop, obj.step], "name": encode(obj.name)}
    if isinstance(obj, pd.Index):
        return {_TAG: "index", "values": _values(obj if isinstance(obj.dtype, np.dtype) else obj.array),
                "name": encode(obj.name)}
    if isinstance(obj, pd.Series):
        return {_TAG: "series", "values": _values(obj if isinstance(obj.dtype, np.dtype) else obj.array),
                "index": encode(obj.index), "name": encode(obj.name)}
    if isinstance(obj, pd.DataFrame):
        cols = [obj.iloc[:, i] for i in range(obj.shape[1])]
        return {_TAG: "frame", "columns": encode(obj.columns), "index": encode(obj.index),
                "values": [_values(c if isinstance(c.dtype, np.dtype) else c.array) for c in cols],
                "attrs": encode(dict(obj.attrs))}
    if isinstance(obj, (list, tuple)) and type(obj) in (list, tuple):
        return {_TAG: type(obj).__name__, "items": [encode(v) for v in obj]}
    if isinstance(obj, dict) and type(obj) is dict:
        return {_TAG: "dict", "items": [[encode(k), encode(v)] for k, v in obj.items()]}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and type(obj).__module__.startswith("ssekit.") \
            and not type(obj).__module__.startswith("ssekit.ml."):
        return {_TAG: "dataclass", "type": f"{type(obj).__module__}:{type(obj).__qualname__}",
                "fields": {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    module = type(obj).__module__ + "."
    if module.startswith(CACHE_PREFIXES):
        return obj  # an estimator: skops stores it; its types are checked on loading
    raise _Unstorable(f"the cache does not store {type(obj).__module__}.{type(obj).__qualname__}")


def decode(tree: Any) -> Any:
    """The value :func:`encode` encoded."""
    import numpy as np
    import pandas as pd

    if not isinstance(tree, dict) or _TAG not in tree:
        return tree
    kind = tree[_TAG]
    if kind in ("NA", "NaT"):
        return pd.NA if kind == "NA" else pd.NaT
    if kind == "scalar":
        return tree["value"][()]
    if kind in ("objects", "categorical"):
        return _unvalues(tree)
    if kind == "multiindex":
        return pd.MultiIndex(levels=[decode(lv) for lv in tree["levels"]], codes=tree["codes"],
                             names=[decode(n) for n in tree["names"]])
    if kind == "range":
        return pd.RangeIndex(*tree["args"], name=decode(tree["name"]))
    if kind == "index":
        return pd.Index(_unvalues(tree["values"]), name=decode(tree["name"]), tupleize_cols=False)
    if kind == "series":
        return pd.Series(_unvalues(tree["values"]), index=decode(tree["index"]), name=decode(tree["name"]), copy=False)
    if kind == "frame":
        cols = decode(tree["columns"])
        data = {i: _unvalues(v) for i, v in enumerate(tree["values"])}
        df = pd.DataFrame(data, index=decode(tree["index"]), copy=False) if data else \
            pd.DataFrame(index=decode(tree["index"]))
        df.columns = cols
        df.attrs.update(decode(tree["attrs"]))
        return df
    if kind == "list":
        return [decode(v) for v in tree["items"]]
    if kind == "tuple":
        return tuple(decode(v) for v in tree["items"])
    if kind == "dict":
        return {decode(k): decode(v) for k, v in tree["items"]}
    if kind == "dataclass":
        mod_name, _, qual = tree["type"].partition(":")
        mod = sys.modules.get(mod_name)
        cls = mod
        for part in qual.split("."):
            cls = getattr(cls, part, None)
        if not mod_name.startswith("ssekit.") or not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise _Unstorable(f"unknown record type {tree['type']}")
        obj = object.__new__(cls)
        for name, v in tree["fields"].items():
            object.__setattr__(obj, name, decode(v))
        return obj
    raise _Unstorable(f"unknown entry kind {kind!r}")


def _plain(tree: Any) -> Any:
    """An :func:`encode` tree as JSON values (numpy scalars as Python numbers); _Unstorable for arrays."""
    import numpy as np

    if tree is None or type(tree) in (bool, int, float, str):
        return tree
    if isinstance(tree, dict):
        if tree.get(_TAG) == "scalar":
            return tree["value"].item()
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_plain(v) for v in tree]
    if isinstance(tree, np.ndarray):
        raise _Unstorable("arrays are stored as skops archives")
    raise _Unstorable(f"{type(tree).__name__} is not plain JSON")


def _cache_folder(base: str) -> Path:
    from .errors import InputError

    folder = Path(base).expanduser() / source_hash()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"SSEKIT_CACHE_DIR={base}: cannot be used as the cache folder "
                         f"({exc.strerror or type(exc).__name__}); name a folder you can write, or unset it") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"SSEKIT_CACHE_DIR={base}: the cache folder is not writable; name a folder you can write, "
                         "or unset it")
    return folder


class SafeMemory:
    """Same use as :class:`joblib.Memory` (``memory().cache(f)(*args)``), stored as checked skops archives.

    Parameters
    ----------
    location : str or None
        The cache folder (one sub-folder per function); ``None`` caches nothing.
    """

    def __init__(self, location: str | Path | None):
        self.location = None if location is None else Path(location)

    def _path(self, func, args, kwargs, suffix: str = ".skops") -> Path:
        import joblib

        key = joblib.hash((args, sorted(kwargs.items())), hash_name="sha1")
        return self.location / f"{func.__module__}.{func.__qualname__}" / f"{key}{suffix}"

    def lookup(self, func, *args, **kwargs) -> Any:
        """The stored result of ``func(*args, **kwargs)``, or :data:`MISSING` (nothing stored, or refused)."""
        return self._lookup(func, args, kwargs, quiet=False)

    def _lookup(self, func, args, kwargs, quiet: bool) -> Any:
        if self.location is None:
            return MISSING
        import json

        from .errors import InputError
        from .ml.modelfile import loads_safe

        for suffix in (".json", ".skops"):
            path = self._path(func, args, kwargs, suffix)
            if path.is_file():
                try:
                    if suffix == ".json":
                        return decode(json.loads(path.read_text(encoding="utf-8")))
                    return decode(loads_safe(path.read_bytes(), f"cache entry {path}", CACHE_PREFIXES))
                except (InputError, _Unstorable, OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
                    if not quiet:
                        text = " ".join(str(exc).split())
                        where = "" if str(path) in text else f"cache entry {path}: "
                        print(f"note: {where}{text}; recomputed", file=sys.stderr)
        return MISSING

    def store(self, value: Any, func, *args, **kwargs) -> None:
        """Keep ``value`` as the result of ``func(*args, **kwargs)`` (silently not, if it cannot be stored safely).

        A value made only of plain numbers, text, containers and ssekit records is stored as JSON (quick to
        read back); one with arrays, tables or estimators as a checked skops archive.
        """
        if self.location is None:
            return
        import json

        from .files import write_bytes
        from .ml.modelfile import dumps_safe

        try:
            tree = encode(value)
            try:
                text = json.dumps(_plain(tree), allow_nan=True, sort_keys=True)
            except _Unstorable:
                text = None
            if text is not None:
                path = self._path(func, args, kwargs, ".json")
                path.parent.mkdir(parents=True, exist_ok=True)
                write_bytes(text.encode("utf-8"), path, "cache entry", output=False)
                return
            data = dumps_safe(tree)
            import skops.io as sio

            from .ml.modelfile import is_trusted_type

            if not all(is_trusted_type(n, CACHE_PREFIXES) for n in sio.get_untrusted_types(data=data)):
                return  # it could not be read back (e.g. an XGBoost model): not cached
            path = self._path(func, args, kwargs)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(data, path, "cache entry", output=False)
        except Exception:  # an unstorable value or a full disk: the result is still right, just not kept
            pass

    def _lock_file(self, func, args, kwargs):
        """The entry's lock file (beside it), opened; None without a cache folder or file locks (at worst an entry
        is then computed twice)."""
        if self.location is None:
            return None
        path = self._path(func, args, kwargs, ".lock")
        try:
            import fcntl  # noqa: F401  (POSIX only)

            path.parent.mkdir(parents=True, exist_ok=True)
            return open(path, "a")
        except (ImportError, OSError):
            return None

    def busy(self, func, *args, **kwargs) -> bool:
        """Whether another process holds the entry's lock now (is computing it); False without a cache folder."""
        fh = self._lock_file(func, args, kwargs)
        if fh is None:
            return False
        import fcntl

        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
        return False

    @contextlib.contextmanager
    def locked(self, func, *args, **kwargs):
        """Hold the entry's lock (a file lock beside it): a process about to compute it waits while another
        process computes the same entry, then reads that result instead of computing it again."""
        fh = self._lock_file(func, args, kwargs)
        if fh is None:
            yield
            return
        import fcntl

        with fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def cache(self, func):
        """``func`` wrapped to read and write its results in the cache folder (computed once across processes)."""
        if self.location is None:
            return func

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            value = self.lookup(func, *args, **kwargs)
            if value is MISSING:
                with self.locked(func, *args, **kwargs):
                    value = self._lookup(func, args, kwargs, quiet=True)  # made by another process meanwhile
                    if value is MISSING:
                        value = func(*args, **kwargs)
                        self.store(value, func, *args, **kwargs)
            return value

        return wrapper


def memory() -> SafeMemory:
    """A :class:`SafeMemory` in $SSEKIT_CACHE_DIR/<source hash>, or a no-op one when that is not set."""
    base = os.environ.get("SSEKIT_CACHE_DIR", "").strip()
    return SafeMemory(_cache_folder(base) if base else None)


if __name__ == "__main__":  # used by scripts/book
    print(book_inputs_key())
