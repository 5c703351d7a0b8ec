"""Model files that load without running code: skops.io with an explicit list of trusted types.

A model file written by :func:`save_model` is ssekit's header, the sha256
of the payload, and a `skops.io <https://skops.readthedocs.io>`_ archive (a
zip of JSON and ``.npy`` arrays, no pickle). :func:`load_model` reads the
archive's list of types *before constructing any object* and trusts only
classes (not functions) defined in modules under :data:`TRUSTED_PREFIXES`
(``sklearn.``, ``numpy.``, ``scipy.``, ``ssekit.ml.``) -- minus numpy's
file-opening classes (:data:`REFUSED_MODULE_PARTS`). A file naming any other
type (``os.system``, ``builtins.eval``, a pickle's ``__reduce__`` payload, a
type from another package) is refused with one line, and nothing in it is
built. The header and checksum only catch mistakes (a CSV, a truncated
download); they are not a signature: anyone can compute them, so they are not
what makes a file safe -- the type list is.

:func:`dumps_safe` and :func:`loads_safe` are the same format without the
header, used by ssekit's on-disk cache (:mod:`ssekit._cache`).

Examples
--------
>>> import tempfile, pathlib
>>> from ssekit.ml.modelfile import save_model, load_model, is_trusted_type
>>> f = pathlib.Path(tempfile.mkdtemp()) / "m.ssekit-model"
>>> _ = save_model({"name": "LR", "model": None, "rows": 0, "features": []}, f)
>>> load_model(f)["name"]
'LR'
>>> is_trusted_type("sklearn.ensemble._forest.ExtraTreesRegressor"), is_trusted_type("posix.system")
(True, False)
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files import check_input_file, write_bytes

__all__ = ["MAGIC", "REQUIRED_KEYS", "TRUSTED_PREFIXES", "REFUSED_MODULE_PARTS", "TRUSTED_NOTE",
           "is_trusted_type", "dumps_safe", "loads_safe", "save_model", "load_model"]

#: First bytes of every model file ssekit writes (v1 files were pickles and are refused).
MAGIC = b"SSEKIT-MODEL v2 skops\n"
_OLD_MAGIC = b"SSEKIT-MODEL v1\n"
#: Keys every saved bundle has.
REQUIRED_KEYS = ("name", "model", "rows", "features")
#: Modules whose classes a model file may hold (besides skops' built-in safe types: dict, list, arrays, ...).
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "ssekit.ml.")
#: Module-name parts refused even under a trusted prefix (classes that open or map files, test helpers).
REFUSED_MODULE_PARTS = ("npyio", "_datasource", "memmap", "f2py", "distutils", "testing", "tests", "ctypeslib",
                        "__main__", "_pickle", "format")
#: The sentence the docs and --help use for what a model file may hold.
TRUSTED_NOTE = ("Model files are skops archives, not pickles: before building anything ssekit checks every type the "
                "file names and loads it only if each is a class from scikit-learn, NumPy, SciPy or ssekit.ml "
                "(file-opening NumPy classes excepted); any other type is refused and nothing in the file is run.")


def _refused_module(module: str) -> bool:
    return any(r in part for part in module.split(".") for r in REFUSED_MODULE_PARTS) or \
        any(part.startswith("__") for part in module.split("."))


def _resolve(name: str, prefixes: tuple[str, ...]):
    """The class a dotted type name denotes, importing only modules under a trusted prefix; else None."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        mod_name = ".".join(parts[:i])
        if not (mod_name + ".").startswith(prefixes):
            return None
        if _refused_module(mod_name):
            return None
        mod = sys.modules.get(mod_name)
        if mod is None:
            try:
                mod = importlib.import_module(mod_name)
            except Exception:  # not a module: try a shorter prefix (a nested class name)
                continue
        obj = mod
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def is_trusted_type(name: str, prefixes: tuple[str, ...] = TRUSTED_PREFIXES) -> bool:
    """Whether a type named in a skops archive may be built: a class in a module under ``prefixes``.

    Parameters
    ----------
    name : str
        Dotted name, ``module.Class`` (as skops lists it).
    prefixes : tuple of str
        Trusted module prefixes (default :data:`TRUSTED_PREFIXES`).

    Returns
    -------
    bool
    """
    if not name.startswith(prefixes) or _refused_module(name.rpartition(".")[0]):
        return False
    obj = _resolve(name, prefixes)
    if not isinstance(obj, type):  # functions and modules are never trusted: skops could call them
        return False
    import numpy as np

    if issubclass(obj, np.memmap) or not (obj.__module__ + ".").startswith(prefixes) or _refused_module(obj.__module__):
        return False  # re-exports of a class defined elsewhere are judged by where it is defined
    return True


