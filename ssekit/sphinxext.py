"""Sphinx extension: write the claims scorecard as ``claims.json`` in the built site.

Enabled in ``_config.yml`` (``sphinx.extra_extensions``). It evaluates every
claim in the build process itself, with the same functions the chapters use,
so the file is always as fresh as the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _write_claims(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from .claims import to_json

    Path(app.outdir, "claims.json").write_text(to_json() + "\n", encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    app.connect("build-finished", _write_claims)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
