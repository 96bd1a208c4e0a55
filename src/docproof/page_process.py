"""A page run in its own sandboxed process tree, seen from the pytest session that started it.

The page process is an inner pytest session collecting just that page (so
pytest-markdown-docs still runs its Python blocks), started inside fresh network, mount
and PID namespaces by util-linux ``unshare`` with ``jail.py`` as process 1. It streams one
JSON line per event on a pipe: ``start`` when a block begins, ``result`` when its phases
are done, and (from the jail) ``ended`` with how the inner session ended. The outer items
take their outcome from those lines; deadlines are kept here, outside the page, by
killing the whole tree.

Why ``unshare`` rather than bubblewrap: it ships with util-linux (already a prerequisite,
no extra package), and the runner runs as root in CI and in the dev container; the jail
does the few mounts bubblewrap would do.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

JAIL = Path(__file__).with_name("jail.py")
NAMESPACES = ("--net", "--mount", "--pid", "--fork", "--mount-proc", "--kill-child")
STREAM_OPTION = "--docproof-page-stream"
# How long past a block's own timeout the page may take before it is killed from outside
# (the block's in-process timeout fires first; this covers a block that ignores it).
GRACE_S = 5.0
# Waiting for a block to start covers the world's setup and earlier non-running blocks.
START_WAIT_S = 600.0


@dataclass(frozen=True)
class BlockOutcome:
    """What the page process said about one block (by its fence line)."""

    line: int
    status: str  # "passed", "failed" or "skipped"
    duration_s: float
    text: str  # the failure or skip text, already located at file.md:line
    updated: tuple[str, ...] = ()
    tools: dict[str, str] = field(default_factory=dict)  # tool -> version the block ran with


def _runtime_dirs() -> list[Path]:
    """What the page's interpreter needs to see: its prefixes, its import path and docproof's
    own source tree (an editable install may live outside every sys.path entry)."""
    dirs = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
            Path(__file__).resolve().parents[1]}
    dirs |= {Path(entry) for entry in sys.path if entry and Path(entry).is_dir()}
    return sorted(dirs)


class PageDied(RuntimeError):
    """The page process ended, or was killed, while a block was due."""


def sandbox_prefix() -> tuple[str, ...]:
    """The ``unshare`` command that starts a page sandbox, or () when it is unavailable."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefix = (unshare, *NAMESPACES)
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return prefix if probe.returncode == 0 else ()


@dataclass
class PageProcess:
    """One running page sandbox; ``outcome(line, timeout)`` waits for a block's result."""

    proc: subprocess.Popen[bytes]
    stream: IO[bytes]
    log: IO[bytes]
    outcomes: dict[int, BlockOutcome] = field(default_factory=dict)
    started: dict[int, float] = field(default_factory=dict)
    ended: str = ""
    killed: str = ""
    _buffer: bytes = b""

    @classmethod
    def start(
        cls,
        prefix: Sequence[str],
        page: Path,
        rootdir: Path,
        cwd: Path,
        pytest_args: Sequence[str],
        writable: Sequence[Path] = (),
    ) -> PageProcess:
        read_end, write_end = os.pipe()
        log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        inner = [sys.executable, "-m", "pytest", str(page), *pytest_args]
        inner += [STREAM_OPTION, str(write_end)]
        jail = [sys.executable, "-I", "-S", str(JAIL), "--rootdir", str(rootdir)]
        jail += ["--cwd", str(cwd), "--stream-fd", str(write_end)]
        for path in writable:
            jail += ["--writable", str(path)]
        for path in _runtime_dirs():
            jail += ["--visible", str(path)]
        proc = subprocess.Popen(
            [*prefix, *jail, "--", *inner],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
            start_new_session=True,
        )
        os.close(write_end)
        return cls(proc, os.fdopen(read_end, "rb", buffering=0), log)

    def outcome(self, line: int, timeout_s: float) -> BlockOutcome:
        """The result of the block at ``line``; raise PageDied if the page ended or hung."""
        while line not in self.outcomes:
            if self.ended or self.killed:
                raise PageDied(self._why_missing(line))
            if line in self.started:
                deadline = self.started[line] + timeout_s + GRACE_S
                if time.monotonic() >= deadline:
                    self.kill(f"killed after the block ran past its {timeout_s:g} s timeout")
                    raise PageDied(self.killed)
            else:
                deadline = time.monotonic() + START_WAIT_S
            self._read_until(deadline)
        return self.outcomes[line]

    def _why_missing(self, line: int) -> str:
        if line in self.started:
            return f"page process {self.killed or self.ended} during this block"
        return f"page process {self.killed or self.ended} before this block ran"

    def _read_until(self, deadline: float) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.stream, selectors.EVENT_READ)
            remaining = deadline - time.monotonic()
            if remaining > 0 and selector.select(remaining):
                chunk = self.stream.read(65536)
                if not chunk:
                    self.ended = self.ended or self._exit_description()
                    return
                self._buffer += chunk
                *lines, self._buffer = self._buffer.split(b"\n")
                for raw in lines:
                    self._take(json.loads(raw))

    def _take(self, event: dict[str, Any]) -> None:
        kind = event["event"]
        if kind == "start":
            self.started[int(event["line"])] = time.monotonic()
        elif kind == "result":
            outcome = BlockOutcome(
                int(event["line"]),
                str(event["status"]),
                float(event["duration"]),
                str(event["text"]),
                tuple(event.get("updated", ())),
                dict(event.get("tools", {})),
            )
            self.outcomes[outcome.line] = outcome
        elif kind == "ended":
            self.ended = str(event["how"])

    def _exit_description(self) -> str:
        code = self.proc.wait()
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exited with {code}"

    def output(self) -> str:
        """What the inner session printed (for a page that died before any block)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self, why: str) -> None:
        """Kill the whole page tree, saying why (the blocks still due report it)."""
        self.killed = self.killed or why
        self._kill_tree()

    def _kill_tree(self) -> None:
        # unshare and the jail share a process group; killing the jail (PID 1 of its
        # namespace) makes the kernel kill everything inside.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def finish(self, timeout_s: float = 60.0) -> list[str]:
        """Wait for the page to end (kill it if it does not); the update-mode lines it wrote."""
        deadline = time.monotonic() + timeout_s
        while not self.ended and not self.killed and time.monotonic() < deadline:
            self._read_until(deadline)
        if not self.ended:
            self.kill("killed: it did not end after its last block")
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self._kill_tree()  # whatever is left once the page's session ended
        self.proc.wait()
        self.stream.close()
        self.log.close()
        return [line for outcome in self.outcomes.values() for line in outcome.updated]
