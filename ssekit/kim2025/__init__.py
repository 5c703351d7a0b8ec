"""Kim et al. 2025, ACS Appl. Energy Mater. 8, 14014 (doi:10.1021/acsaem.5c02250): thin sulfide SE membranes (review).

- :mod:`.asr` -- Sec. 3.1 ASR arithmetic
- :mod:`.energy` -- energy density against separator thickness, thresholds, sensitivity
- :mod:`.mechanics` -- Tables 1-2, Monroe-Newman, binder and porosity arithmetic
- :mod:`.figures` -- one function per figure
- ``claims.toml``, ``table1.csv``, ``table2.csv``, ``asr.csv``, ``mechanics.csv``
"""

from .._lazy import submodules

__all__ = ["asr", "energy", "figures", "mechanics"]
__getattr__, __dir__ = submodules(__name__, __all__)  # imported when first used