def dumps_safe(obj: Any) -> bytes:
    """``obj`` as a skops archive (bytes); raises whatever skops raises for an unsupported object."""
    import skops.io as sio

    return sio.dumps(obj)


def loads_safe(data: bytes, where: str, prefixes: tuple[str, ...] = TRUSTED_PREFIXES) -> Any:
    """Load a skops archive if every type it names is trusted; else :class:`InputError`, nothing built.

    Parameters
    ----------
    data : bytes
        The archive.
    where : str
        What the bytes are, for messages (a file name).
    prefixes : tuple of str
        Trusted module prefixes.

    Returns
    -------
    object
    """
    import skops.io as sio

    try:
        names = sio.get_untrusted_types(data=data)  # reads the schema only; builds nothing
    except Exception as exc:
        raise InputError(f"{where}: not a readable skops archive ({type(exc).__name__}); "
                         "make it again with this ssekit") from None
    refused = [n for n in names if not is_trusted_type(n, prefixes)]
    if refused:
        raise InputError(f"{where}: refused, nothing in it was run: it names type(s) "
                         f"{refused[:3]}{' ...' if len(refused) > 3 else ''} outside the trusted list (classes from "
                         f"modules {', '.join(p + '*' for p in prefixes)})")
    try:
        return sio.loads(data, trusted=names)
    except Exception as exc:
        raise InputError(f"{where}: cannot be read by this ssekit ({type(exc).__name__}); make it again") from None


def save_model(bundle: dict[str, Any], path: str | Path) -> Path:
    """Write ``bundle`` (a dict with :data:`REQUIRED_KEYS`) atomically: header, checksum, skops archive."""
    missing = [k for k in REQUIRED_KEYS if k not in bundle]
    if missing:
        raise InputError(f"model bundle lacks {missing}")
    payload = dumps_safe(dict(bundle))
    digest = hashlib.sha256(payload).hexdigest().encode()
    return write_bytes(MAGIC + digest + b"\n" + payload, path, "model file")


def load_model(path: str | Path) -> dict[str, Any]:
    """Read a model file written by :func:`save_model`; refuse anything else before building any of it.

    Raises
    ------
    InputError
        If the file is missing or empty, lacks ssekit's header (an older,
        pickled model file included), its payload does not match the
        recorded checksum, or it names a type outside the trusted list.
    """
    p = check_input_file(path, "model file")
    data = p.read_bytes()
    if data.startswith(_OLD_MAGIC):
        raise InputError(f"{p}: a model file of an older ssekit (a pickle); it is not loaded because loading a "
                         "pickle can run code - train it again with 'ssekit conductivity train'")
    if not data.startswith(MAGIC):
        raise InputError(f"{p}: not a model file written by 'ssekit conductivity train' (no ssekit header)")
    head, sep, payload = data[len(MAGIC):].partition(b"\n")
    if not sep or hashlib.sha256(payload).hexdigest().encode() != head:
        raise InputError(f"{p}: model file is truncated or was changed after ssekit wrote it (checksum mismatch); "
                         "train it again")
    bundle = loads_safe(payload, str(p))
    if not isinstance(bundle, dict) or any(k not in bundle for k in REQUIRED_KEYS):
        raise InputError(f"{p}: model file lacks {list(REQUIRED_KEYS)}; train it again")
    return bundle
