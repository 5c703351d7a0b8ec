"""ssekit: the library behind the executable reproduction of papers on
thin sulfide solid-electrolyte films and the thickness trade-off of
all-solid-state batteries.

General tools (no paper in them):

- :mod:`ssekit.physics` -- area-specific resistance (:mod:`~ssekit.physics.asr`), the
  cell-stack energy model (:mod:`~ssekit.physics.cell`), voxel microstructures
  and their conduction (:mod:`~ssekit.physics.microstructure`), constants
- :mod:`ssekit.ml` -- the film-classification workflow (:mod:`~ssekit.ml.filmclass`)
  and the regression suite (:mod:`~ssekit.ml.regression`)
- :mod:`ssekit.data` -- the registry of every shipped file, validated loaders, parameter sets
- :mod:`ssekit.chemistry` -- formula parsing and unit-cell volume
- :mod:`ssekit.claims` -- the claims engine and scorecard
- :mod:`ssekit.style` -- the book's figure style and palette
- :mod:`ssekit.errors`, :mod:`ssekit.validation` -- one error hierarchy, one range check
- :mod:`ssekit.cli` -- the ``ssekit`` command

One package per paper, each with its compute functions, figures, claims
(``claims.toml``), transcribed tables and parameter sets:
:mod:`ssekit.chen2021`, :mod:`ssekit.mishra2023`, :mod:`ssekit.kim2025`,
:mod:`ssekit.alabdali2022`. Paper packages import general tools, never the
other way round.
"""

__version__ = "0.2.0"
