"""Model files: a header ssekit writes, checked before anything is unpickled.

A fitted scikit-learn model is saved with joblib, i.e. as a pickle, and
loading a pickle runs code. So a model file is code: load only files you
made. To make sure a file given to ``--model-file`` is one that ssekit
wrote, and complete, :func:`save_model` puts a fixed header and the sha256
of the payload in front of it, and :func:`load_model` refuses any file
without that header or whose payload does not match the checksum, before
unpickling anything. (The header is a format check against mistakes --
a CSV, a truncated download, someone else's pickle -- not a signature
against a deliberate forgery.)

Examples
--------
>>> import tempfile, pathlib
>>> from ssekit.ml.modelfile import save_model, load_model
>>> f = pathlib.Path(tempfile.mkdtemp()) / "m.ssekit-model"
>>> _ = save_model({"name": "LR", "model": None, "rows": 0, "features": []}, f)
>>> load_model(f)["name"]
'LR'
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import joblib

from ..errors import InputError
from ..files import check_input_file, write_bytes

__all__ = ["MAGIC", "REQUIRED_KEYS", "save_model", "load_model"]

#: First bytes of every model file ssekit writes.
MAGIC = b"SSEKIT-MODEL v1\n"
#: Keys every saved bundle has.
REQUIRED_KEYS = ("name", "model", "rows", "features")


def save_model(bundle: dict[str, Any], path: str | Path) -> Path:
    """Write ``bundle`` (a dict with :data:`REQUIRED_KEYS`) atomically, with header and checksum."""
    missing = [k for k in REQUIRED_KEYS if k not in bundle]
    if missing:
        raise InputError(f"model bundle lacks {missing}")
    buf = io.BytesIO()
    joblib.dump(bundle, buf, compress=3)
    payload = buf.getvalue()
    digest = hashlib.sha256(payload).hexdigest().encode()
    return write_bytes(MAGIC + digest + b"\n" + payload, path, "model file")


def load_model(path: str | Path) -> dict[str, Any]:
    """Read a model file written by :func:`save_model`; refuse anything else before unpickling it.

    Raises
    ------
    InputError
        If the file is missing or empty, lacks ssekit's header, or its
        payload does not match the recorded checksum (truncated or edited).
    """
    p = check_input_file(path, "model file")
    data = p.read_bytes()
    if not data.startswith(MAGIC):
        raise InputError(f"{p}: not a model file written by 'ssekit conductivity train' (no ssekit header); "
                         "a model file is code, so ssekit loads only files it wrote")
    head, sep, payload = data[len(MAGIC):].partition(b"\n")
    if not sep or hashlib.sha256(payload).hexdigest().encode() != head:
        raise InputError(f"{p}: model file is truncated or was changed after ssekit wrote it (checksum mismatch); "
                         "train it again")
    try:
        bundle = joblib.load(io.BytesIO(payload))
    except Exception as exc:  # a file with our header and checksum that joblib cannot read: another version
        raise InputError(f"{p}: model file cannot be read by this ssekit ({type(exc).__name__}); train it again") from None
    if not isinstance(bundle, dict) or any(k not in bundle for k in REQUIRED_KEYS):
        raise InputError(f"{p}: model file lacks {list(REQUIRED_KEYS)}; train it again")
    return bundle
