"""Collection order for pytest-xdist: the book's checks last, the longest first.

The book is built in the background while the unit tests run (scripts/test, tests/book_build.py); tests that
need the build are dispatched after every other test, so no worker sits waiting for it while unit tests are
left. Among them the long ones go first (the scorecard's fresh-kernel run, the page check, the other
nbval runs), so the run does not end waiting on one of them.
"""

from __future__ import annotations

LONG_FIRST = ("test_fresh_kernel_reproduces_the_build[scorecard]", "test_pages_render_without_overflow_or_missing_cells",
              "test_fresh_kernel_reproduces_the_build[mishra2023_models]",
              "test_fresh_kernel_reproduces_the_build[chen2021_svm]",
              "test_fresh_kernel_reproduces_the_build[alabdali2022_microstructure]",
              "test_fresh_kernel_reproduces_the_build")


def _rank(item) -> tuple[int, int]:
    if "build" not in getattr(item, "fixturenames", ()):
        return (0, 0)
    for i, name in enumerate(LONG_FIRST):
        if item.name == name or getattr(item, "originalname", "") == name:
            return (1, i)
    return (1, len(LONG_FIRST))


def pytest_collection_modifyitems(session, config, items):
    items[:] = sorted(items, key=_rank)  # stable: the order within each rank is pytest's
