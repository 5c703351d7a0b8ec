"""Reading users' tables and writing output files, safely.

Every file a user hands to ssekit goes through :func:`read_csv_file` (or
:func:`check_input_file` for other formats), which turns each way a file can
be unreadable -- missing, a directory, empty, header only, not UTF-8 -- into
one :class:`~ssekit.errors.InputError` line naming the file. Every file
ssekit writes goes through :func:`write_csv` or :func:`write_bytes`: the
content is written to a temporary file in the target folder and renamed over
the target only when complete, so a failure never leaves a partial file.
Long tables are read and written in pieces with the same checks:
:func:`iter_csv_file` yields a CSV file's rows a chunk at a time, and
:class:`AtomicFile` takes an output a piece at a time and renames it into
place only when :meth:`AtomicFile.commit` is reached.
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

import codecs
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["FORMULA_PREFIXES", "check_input_file", "text_encoding", "read_text", "read_csv_file", "iter_csv_file",
           "neutralise_formulas", "check_output_path", "AtomicFile", "write_bytes", "write_csv"]

#: Every output an :class:`AtomicFile` has put in place in this process, in order: the command line names them when
#: Ctrl-C or SIGTERM arrives after an output was already whole (:func:`ssekit.cli.main` empties it per run).
_COMMITTED: list[Path] = []

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


def _scan(p: Path, encoding: str, start: int) -> tuple[int | None, bool, bool]:
    """Decode ``p`` from byte ``start`` in 1 MiB blocks: (offset of the first undecodable byte or None, NUL seen, only blanks)."""
    dec = codecs.getincrementaldecoder(encoding)()
    pos, nul, blank = start, False, True
    with open(p, "rb") as fh:
        fh.seek(start)
        while True:
            block = fh.read(1 << 20)
            held = len(dec.getstate()[0])  # bytes of a character split across blocks, decoded with this block
            try:
                text = dec.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                return pos - held + exc.start, nul, blank
            nul = nul or "\x00" in text
            blank = blank and not text.strip()
            if not block:
                return None, nul, blank
            pos += len(block)


def text_encoding(path: str | Path, what: str = "input file") -> tuple[str, list[str]]:
    """How to decode a user's text file, checked a block at a time (never the whole file in memory).

    UTF-8, with or without a byte-order mark, is read as ``"utf-8-sig"``;
    anything else as ``"latin-1"``, with a note naming the first byte that is
    not UTF-8. A file holding NUL bytes (binary data) or only blanks is refused.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for messages.

    Returns
    -------
    encoding : str
        ``"utf-8-sig"`` or ``"latin-1"``.
    notes : list of str
        What was done that the user should know (an encoding fallback).

    Raises
    ------
    InputError
        Missing, a directory, empty, unreadable, binary or only blanks.
    """
    p = check_input_file(path, what)
    try:
        with open(p, "rb") as fh:
            bom = fh.read(3) == codecs.BOM_UTF8
        encoding, notes = "utf-8-sig", []
        bad, nul, blank = _scan(p, "utf-8", 3 if bom else 0)
        if bad is not None:
            encoding = "latin-1"
            notes.append(f"note: {p.name} is not UTF-8 (byte {bad + 1}); read as Latin-1 - save it as UTF-8 to be sure")
            _, nul, blank = _scan(p, "latin-1", 0)
    except OSError as exc:
        raise InputError(f"{p}: cannot read the {what} ({exc.strerror})") from None
    if nul:
        raise InputError(f"{p}: the {what} holds binary data (NUL bytes); expected a CSV text file")
    if blank:
        raise InputError(f"{p}: the {what} is empty (only blanks)")
    return encoding, notes


def read_text(path: str | Path, what: str = "input file") -> tuple[str, list[str]]:
    """The text of a file as UTF-8 (a byte-order mark is dropped), else Latin-1 with a note (see :func:`text_encoding`).

    Returns
    -------
    text : str
    notes : list of str
        What was done that the user should know (an encoding fallback).
    """
    encoding, notes = text_encoding(path, what)
    p = Path(path)
    try:
        return p.read_bytes().decode(encoding), notes
    except OSError as exc:
        raise InputError(f"{p}: cannot read the {what} ({exc.strerror})") from None


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


def iter_csv_file(path: str | Path, what: str = "input CSV", chunk_rows: int = 20_000, *, min_rows: int = 1,
                  **kwargs) -> tuple[Iterator[pd.DataFrame], list[str]]:
    """Read a user's CSV file ``chunk_rows`` rows at a time, with the checks of :func:`read_csv_file`.

    The encoding is settled and the file-level refusals (missing, empty,
    binary, only blanks) are made before this returns; a header-only file,
    or one that stops parsing part-way, raises :class:`InputError` from the
    iterator, before the chunk that holds the problem is yielded.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for messages.
    chunk_rows : int
        Rows per chunk (at least 1).
    min_rows : int
        Fewest data rows accepted (default 1: a header-only file is refused).
    **kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``dtype=str``).

    Returns
    -------
    chunks : iterator of pandas.DataFrame
        The rows, in file order; their index continues from chunk to chunk.
    notes : list of str
        Notes to print (encoding fallback).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"; _ = f.write_text("a,b\\n1,2\\n3,4\\n5,6\\n")
    >>> chunks, notes = iter_csv_file(f, chunk_rows=2)
    >>> [len(c) for c in chunks], notes
    ([2, 1], [])
    """
    encoding, notes = text_encoding(path, what)
    fh = open(path, "rb")  # a handle, so that pandas never reads the name as a URL or a compressed file
    try:
        reader = pd.read_csv(fh, encoding=encoding, chunksize=max(1, int(chunk_rows)), **kwargs)
    except pd.errors.EmptyDataError:
        fh.close()
        raise InputError(f"{path}: the {what} has no header and no rows") from None
    except (pd.errors.ParserError, ValueError) as exc:
        fh.close()
        raise InputError(f"{path}: not a readable CSV ({' '.join(str(exc).split())})") from None

    def chunks() -> Iterator[pd.DataFrame]:
        n, held = 0, []
        with fh, reader:
            while True:
                try:
                    chunk = next(reader)
                except StopIteration:
                    break
                except (pd.errors.ParserError, ValueError) as exc:
                    raise InputError(f"{path}: not a readable CSV ({' '.join(str(exc).split())})") from None
                n += len(chunk)
                held.append(chunk)
                if n >= min_rows:  # enough rows: nothing is yielded from a file that is then refused as too short
                    yield from held
                    held = []
        if n < min_rows:
            raise InputError(f"{path}: the {what} has {n} data row(s) under its header; at least {min_rows} needed")

    return chunks(), notes


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


class AtomicFile:
    """An output file written in pieces, put in place only when complete.

    The pieces go to a temporary file with a short unique name
    (``.ssekit-XXXXXXXX.tmp``) in the target's folder, created at the first
    write; :meth:`commit` flushes it to disk, gives it the mode of the file
    it replaces (a new file gets the mode ``open()`` would give it) and
    renames it over the target. Used as a context manager, it commits when
    the ``with`` block ends normally and removes the temporary file on any
    exception, Ctrl-C or SIGTERM (the command line turns SIGTERM into an
    exception so that this clean-up runs); :meth:`discard` drops what was
    written and leaves the target as it was.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages.
    inputs : iterable of str or Path
        The files the command reads (refused as the output).
    output : bool
        Whether the user asked for this file (default). The command line names
        such files when Ctrl-C or SIGTERM arrives after they were put in place;
        a cache entry passes False.

    Raises
    ------
    InputError
        If the path cannot be written safely (see :func:`check_output_path`),
        or writing fails (disk full, folder not writable); nothing is left
        behind.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> with AtomicFile(f) as out:
    ...     out.write_csv(pd.DataFrame({"ID": ["=1+1"], "x": [1.5]}))
    ...     out.write_csv(pd.DataFrame({"ID": ["b"], "x": [2.0]}))  # no second header
    >>> f.read_text()
    "ID,x\\n'=1+1,1.5\\nb,2.0\\n"
    """

    def __init__(self, path: str | Path, what: str = "output file", inputs=(), *, output: bool = True):
        self.path = check_output_path(path, what, inputs)
        self.what = what
        self._output = output  # a file the user asked for (False: e.g. a cache entry), named if a signal comes late
        self._tmp: str | None = None
        self._fh = None
        self._header_written = False
        self._open = True  # neither committed nor discarded yet
        self._renaming = False

    def _fail(self, exc: OSError) -> InputError:
        self.discard()
        return InputError(f"{self.path}: cannot write the {self.what} ({exc.strerror or exc})")

    def write(self, data: bytes) -> None:
        """Append ``data`` to the temporary file (created at the first call)."""
        try:
            if self._fh is None:
                fd, self._tmp = tempfile.mkstemp(prefix=".ssekit-", suffix=".tmp", dir=self.path.parent)
                self._fh = os.fdopen(fd, "wb")
            self._fh.write(data)
        except OSError as exc:
            raise self._fail(exc) from None

    def write_csv(self, df: pd.DataFrame) -> None:
        """Append ``df`` as CSV rows (no index), formula-looking text neutralised; the header only the first time."""
        self.write(neutralise_formulas(df).to_csv(index=False, header=not self._header_written).encode("utf-8"))
        self._header_written = True

    def commit(self) -> Path:
        """Flush, set the mode and rename the temporary file over the target; return the target."""
        if self._fh is None:
            self.write(b"")
        try:
            try:
                mode = os.stat(self.path).st_mode & 0o7777
            except FileNotFoundError:
                mode = _new_file_mode()
            self._fh.flush()
            os.fchmod(self._fh.fileno(), mode)
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
            self._renaming = True  # a signal from here on may land after the rename: see discard()
            os.replace(self._tmp, self.path)
            self._record()
            self._tmp = None
            self._open = False
            self._renaming = False
        except OSError as exc:
            self._renaming = False  # the rename failed: nothing was put in place
            raise self._fail(exc) from None
        return self.path

    def _record(self) -> None:
        if self._output and self.path not in _COMMITTED:
            _COMMITTED.append(self.path)

    def discard(self) -> None:
        """Remove the temporary file, if any; the target is left as it was."""
        fh, tmp, self._fh, self._tmp = self._fh, self._tmp, None, None
        self._open = False
        if fh is not None:
            try:
                fh.close()
            except OSError:
                pass
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                if self._renaming:  # Ctrl-C or SIGTERM between the rename and its record: the target is whole
                    self._record()
            except OSError:
                pass
        self._renaming = False

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self._open:
            self.commit()
        else:
            self.discard()


def write_bytes(data: bytes, path: str | Path, what: str = "output file", inputs=(), *, output: bool = True) -> Path:
    """Write ``data`` atomically: a temporary file in the same folder, then a rename (see :class:`AtomicFile`).

    ``output=False`` for a file the user did not ask for (a cache entry): a late Ctrl-C never names it.

    Raises
    ------
    InputError
        If the folder is missing or not writable, or the path is not a
        regular file or is an input; nothing is left behind.
    """
    out = AtomicFile(path, what, inputs, output=output)
    try:
        out.write(data)
        return out.commit()
    finally:
        out.discard()


def write_csv(df: pd.DataFrame, path: str | Path, what: str = "output CSV", inputs=()) -> Path:
    """Write ``df`` as CSV (no index) atomically, formula-looking text neutralised (see :class:`AtomicFile`)."""
    out = AtomicFile(path, what, inputs)
    try:
        out.write_csv(df)
        return out.commit()
    finally:
        out.discard()
