"""Mishra et al. 2023, ACS Omega 8, 16419 (doi:10.1021/acsomega.3c01400): ML for ionic conductivity, on open data.

- :mod:`.features` -- the feature table (OBELiX + Laskowski + Liverpool join)
- :mod:`.analysis` -- Table 2, Figures 5-7, checks beyond the paper, the paper's claims
- :mod:`.figures` -- one function per paper figure
- ``claims.toml``, ``table2.csv``, ``fig7.csv`` -- claims and the printed tables
"""

from . import analysis, features, figures

__all__ = ["analysis", "features", "figures"]
