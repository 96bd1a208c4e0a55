"""Inside a page sandbox: the inner session streams each block's start and result outward.

The page server passes a ``PageStream`` to ``pytest.main`` as a plugin; its presence makes
the session a page's inner session. One JSON line per event; the outer session's items
take their outcome from these. It also carries the claim ids the outer session found on
every page, so the inner session need not read them all again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from typing import IO, Any

import pytest

from docproof.pytest_nodes import PROPERTY, TOOLS, UPDATED

_RANK = {"passed": 0, "skipped": 1, "failed": 2}


class PageStream:
    """Session plugin of the inner session: writes ``start`` and ``result`` events."""

    def __init__(self, fd: int, claims: frozenset[str]) -> None:
        os.set_inheritable(fd, False)  # blocks' own processes must not write to it
        self.claims = claims
        self._out: IO[str] = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
        self._phases: dict[str, list[pytest.TestReport]] = {}
        self._lines: dict[str, int] = {}  # nodeid -> the block's fence line

    def _emit(self, **event: Any) -> None:
        self._out.write(json.dumps(event) + "\n")
        self._out.flush()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # Each block's line, read once rather than at each of its events.
        for item in items:
            line = _line(item.user_properties)
            if line is not None:
                self._lines[item.nodeid] = line

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        line = self._lines.get(item.nodeid)
        if line is not None:
            self._emit(event="start", line=line)
        return (yield)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._phases.setdefault(report.nodeid, []).append(report)
        if report.when != "teardown":
            return
        phases = self._phases.pop(report.nodeid)
        line = self._lines.get(report.nodeid)
        if line is None:
            return
        worst = max(phases, key=lambda phase: _RANK[phase.outcome])
        text = worst.longreprtext
        if worst.skipped and isinstance(worst.longrepr, tuple):
            text = str(worst.longrepr[2]).removeprefix("Skipped: ")
        props = dict(report.user_properties)
        updated, tools = props.get(UPDATED), props.get(TOOLS)
        self._emit(
            event="result",
            line=line,
            status=worst.outcome,
            duration=sum(phase.duration for phase in phases),
            text=text,
            updated=json.loads(str(updated)) if updated else [],
            tools=json.loads(str(tools)) if tools else {},
        )

    def pytest_unconfigure(self) -> None:
        self._out.close()


def page_stream(config: pytest.Config) -> PageStream | None:
    """The stream of the page's own session ``config`` is, or None in any other session.

    A world provider may skip in such a session what the session that started it has done
    for the whole run already (e.g. checking that the run's tools work)."""
    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, PageStream)),
                None)


def _line(properties: list[tuple[str, object]]) -> int | None:
    fields = dict(properties).get(PROPERTY)
    return int(json.loads(str(fields))["line"]) if fields else None
