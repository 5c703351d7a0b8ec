"""Collection order for pytest-xdist: the book's checks last, the longest first.

The book is built in the background while the unit tests run (scripts/test, tests/book_build.py); tests that
need the build are dispatched after every other test, so no worker sits waiting for it while unit tests are
left. Among them the page check and the fresh-kernel (nbval) runs, the long ones, go first.
"""

from __future__ import annotations

LONG_FIRST = ("test_pages_render_without_overflow_or_missing_cells", "test_fresh_kernel_reproduces_the_build")


def _rank(item) -> tuple[int, int]:
    if "build" not in getattr(item, "fixturenames", ()):
        return (0, 0)
    name = getattr(item, "originalname", item.name)
    return (1, LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST))


def pytest_collection_modifyitems(session, config, items):
    items[:] = sorted(items, key=_rank)  # stable: the order within each rank is pytest's
