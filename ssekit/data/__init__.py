"""Shipped data: the registry of every file, validated loaders, parameter sets.

- :mod:`ssekit.data.shipped` -- every shipped file with sha256, licence,
  citation; :func:`path` is the one place that knows where package data live
- :mod:`ssekit.data.loaders` -- OBELiX, Laskowski 2023 and Liverpool tables,
  cleaned with a count of every step and validated with pandera
- :mod:`ssekit.data.parameters` -- parameter sets (name, value, unit, source)
"""

from .loaders import CleaningReport, ColumnSpec, clean_laskowski, clean_liverpool, clean_obelix, load, load_with_report, validate
from .parameters import Parameter, ParameterSet, load_parameters
from .shipped import entry, path, read_csv, registry, sha256, unregistered_files, verify, verify_all

__all__ = [
    "CleaningReport", "ColumnSpec", "clean_laskowski", "clean_liverpool", "clean_obelix", "load", "load_with_report",
    "validate", "Parameter", "ParameterSet", "load_parameters", "entry", "path", "read_csv", "registry", "sha256",
    "unregistered_files", "verify", "verify_all",
]
