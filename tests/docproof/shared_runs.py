"""Inner sample runs started in the background once, shared by every test (and xdist worker)
that reads them.

The whole-sample runs spend most of their wall time waiting (blocks that run into their
timeouts, the grace before a hung page is killed), so they start as soon as collection shows
a test needs them and run beside the rest of the suite instead of in front of the test that
asks first. One process starts them (an exclusive lock in the temporary folder the xdist
workers share); the others wait on that lock and read the run's files.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# A run that takes longer is stuck: stop it, and its tests fail on what it left.
TIMEOUT_S = 300
_STATUS = "exit-status"
# Lays out a run's folder; returns the command to run there and its environment.
Prepare = Callable[[Path], tuple[list[str], dict[str, str]]]


@dataclass
class SharedRun:
    """One inner run with its own folder (`root`) under the shared temporary folder.

    `start()` begins it without waiting, if no process has yet; `wait()` returns its exit
    status and output once it has ended, starting it here if nobody did."""

    root: Path
    prepare: Prepare
    _lock: int | None = None
    _thread: threading.Thread | None = None
    _process: subprocess.Popen[bytes] | None = None
    _error: list[BaseException] = field(default_factory=list)

    def start(self) -> None:
        """Start the run in a thread of this process unless another process has it."""
        if self._thread is not None:
            return
        self.root.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.root.parent / f"{self.root.name}.lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another worker is running it
            os.close(lock)
            return
        if (self.root / _STATUS).exists():  # another worker ran it already
            os.close(lock)
            return
        self._lock = lock
        self._thread = threading.Thread(target=self._run, name=f"inner run {self.root.name}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            command, env = self.prepare(self.root)
            with (self.root / "stdout").open("w") as out, (self.root / "stderr").open("w") as err:
                self._process = subprocess.Popen(command, cwd=self.root, env=env, stdout=out,
                                                 stderr=err, stdin=subprocess.DEVNULL)
                try:
                    returncode = self._process.wait(timeout=TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
                    raise
            (self.root / _STATUS).write_text(str(returncode))
        except BaseException as exc:  # re-raised in the test that waits for the run
            self._error.append(exc)
        finally:
            assert self._lock is not None
            os.close(self._lock)  # releases the lock: waiting workers read the files

    def wait(self) -> tuple[int, str]:
        """The run's exit status and output (stdout, then stderr), once it has ended."""
        if self._thread is None:
            lock = os.open(self.root.parent / f"{self.root.name}.lock", os.O_CREAT | os.O_RDWR)
            fcntl.flock(lock, fcntl.LOCK_EX)  # returns when the worker running it is done
            os.close(lock)
            if not (self.root / _STATUS).exists():  # nobody started it (or it broke): run here
                self.start()
        if self._thread is not None:
            self._thread.join()
            if self._error:
                raise self._error[0]
        status = (self.root / _STATUS).read_text()
        output = (self.root / "stdout").read_text() + (self.root / "stderr").read_text()
        return int(status), output

    def join(self, *, stop: bool = False) -> None:
        """Wait for a run this process started (at the end of the session); with `stop`
        (an interrupted session), end it first."""
        if self._thread is None:
            return
        if stop and self._process is not None:
            self._process.kill()
        self._thread.join()


def shared_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every xdist worker of this session sees (the session's own
    one without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
