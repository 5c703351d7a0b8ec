"""Chen et al. 2021, ACS Energy Lett. 6, 1639 (doi:10.1021/acsenergylett.1c00332): thin LPSCl films by machine learning.

- :mod:`.films` -- Table S1 loader (the real file when supplied) and the documented surrogate
- :mod:`.analysis` -- the workflow on the active table (figures, tables, robustness)
- :mod:`.evidence` -- the paper's claims as pure functions of their inputs, with nulls and knock-outs
- :mod:`.figures` -- one function per paper figure
- ``claims.toml``, ``table1.csv``, ``reported.csv``, ``surrogate.csv``, ``knockouts.csv``, ``inventory.csv`` -- claims, Table 1, printed numbers, surrogate assumptions, the generator terms sourced from the paper's findings, every checkable statement of the paper
"""

from .._lazy import submodules

__all__ = ["analysis", "evidence", "figures", "films"]
__getattr__, __dir__ = submodules(__name__, __all__)  # imported when first used
