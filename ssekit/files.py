"""Reading users' tables and writing output files, safely.

Every file a user hands to ssekit goes through :func:`read_csv_file` (or
:func:`check_input_file` for other formats), which turns each way a file can
be unreadable -- missing, a directory, empty, header only, not UTF-8 -- into
one :class:`~ssekit.errors.InputError` line naming the file. Every file
ssekit writes goes through :func:`write_csv` or :func:`write_bytes`: the
content is written to a temporary file in the target folder and renamed over
the target only when complete, so a failure never leaves a partial file.
Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are written with a leading
apostrophe, as OWASP recommends against CSV injection; numbers are untouched.

Examples
--------
>>> import pandas as pd
>>> from ssekit.files import neutralise_formulas
>>> neutralise_formulas(pd.DataFrame({"ID": ["=cmd|' /C calc'!A0", "Li3PS4"], "x": [-1.5, 2.0]}))["ID"].tolist()
["'=cmd|' /C calc'!A0", 'Li3PS4']
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["FORMULA_PREFIXES", "check_input_file", "read_text", "read_csv_file", "neutralise_formulas",
           "check_output_path", "write_bytes", "write_csv"]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def check_input_file(path: str | Path, what: str = "input file") -> Path:
    """Return ``path`` if it is a non-empty regular file, else raise :class:`InputError`.

    Parameters
    ----------
    path : str or Path
        The file a user named.
    what : str
        What the file should be, for the message (e.g. ``"parameter file"``).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such {what}")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a file ({what})")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"{p}: cannot read the {what} ({exc.strerror})") from None
    if size == 0:
        raise InputError(f"{p}: the {what} is empty (0 bytes)")
    return p


def read_text(path: str | Path, what: str = "input file") -> tuple[str, list[str]]:
    """The text of a file as UTF-8 (a byte-order mark is dropped), else Latin-1 with a note.

    Returns
    -------
    text : str
    notes : list of str
        What was done that the user should know (an encoding fallback).
    """
    p = check_input_file(path, what)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read the {what} ({exc.strerror})") from None
    notes: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = raw.decode("latin-1")
        notes.append(f"note: {p.name} is not UTF-8 (byte {exc.start + 1}); read as Latin-1 - save it as UTF-8 to be sure")
    if "\x00" in text:
        raise InputError(f"{p}: the {what} holds binary data (NUL bytes); expected a CSV text file")
    if not text.strip():
        raise InputError(f"{p}: the {what} is empty (only blanks)")
    return text, notes


def read_csv_file(path: str | Path, what: str = "input CSV", *, min_rows: int = 1,
                  **kwargs) -> tuple[pd.DataFrame, list[str]]:
    """Read a user's CSV file; every way it can be unreadable is one :class:`InputError` line.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for messages.
    min_rows : int
        Fewest data rows accepted (default 1: a header-only file is refused).
    **kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``dtype=str``).

    Returns
    -------
    frame : pandas.DataFrame
    notes : list of str
        Notes to print (encoding fallback).
    """
    text, notes = read_text(path, what)
    try:
        df = pd.read_csv(io.StringIO(text), **kwargs)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the {what} has no header and no rows") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: not a readable CSV ({' '.join(str(exc).split())})") from None
    if len(df) < min_rows:
        raise InputError(f"{path}: the {what} has {len(df)} data row(s) under its header; at least {min_rows} needed")
    return df, notes


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cells starting with = + - @ tab or CR prefixed by ``'``.

    Only text is changed; numeric columns and text that reads as a number
    (``-1.5``) stay as they are, so the file still parses as numbers.
    """
    out = df.copy()

    def fix(v):
        if isinstance(v, str) and v.startswith(FORMULA_PREFIXES):
            try:
                float(v)
                return v
            except ValueError:
                return "'" + v
        return v

    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(fix)
    out.columns = [fix(str(c)) for c in out.columns]
    return out


def check_output_path(path: str | Path, what: str = "output file", inputs=()) -> Path:
    """Refuse an output path that cannot be written safely, before any work is done; return it as a Path.

    Refused: an empty name; a folder that does not exist; a path that is one
    of ``inputs`` (the command would replace the user's file with its
    result); a path that exists and is not a regular file (a directory, a
    device node such as ``/dev/null``, a FIFO, a socket), which the atomic
    rename would replace by a regular file.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages.
    inputs : iterable of str or Path
        The files the command reads.
    """
    import stat

    p = Path(path)
    if str(path).strip() == "":
        raise InputError(f"no {what} named (empty path)")
    for src in inputs:
        if src is None or str(src).strip() == "":
            continue
        same = False
        try:
            same = os.path.samefile(src, p)
        except OSError:
            same = os.path.abspath(src) == os.path.abspath(p)
        if same:
            raise InputError(f"{p}: is also the input file; the {what} would replace it - choose another name")
    try:
        st = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as exc:
        raise InputError(f"{p}: cannot be used as the {what} ({exc.strerror or exc})") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory; give a file name for the {what}")
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = ("a character device" if stat.S_ISCHR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode)
                else "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "not a regular file")
        raise InputError(f"{p}: is {kind}, not a regular file; ssekit writes the {what} only to a regular file")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"{p}: folder {parent} does not exist; create it first or choose another {what}")
    if not parent.is_dir():
        raise InputError(f"{p}: {parent} is not a folder")
    return p


def _new_file_mode() -> int:
    """The mode a new file gets from open() under the current umask (0666 & ~umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes(data: bytes, path: str | Path, what: str = "output file", inputs=()) -> Path:
    """Write ``data`` atomically: a temporary file in the same folder, then a rename.

    The temporary file has a short unique name (``.ssekit-XXXXXXXX.tmp``), so
    any output name the file system allows works; it is removed on any
    failure, Ctrl-C or SIGTERM (the command line turns SIGTERM into an
    exception so that this clean-up runs). An existing output keeps its mode;
    a new one gets the mode ``open()`` would give it.

    Raises
    ------
    InputError
        If the folder is missing or not writable, or the path is not a
        regular file or is an input; nothing is left behind.
    """
    p = check_output_path(path, what, inputs)
    tmp = None
    try:
        try:
            mode = os.stat(p).st_mode & 0o7777
        except FileNotFoundError:
            mode = _new_file_mode()
        fd, tmp = tempfile.mkstemp(prefix=".ssekit-", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise InputError(f"{p}: cannot write the {what} ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return p


def write_csv(df: pd.DataFrame, path: str | Path, what: str = "output CSV", inputs=()) -> Path:
    """Write ``df`` as CSV (no index) atomically, formula-looking text neutralised (see :func:`write_bytes`)."""
    check_output_path(path, what, inputs)
    return write_bytes(neutralise_formulas(df).to_csv(index=False).encode("utf-8"), path, what, inputs)
