"""Serve MathJax from the built site (a Sphinx extension of the book build; no CDN).

The book's equations are typeset by MathJax 2.7, taken from the
``jupyter-server-mathjax`` package (pinned in requirements-lock.txt) and
copied into ``_static/mathjax`` of the HTML output when the build finishes;
``_config.yml`` points Sphinx's ``mathjax_path`` at it. So the site works
offline and loads no remote asset (tests/test_book.py checks the HTML).
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["mathjax_source", "setup"]

#: Sphinx's mathjax_path, relative to the site's _static folder
MATHJAX_PATH = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"


def mathjax_source() -> Path:
    """Folder holding MathJax.js and its config, fonts and jax.

    Examples
    --------
    >>> (mathjax_source() / "MathJax.js").is_file()
    True
    """
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).resolve().parent / "static"


def _copy(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    shutil.copytree(mathjax_source(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app) -> dict:
    """Register the copy of MathJax into the HTML output (Sphinx's extension entry point)."""
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
