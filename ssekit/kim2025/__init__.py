"""Kim et al. 2025, ACS Appl. Energy Mater. 8, 14014 (doi:10.1021/acsaem.5c02250): thin sulfide SE membranes (review).

- :mod:`.asr` -- Sec. 3.1 ASR arithmetic
- :mod:`.energy` -- energy density against separator thickness, thresholds, sensitivity
- :mod:`.mechanics` -- Tables 1-2, Monroe-Newman, binder and porosity arithmetic
- :mod:`.figures` -- one function per figure
- ``claims.toml``, ``table1.csv``, ``table2.csv``, ``asr.csv``, ``mechanics.csv``
"""

import importlib

__all__ = ["asr", "energy", "figures", "mechanics"]


def __getattr__(name: str):
    """The modules are imported when first used, so ``ssekit --help`` and light commands stay light."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
