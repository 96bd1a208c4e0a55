"""A page run in its own sandboxed process tree, seen from the pytest session that started it.

The page process is an inner pytest session collecting just that page (so
pytest-markdown-docs still runs its Python blocks), forked by this session's page server
(``page_server``) into fresh network, mount and PID namespaces, under a process 1 that
builds its filesystem view and reaps it (``jail``). It streams one JSON line per event on a
pipe: ``start`` when a block begins, ``result`` when its phases are done, and ``ended``
with how the inner session ended. The outer items take their outcome from those lines;
deadlines are kept here, outside the page, by killing the page's keeper (its namespace
dies with it).

Why namespaces by hand rather than bubblewrap: they need nothing installed, and the runner
runs as root in CI and in the dev container; the jail does the few mounts bubblewrap would
do. Why a fork server rather than a fresh interpreter per page: the imports (pytest, its
plugins, the world) are paid once per session instead of once per page, and as the server
is a fork of the session itself, they are not paid again for it either.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from docproof import jail, page_server

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
    """What the page's interpreter needs to see: its prefixes, its import path and the
    checkout docproof runs from (an editable install may live outside every sys.path entry,
    and a project copy's checks read the checkout's committed files, e.g. the fault matrix)."""
    dirs = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
            Path(__file__).resolve().parents[2]}
    dirs |= {Path(entry) for entry in sys.path if entry and Path(entry).is_dir()}
    return sorted(dirs)


class PageDied(RuntimeError):
    """The page process ended, or was killed, while a block was due."""


def sandbox_available() -> bool:
    """Whether this machine lets pages run in namespaces of their own (root, in practice).

    Probed in a fork of this process (the probe enters namespaces, which this process must
    not), not in a fresh interpreter: a fork costs a millisecond, an interpreter a tenth of
    a second."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = jail.probe()
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


class PageServer:
    """This session's page server (``page_server``): forked once, forks every page."""

    def __init__(self) -> None:
        self._socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._pid = page_server.fork_server(theirs)
        theirs.close()
        self._exited: int | None = None

    def fork_page(self, request: dict[str, Any], stream: int, log: int) -> int:
        """Start a page; its keeper's pidfd (kill it and the page's namespace dies)."""
        socket.send_fds(self._socket, [json.dumps(request).encode()], [stream, log])
        _, fds, _, _ = socket.recv_fds(self._socket, 64, 1)
        if not fds:
            raise RuntimeError(f"docproof page server ended ({self._exit()})")
        return fds[0]

    def _exit(self) -> str:
        if self._exited is None:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid == 0:
                return "still running"
            self._exited = status
        return jail.describe(self._exited)

    def close(self) -> None:
        self._socket.close()  # the server ends every page still running, then itself
        if self._exited is not None:
            return
        pidfd = os.pidfd_open(self._pid)
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(pidfd, selectors.EVENT_READ)
                if not selector.select(30):
                    signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        finally:
            os.close(pidfd)
        self._exited = os.waitpid(self._pid, 0)[1]


@dataclass
class PageProcess:
    """One running page sandbox; ``outcome(line, timeout)`` waits for a block's result."""

    keeper: int  # pidfd of the page's keeper
    stream: IO[bytes]
    log: IO[bytes]
    outcomes: dict[int, BlockOutcome] = field(default_factory=dict)
    started: dict[int, float] = field(default_factory=dict)
    ended: str = ""
    killed: str = ""
    _buffer: bytes = b""
    _eof: bool = False
    _selector: selectors.BaseSelector | None = None

    @classmethod
    def start(
        cls,
        server: PageServer,
        rootdir: Path,
        cwd: Path,
        pytest_args: Sequence[str],
        claims: set[str],
        writable: Sequence[Path] = (),
    ) -> PageProcess:
        read_end, write_end = os.pipe()
        log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        request = {
            "args": list(pytest_args),
            "rootdir": str(rootdir),
            "cwd": str(cwd),
            "env": dict(os.environ),
            "claims": sorted(claims),
            "writable": [str(path) for path in writable],
            "visible": [str(path) for path in _runtime_dirs()],
        }
        try:
            keeper = server.fork_page(request, write_end, log.fileno())
        finally:
            os.close(write_end)
        return cls(keeper, os.fdopen(read_end, "rb", buffering=0), log)

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
        if self._selector is None:
            self._selector = selectors.DefaultSelector()
            self._selector.register(self.stream, selectors.EVENT_READ)
        remaining = deadline - time.monotonic()
        if remaining > 0 and self._selector.select(remaining):
            chunk = self.stream.read(65536)
            if not chunk:
                self._eof = True
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
            self.ended = self.ended or str(event["how"])

    def _exit_description(self) -> str:
        return "ended without saying how (its sandbox was killed)"

    def output(self) -> str:
        """What the inner session printed (for a page that died before any block)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self, why: str) -> None:
        """Kill the whole page tree, saying why (the blocks still due report it)."""
        self.killed = self.killed or why
        self._kill_tree()

    def _kill_tree(self) -> None:
        # The keeper's death kills process 1 of the page's namespace, and with it the page.
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self.keeper, signal.SIGKILL)

    def finish(self, timeout_s: float = 60.0) -> list[str]:
        """Wait for the page to end (kill it if it does not); the update-mode lines it wrote."""
        deadline = time.monotonic() + timeout_s
        while not self.ended and not self.killed and time.monotonic() < deadline:
            self._read_until(deadline)
        if not self.ended:
            self.kill("killed: it did not end after its last block")
        self._drain(time.monotonic() + 10)
        if not self._eof:
            self._kill_tree()  # whatever is left once the page's session ended
            self._drain(time.monotonic() + 60)
        os.close(self.keeper)
        if self._selector is not None:
            self._selector.close()
        self.stream.close()
        self.log.close()
        return [line for outcome in self.outcomes.values() for line in outcome.updated]

    def _drain(self, deadline: float) -> None:
        """Read until the stream's end: every process of the page has let go of it."""
        while not self._eof and time.monotonic() < deadline:
            self._read_until(deadline)
