"""Alabdali et al. 2022, Curr. Opin. Electrochem. 36, 101127 (doi:10.1016/j.coelec.2022.101127): microstructure-resolved modelling (review).

- :mod:`.analysis` -- Table 1, voxel sweeps and solver validation, the review's claims
- :mod:`.figures` -- one function per figure
- ``claims.toml``, ``table1.csv``
"""

import importlib

__all__ = ["analysis", "figures"]


def __getattr__(name: str):
    """The modules are imported when first used, so ``ssekit --help`` and light commands stay light."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
