"""A world's session start (services its blocks talk to) and its tools in the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROVIDER = '''
from pathlib import Path
import pytest
from docproof import PageWorld, Sandbox

STARTS = {
    # A stand-in service: a background process the session started, and a variable.
    "served": 'sleep 612.5 & SERVICE_PID=$!; export SERVICE=up',
    "broken": 'echo the service would not start; false',
}


@pytest.hookimpl
def pytest_docproof_page_world(page: Path, world: str, sandbox: Sandbox) -> PageWorld:
    return PageWorld(session_start=STARTS[world], tools={"counter": "2.1"})
'''
PAGE = ("---\nworld: {world}\n---\n# Page\n\n```{{.console}}\n"
        "$ kill -0 $SERVICE_PID && echo $SERVICE\nup\n```\n")
SERVICE = b"sleep\x00612.5\x00"


def run(root: Path, world: str) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (root / "conftest.py").write_text(PROVIDER)
    (root / "page.md").write_text(PAGE.format(world=world))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["HOME"] = str(root / "home")
    done = subprocess.run([sys.executable, "-m", "pytest", "page.md"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=100, check=False)
    report = json.loads((root / ".docproof" / "report.json").read_text())
    return done, report


def test_the_session_start_runs_before_the_first_block_and_ends_with_the_page(
    tmp_path: Path,
) -> None:
    done, report = run(tmp_path, "served")
    assert done.returncode == 0, done.stdout
    blocks = report["blocks"]
    assert isinstance(blocks, list)
    assert [(b["status"], b["tools"]) for b in blocks] == [("pass", {"counter": "2.1"})]
    assert report["summary"]["tools"] == {"counter": ["2.1"]}  # type: ignore[index]
    # The service was alive during the block and ended with the page: no process of the
    # machine runs it any more (the page's PID namespace is visible from here).
    assert not [p for p in Path("/proc").glob("[0-9]*") if _cmdline(p) == SERVICE]


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:  # the process ended while we looked
        return b""


def test_a_failing_session_start_fails_the_blocks_with_its_output(tmp_path: Path) -> None:
    done, report = run(tmp_path, "broken")
    assert done.returncode == 1
    assert "page.md:7: the world's session start exited 1" in done.stdout
    assert "the service would not start" in done.stdout
    assert report["summary"]["fail"] == 1  # type: ignore[index]
