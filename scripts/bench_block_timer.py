"""pytest plugin the benchmark suite loads (`-p bench_block_timer`): the seconds each test
item took, all phases summed, in collection order, written as a JSON list to the file that
BENCH_BLOCK_TIMES names. For a page run these are its blocks, as the session saw them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_durations: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    Path(os.environ["BENCH_BLOCK_TIMES"]).write_text(json.dumps(list(_durations.values())))
