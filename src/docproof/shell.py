"""One long-lived bash per page: cwd, variables and exports carry over between blocks.

Each command is written to a scratch file and ``source``d from it with stdin from
``/dev/null`` (so it cannot read the session's own input), followed by a marker line
carrying a random nonce and the exit status. ``exit`` is an alias of ``return`` in the
session, so ``exit N`` ends the command (the sourced file) with status N while the session,
its cwd, variables and exports carry on. stdout and stderr share one pipe, so output is
merged in the order it was written, as a terminal shows it.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shlex
import signal
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class SessionError(RuntimeError):
    """The session cannot run the command (syntax error, timeout, bash exited).

    ``offset``: the 0-based line of the command the problem is on, when known."""

    def __init__(self, message: str, output: str = "", offset: int | None = None) -> None:
        super().__init__(message)
        self.output = output
        self.offset = offset


_HEREDOC_AT_EOF = re.compile(
    r"here-document at line (\d+) delimited by end-of-file \(wanted `(.*)'\)"
)


@dataclass(frozen=True)
class Result:
    output: str
    returncode: int
    failed_command: str  # the first command that failed (bash ERR trap), "" if none


def unterminated(source: str, complaint: str) -> SessionError | None:
    """A heredoc without its end word, or a last line ending in ``\\``: both would make bash
    wait for more input, so they are errors before anything runs."""
    heredoc = _HEREDOC_AT_EOF.search(complaint)
    if heredoc is not None:
        line = int(heredoc.group(1))
        return SessionError(f"unterminated heredoc (no line {heredoc.group(2)!r} ends it)",
                            offset=line - 1)
    lines = source.rstrip("\n").split("\n")
    trailing = len(lines[-1]) - len(lines[-1].rstrip("\\"))
    if trailing % 2 == 1:
        return SessionError("unterminated continuation (the last line ends with '\\')",
                            offset=len(lines) - 1)
    return None


def check_syntax(source: str, env: dict[str, str]) -> tuple[bool, str]:
    """Whether ``source`` parses (``bash -n``), and what bash said (errors and warnings)."""
    probe = subprocess.run(
        ["bash", "--noprofile", "--norc", "-n"],
        input=source,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=30,
    )
    return probe.returncode == 0, probe.stderr.strip()


class BashSession:
    """A bash process fed commands one at a time."""

    def __init__(self, cwd: Path, env: dict[str, str], prefix: Sequence[str] = ()) -> None:
        self._env = env
        self._nonce = uuid.uuid4().hex
        scratch = Path(env.get("TMPDIR") or cwd)
        self._script = scratch / f".docproof-command-{self._nonce}.sh"
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
        assert self._proc.stdin is not None
        self._proc.stdin.write(b"shopt -s expand_aliases\nalias exit=return\n")

    def run(self, source: str, timeout_s: float) -> Result:
        """Run ``source`` in the session; raise SessionError on timeout or a dead session."""
        if self._proc is None:
            raise SessionError(f"the bash session of this page has ended ({self.ended})")
        parses, complaint = check_syntax(source, self._env)
        problem = unterminated(source, complaint)
        if problem is not None:
            raise problem
        if not parses:
            raise SessionError(f"bash cannot parse the command:\n{complaint}")
        self._script.write_text(source + "\n", encoding="utf-8")
        marker = f"__docproof_{self._nonce}"
        script = (
            "__docproof_err=\n"
            "trap '__docproof_err=${__docproof_err:-$BASH_COMMAND}' ERR\n"
            f"source {shlex.quote(str(self._script))} </dev/null\n"
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
