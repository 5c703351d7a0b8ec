"""One error hierarchy for everything ssekit refuses.

Every loader, model and command raises a subclass of :class:`SsekitError`
for bad input; the command line turns it into one line on stderr and exit
status 2. Anything else that escapes is a bug in ssekit.

Examples
--------
>>> from ssekit.errors import InputError, SsekitError
>>> issubclass(InputError, SsekitError) and issubclass(InputError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["SsekitError", "InputError", "DataValidationError", "ChecksumError"]


class SsekitError(Exception):
    """Base class of every error ssekit raises on purpose (bad input, bad data)."""


class InputError(SsekitError, ValueError):
    """A parameter, option or file is outside what the calculation accepts.

    The message names the parameter (or file, row and column), its unit and
    the allowed range.
    """


class DataValidationError(InputError):
    """A data table lacks a column, or holds a value of the wrong type or range."""


class ChecksumError(DataValidationError):
    """A shipped data file differs from the one registered in the data registry."""
