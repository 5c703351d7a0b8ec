"""ssekit: the library behind the executable reproduction of four papers on
thin sulfide solid-electrolyte films and the thickness trade-off of
all-solid-state batteries.

Modules are small and named for what they do:

- :mod:`ssekit.datasets` -- the shipped data registry, checksums, validated loaders
- :mod:`ssekit.parameters` -- physical parameters as data, with units and sources
- :mod:`ssekit.asr` -- area-specific resistance of an electrolyte layer
- :mod:`ssekit.claims` -- the claims registry and scorecard
- :mod:`ssekit.plotting` -- colour-blind-safe figure helpers
"""

__version__ = "0.1.0"
