"""The data registry: every file shipped inside ssekit, with checksum and provenance.

``ssekit/data/registry.csv`` has one row per shipped file that is not Python
code: name, file (path relative to the ``ssekit`` package), kind, sha256,
licence, licence_file, citation, doi, rows, column_units and description.
Every read of a shipped file goes through :func:`path` (or
:func:`read_csv`), so one place knows where package data live, and
:func:`verify_all` (``ssekit data``) checks them all. A test fails when a
shipped file has no row.

After editing a shipped file on purpose, refresh its checksum with
``python scripts/register_data.py`` and say why in the commit.

Examples
--------
>>> from ssekit.data import shipped
>>> reg = shipped.registry()
>>> reg.loc["obelix_train", "licence"]
'CC-BY-4.0'
>>> shipped.path("chen2021/table1.csv").name
'table1.csv'
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pandas as pd

from ..errors import ChecksumError, InputError

__all__ = ["PACKAGE", "REGISTRY_FILE", "registry", "entry", "path", "sha256", "verify", "verify_all",
           "unregistered_files", "read_csv"]

#: Root of the installed ``ssekit`` package; registered paths are relative to it.
PACKAGE = Path(__file__).resolve().parents[1]
#: The registry itself (the one shipped file that cannot list its own checksum).
REGISTRY_FILE = PACKAGE / "data" / "registry.csv"
#: Files that are part of the code, not data: never registered.
_CODE_SUFFIXES = {".py", ".pyc", ".typed"}


@cache
def _registry() -> pd.DataFrame:
    df = pd.read_csv(REGISTRY_FILE, dtype=str, keep_default_na=False)
    df["rows"] = pd.to_numeric(df["rows"].replace("", None), errors="coerce").astype("Int64")
    return df.set_index("name", drop=False)


@cache
def _rows() -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """The registry's rows by name and by file (a file registered under two names is found by neither file)."""
    reg = _registry()
    rows = [reg.iloc[i] for i in range(len(reg))]
    files = reg["file"].value_counts()
    return ({r["name"]: r for r in rows}, {r["file"]: r for r in rows if files[r["file"]] == 1})


def registry() -> pd.DataFrame:
    """The registry as a table indexed by name.

    Returns
    -------
    pandas.DataFrame
        Columns name, file, kind, sha256, licence, licence_file, citation,
        doi, rows (nullable integer), column_units, description.
    """
    return _registry().copy()


def entry(name_or_file: str) -> pd.Series:
    """The registry row of a data set, by name or by its path relative to the package.

    Raises
    ------
    InputError
        If nothing of that name or path is registered.
    """
    by_name, by_file = _rows()
    row = by_name.get(name_or_file)
    if row is None:
        row = by_file.get(name_or_file)
    if row is not None:
        return row.copy()
    reg = _registry()
    raise InputError(f"no registered data set or file {name_or_file!r}; known names: {', '.join(reg.index[:8])}, ... "
                     "(see 'ssekit data')")


def path(name_or_file: str) -> Path:
    """Absolute path of a registered file (by registry name or package-relative path).

    Parameters
    ----------
    name_or_file : str
        A registry name such as ``"obelix_train"`` or a path relative to the
        package such as ``"kim2025/table1.csv"``.

    Returns
    -------
    pathlib.Path
    """
    return PACKAGE / str(entry(name_or_file)["file"])


def sha256(file: Path | str) -> str:
    """Hex sha256 of a file's bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.txt"; _ = f.write_bytes(b"abc")
    >>> sha256(f)[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(Path(file).read_bytes()).hexdigest()


def verify(name_or_file: str, file: Path | None = None) -> str:
    """Check a file against its registered sha256.

    Parameters
    ----------
    name_or_file : str
        Registry name or package-relative path.
    file : Path, optional
        Check this file instead of the shipped one (used by tests).

    Returns
    -------
    str
        The checksum, when it matches.

    Raises
    ------
    ChecksumError
        When it does not, naming the file and both checksums.
    """
    e = entry(name_or_file)
    file = Path(file) if file is not None else PACKAGE / str(e["file"])
    if not file.exists():
        raise ChecksumError(f"registered data file {e['file']} is missing from the installed package ({file})")
    got = sha256(file)
    if got != e["sha256"]:
        raise ChecksumError(
            f"checksum mismatch for {e['name']!r} ({file}): registered {e['sha256']}, file has {got}; "
            "restore it from the repository, or run scripts/register_data.py and record its provenance"
        )
    return got


def verify_all() -> pd.DataFrame:
    """Verify every registered file and look for unregistered ones.

    Returns
    -------
    pandas.DataFrame
        One row per file: name, file, ok, message. Unregistered files are
        listed with ``ok = False``.
    """
    out = []
    for name, e in _registry().iterrows():
        try:
            verify(name)
            out.append((name, e["file"], True, "sha256 matches"))
        except ChecksumError as exc:
            out.append((name, e["file"], False, str(exc)))
    for f in unregistered_files():
        out.append(("(unregistered)", f, False, f"{f} is shipped but has no row in data/registry.csv"))
    return pd.DataFrame(out, columns=["name", "file", "ok", "message"])


def unregistered_files() -> list[str]:
    """Package-relative paths of shipped non-code files with no registry row."""
    known = set(_registry()["file"]) | {"data/registry.csv"}
    found = [str(f.relative_to(PACKAGE)) for f in sorted(PACKAGE.rglob("*"))
             if f.is_file() and "__pycache__" not in f.parts and f.suffix not in _CODE_SUFFIXES]
    return [f for f in found if f not in known]


def read_csv(name_or_file: str, *, check_sha256: bool = True, **kwargs) -> pd.DataFrame:
    """Read a registered CSV file after verifying its checksum.

    Parameters
    ----------
    name_or_file : str
        Registry name or package-relative path.
    check_sha256 : bool
        Verify the checksum first (default True).
    **kwargs
        Passed to :func:`pandas.read_csv`.
    """
    if check_sha256:
        verify(name_or_file)
    return pd.read_csv(path(name_or_file), **kwargs)
