"""Computed numbers quoted in a chapter's prose, readable on the site and in JupyterLab.

A chapter collects the numbers its text quotes in one :class:`Numbers`
object, already formatted::

    n = Numbers()
    n.asr_ratio = format(ratio, ".1f")

and writes them in Markdown as MyST inline expressions, ``{eval}`n.asr_ratio```.

- In JupyterLab, jupyterlab-myst evaluates ``n.asr_ratio`` in the running
  kernel when the Markdown cell is rendered, and shows ``10.6``.
- On the static site (Jupyter Book v1, cached execution), there is no kernel
  at render time: every assignment also *glues* the text under the key
  ``"n.asr_ratio"`` (the myst-nb glue output format, stored in the executed
  notebook), and :mod:`ssekit.sphinxext` makes the ``{eval}`` role paste that
  glued text. The warm rebuild therefore re-executes nothing.

Values are kept as :class:`Text`, a ``str`` whose representation has no
quotes, so both renderers show ``10.6`` rather than ``'10.6'``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["GLUE_PREFIX", "Text", "Numbers", "glue"]

#: MIME prefix of glued data that is stored but not displayed (myst-nb's convention).
GLUE_PREFIX = "application/papermill.record/"

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Text(str):
    """A string shown without quotes (``repr`` is the text itself).

    Examples
    --------
    >>> Text("10.6")
    10.6
    """

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def glue(key: str, value: Any, display: bool = False) -> None:
    """Store ``value``'s display data in the cell's outputs under ``key`` (myst-nb's glue format).

    Outside IPython (e.g. in a plain script or a doctest) nothing is stored.
    """
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display as ipy_display
    except ImportError:  # pragma: no cover - IPython is always there in a notebook
        return
    if get_ipython() is None:
        return
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": key, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


class Numbers:
    """The formatted numbers a chapter's prose quotes, each also glued as ``"<name>.<attribute>"``.

    Parameters
    ----------
    name : str
        The variable the chapter binds this object to (``n`` by convention);
        it prefixes the glue keys so that ``{eval}`n.x``` finds ``"n.x"``.

    Examples
    --------
    >>> n = Numbers()
    >>> n.ratio = format(10.62, ".1f")
    >>> n.ratio
    10.6
    >>> n.keys()
    ['n.ratio']
    """

    def __init__(self, name: str = "n") -> None:
        if not _NAME.match(name):
            raise ValueError(f"Numbers name must be an identifier, got {name!r}")
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_keys", [])

    def __setattr__(self, attr: str, value: Any) -> None:
        if not _NAME.match(attr):
            raise ValueError(f"attribute must be an identifier, got {attr!r}")
        text = Text(value)
        object.__setattr__(self, attr, text)
        key = f"{self._name}.{attr}"
        if key not in self._keys:
            self._keys.append(key)
        glue(key, text, display=False)

    def keys(self) -> list[str]:
        """The glue keys set so far, in order (``"n.x"`` for ``n.x = ...``)."""
        return list(self._keys)

    def __repr__(self) -> str:
        items = ", ".join(f"{k.split('.', 1)[1]}={getattr(self, k.split('.', 1)[1])}" for k in self._keys)
        return f"Numbers({items})"
