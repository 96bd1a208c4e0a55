"""One long-lived bash per page: cwd, variables and exports carry over between blocks.

Each command is sent on stdin wrapped as ``{ CMD\\n} </dev/null`` (so it cannot read the
session's own input) followed by a marker line carrying a random nonce and the exit
status. stdout and stderr share one pipe, so output is merged in the order it was written,
as a terminal shows it.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class SessionError(RuntimeError):
    """The session cannot run the command (syntax error, timeout, bash exited)."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


@dataclass(frozen=True)
class Result:
    output: str
    returncode: int
    failed_command: str  # the first command that failed (bash ERR trap), "" if none


def check_syntax(source: str, env: dict[str, str]) -> str:
    """bash's complaint about ``source`` (``bash -n``), or "" if it parses."""
    probe = subprocess.run(
        ["bash", "--noprofile", "--norc", "-n"],
        input=source,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=30,
    )
    return probe.stderr.strip() if probe.returncode else ""


class BashSession:
    """A bash process fed commands one at a time."""

    def __init__(self, cwd: Path, env: dict[str, str], prefix: Sequence[str] = ()) -> None:
        self._env = env
        self._nonce = uuid.uuid4().hex
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [*prefix, "bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        self.ended = ""

    def run(self, source: str, timeout_s: float) -> Result:
        """Run ``source`` in the session; raise SessionError on timeout or a dead session."""
        if self._proc is None:
            raise SessionError(f"the bash session of this page has ended ({self.ended})")
        problem = check_syntax(source, self._env)
        if problem:
            raise SessionError(f"bash cannot parse the command:\n{problem}")
        marker = f"__docproof_{self._nonce}"
        script = (
            "__docproof_err=\n"
            "trap '__docproof_err=${__docproof_err:-$BASH_COMMAND}' ERR\n"
            f"{{ {source}\n}} </dev/null\n"
            "__docproof_rc=$?\ntrap - ERR\n"
            f"printf '\\n{marker} %s %s\\n' \"$__docproof_rc\" \"${{__docproof_err//$'\\n'/ }}\"\n"
        )
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(script.encode())
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._dead("bash exited")
            raise SessionError("the bash session exited before the command ran") from None
        return self._collect(marker.encode(), timeout_s)

    def _collect(self, marker: bytes, timeout_s: float) -> Result:
        assert self._proc is not None and self._proc.stdout is not None
        stream = self._proc.stdout
        deadline = time.monotonic() + timeout_s
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while True:
                cut = buffer.find(b"\n" + marker + b" ")
                end = buffer.find(b"\n", cut + 1) if cut >= 0 else -1
                if end >= 0:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self._dead(f"killed after a {timeout_s:g} s timeout")
                    raise SessionError(
                        f"timed out after {timeout_s:g} s (bash session killed)",
                        buffer.decode(errors="replace"),
                    )
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    self._dead("bash exited")
                    text = buffer.decode(errors="replace")
                    raise SessionError("bash exited while running the command", text)
                buffer += chunk
        status = buffer[cut + len(marker) + 2 : end].decode(errors="replace")
        code, _, failed = status.partition(" ")
        return Result(buffer[:cut].decode(errors="replace"), int(code), failed.strip())

    def _dead(self, why: str) -> None:
        self.ended = why
        self.close()

    def close(self) -> None:
        """End the session and everything it started."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()
        proc.wait()
