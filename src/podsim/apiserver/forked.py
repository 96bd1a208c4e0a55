"""The world's API endpoint in a forked child of this process, not a new interpreter.

`python -m podsim.apiserver` spends about a third of a CPU-second importing podsim and
aiohttp before it serves. A process that has imported them already (a page's own process)
forks instead: the child runs the same `main`, in the same network namespace, and this
process reads the line `main` prints once everything listens.
"""

import contextlib
import os
import select
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from podsim.apiserver.server import main
from podsim.errors import WorldError

START_TIMEOUT_S = 60.0  # main's own start-up waits at most 30 s per site


@dataclass
class ForkedEndpoint:
    """A running endpoint: its child's pid and the line `main` printed (the API's URL, then
    the host:port of the webhook and of the GitHub site when they are served)."""

    pid: int
    line: str

    def stop(self) -> None:
        """End the child and reap it; a child that already ended is only reaped."""
        if self.pid <= 0:
            return
        pid, self.pid = self.pid, 0
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def serve_forked(argv: list[str], log: Path) -> ForkedEndpoint:
    """Fork a child that runs `main(argv)` with its standard error in `log`; return once it
    has printed its line. If it ends or stays silent first, raise with the log's text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        os.close(read_end)
        _serve(argv, log, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as lines:
        ready, _, _ = select.select([lines], [], [], START_TIMEOUT_S)
        line = lines.readline().decode().strip() if ready else ""
    endpoint = ForkedEndpoint(pid, line)
    if not line:
        endpoint.stop()
        said = log.read_text(errors="replace").strip() if log.is_file() else ""
        raise WorldError(f"the API endpoint did not start (log {log}):\n{said}")
    return endpoint


def _serve(argv: list[str], log: Path, out: int) -> None:
    code = 1
    try:
        # The parent's handlers (a test session's) are not the endpoint's: SIGTERM ends it.
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        errors = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(errors, 2)
        os.dup2(out, 1)
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 (the child's life is the file's)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        code = main(argv)
    except SystemExit as exit_:  # argparse's error, already written to the log
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        # os._exit flushes nothing: what the child wrote must reach the log first.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
