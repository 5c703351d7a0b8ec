"""Chen et al. 2021, ACS Energy Lett. 6, 1639 (doi:10.1021/acsenergylett.1c00332): thin LPSCl films by machine learning.

- :mod:`.films` -- Table S1 loader (the real file when supplied) and the documented surrogate
- :mod:`.analysis` -- the workflow on the active table, and the paper's claims
- :mod:`.figures` -- one function per paper figure
- ``claims.toml``, ``table1.csv``, ``reported.csv``, ``surrogate.csv`` -- claims, Table 1, printed numbers, surrogate assumptions
"""

from . import analysis, figures, films

__all__ = ["analysis", "figures", "films"]
