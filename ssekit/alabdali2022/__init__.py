"""Alabdali et al. 2022, Curr. Opin. Electrochem. 36, 101127 (doi:10.1016/j.coelec.2022.101127): microstructure-resolved modelling (review).

- :mod:`.analysis` -- Table 1, voxel sweeps and solver validation, the review's claims
- :mod:`.figures` -- one function per figure
- ``claims.toml``, ``table1.csv``
"""

from .._lazy import submodules

__all__ = ["analysis", "figures"]
__getattr__, __dir__ = submodules(__name__, __all__)  # imported when first used
