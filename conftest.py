"""pytest configuration shared by the unit tests, the doctests and the book tests.

Hypothesis runs derandomised (a fixed example sequence), so two runs of the
suite test the same inputs; set ``HYPOTHESIS_PROFILE=explore`` to search anew.
"""

from __future__ import annotations

import os
import sys

# jsonschema (under nbformat) imports rfc3987_syntax, when installed, only to check "iri" formats, which no schema
# here uses; building its grammar costs 1.8 s of CPU in each pytest process. pyproject's addopts leave the nbval
# plugin out of this session (nbval runs notebooks in its own processes, tests/nbval_run.py, which skip it too), so
# nothing has imported jsonschema yet.
sys.modules.setdefault("rfc3987_syntax", None)

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
