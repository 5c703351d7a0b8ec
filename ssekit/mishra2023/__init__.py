"""Mishra et al. 2023, ACS Omega 8, 16419 (doi:10.1021/acsomega.3c01400): ML for ionic conductivity, on open data.

- :mod:`.features` -- the feature table (OBELiX + Laskowski + Liverpool join)
- :mod:`.analysis` -- Table 2, Figures 5-7, checks beyond the paper
- :mod:`.checks` -- the paper's claims as functions of their inputs, with their nulls
- :mod:`.figures` -- one function per paper figure
- ``claims.toml``, ``inventory.csv``, ``table2.csv``, ``fig7.csv`` -- claims, the paper's statements and the printed tables
"""

from .._lazy import submodules

__all__ = ["analysis", "checks", "features", "figures"]
__getattr__, __dir__ = submodules(__name__, __all__)  # imported when first used
