"""Physics with no paper in it: area-specific resistance, the cell-stack model, voxel microstructures.

- :mod:`ssekit.physics.asr` -- ASR = N_M L / σ and its inverses
- :mod:`ssekit.physics.cell` -- per-area energy density of an all-solid-state cell stack
- :mod:`ssekit.physics.microstructure` -- voxel composites, percolation, finite-volume conduction
- :mod:`ssekit.physics.constants` -- physical constants (CODATA 2018)
"""

from . import asr, cell, constants, microstructure

__all__ = ["asr", "cell", "constants", "microstructure"]
