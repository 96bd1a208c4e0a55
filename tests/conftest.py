"""The order in which `pytest -n 2` hands test files to its workers: the longest first.

docproof makes xdist schedule whole files (a page's blocks stay together), and xdist hands
them out by their number of tests, most first. A file of few tests that re-runs whole pages
or builds many worlds then came last, and one worker ran it alone while the other idled.
Here the files of LONGEST_FIRST go first, in that order (the longest-processing-time rule:
the last files handed out are short, so the workers finish close together); every other
file follows by its number of tests, as xdist would order it.
"""

from __future__ import annotations

import pytest

from file_order import longest_first


def pytest_configure(config: pytest.Config) -> None:
    # xdist's own reordering (by number of tests) would undo the order set below.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Only an xdist worker's order reaches the scheduler; a serial run keeps its order.
    if not hasattr(config, "workerinput"):
        return
    items[:] = list(longest_first(items))
