"""A test-only world provider: a counter kept in a file inside the page's sandbox.

Written into the inner test session as its ``conftest.py``. World ``counter`` gives Python
blocks ``world`` (with ``bump()``) and shell blocks a ``counter`` command on PATH that
prints the same file; any other world name is an error, as a real provider's would be.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docproof import PageWorld, Sandbox

COUNTER_SCRIPT = '#!/bin/sh\ncat "$COUNTER_FILE"\necho\n'


class Counter:
    def __init__(self, path: Path) -> None:
        self.path = path

    def bump(self) -> None:
        self.path.write_text(str(int(self.path.read_text()) + 1))


@pytest.hookimpl
def pytest_docproof_page_world(page: Path, world: str, sandbox: Sandbox) -> PageWorld:
    if world != "counter":
        raise LookupError(f"unknown world {world!r} (this provider knows: counter)")
    state = sandbox.root / "world"
    bindir = state / "bin"
    bindir.mkdir(parents=True)
    counter_file = state / "counter"
    counter_file.write_text("0")
    script = bindir / "counter"
    script.write_text(COUNTER_SCRIPT)
    script.chmod(0o755)
    return PageWorld(
        namespace={"world": Counter(counter_file)},
        env={"COUNTER_FILE": str(counter_file)},
        path_prepend=[bindir],
    )
