"""pytest configuration shared by the unit tests, the doctests and the book tests.

Hypothesis runs derandomised (a fixed example sequence), so two runs of the
suite test the same inputs; set ``HYPOTHESIS_PROFILE=explore`` to search anew.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
