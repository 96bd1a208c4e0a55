"""The seam between the container runtime and the program a container runs.

Layering. Imports in `podsim` point downwards only:

    above   world.py, drifts.py, fates.py, checks.py, scenarios/, cli.py, apiserver/, explore/
            compose a world and its operator surface; may import the API and the cluster
    app     api/
            the modelled production process; imports this seam and the leaf modules
    below   seam.py, cluster.py, kubelet.py, runtime.py and the leaves
            (state, clock, trace, manifest, persistence, gitenv, origin, seed, ...);
            never import the API nor anything above (tests/podsim/test_layering.py)

The runtime knows a process only through `Process`: it hands each container instance a
`ContainerContext` (environment, clock, trace, timers, logs, process state, hostname and
its volumes as `Mounts`) and applies what the process answers: `BootFailure` on boot, an
`Exit` on SIGTERM, and `listening()` once it serves (readiness probes pass from then on).
What the environment means (CFP_* variables, where the data lives) is the process's
business. `Mounts` is the one mapping between container paths and the world
directory, used by the kubelet (environment, entrypoint output, logs) and by `kubectl exec`.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from podsim.clock import Clock
from podsim.errors import WorldError
from podsim.trace import Trace

EXIT_SIGTERM = 128 + 15  # a process that dies of an unhandled SIGTERM
EXIT_SIGKILL = 128 + 9  # SIGKILL after the grace period; also what an OOM kill reports
EXIT_SIGABRT = 128 + 6  # node's abort() (V8 out of heap), as tini passes it on

# The image runs `tini -- entrypoint.sh node ...` and the entrypoint ends in `exec`, so tini
# is PID 1 and node is its only child (docs/reference/sources.md#processes). Node's pid is
# an assumption: nothing we read pins it, only that it is not 1.
TINI_PID = 1
NODE_PID = 7

# The signals a process in the container can be sent by name or number (kill(1) spelling).
SIGNALS = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "TERM": 15}

# A path in free text ends where the next character could not continue its last name; a
# trailing sentence dot does not continue it ("/app/data." is /app/data), ".bak" does.
_NAME_CHAR = r"[\w-]"
_END = rf"(?!{_NAME_CHAR})(?!\.{_NAME_CHAR})"
_START = r"(?<![\w.-])"  # "/x/app/data" does not contain the container path /app/data


class NoSuchProcess(WorldError):
    """A signal for a pid that no process of the container has."""

    def __init__(self, pid: int) -> None:
        super().__init__(f"no process with pid {pid} in the container "
                         f"(tini is {TINI_PID}, node is {NODE_PID})")
        self.pid = pid


def signal_number(signal: str | int) -> int:
    """`TERM`, `SIGTERM`, `15` or 15 as a signal number; ValueError naming the known ones."""
    text = str(signal).upper().removeprefix("SIG")
    number = int(text) if text.isdigit() else SIGNALS.get(text)
    if number is None or number not in SIGNALS.values():
        known = ", ".join(f"{name} ({n})" for name, n in SIGNALS.items())
        raise ValueError(f"signal {signal!r} is not simulated; simulated: {known}")
    return number


class PathNotMounted(ValueError):
    """A container path that lies on none of the container's volumes."""


@dataclass(frozen=True)
class Mounts:
    """A container's volumes: mount path inside the container -> its directory on the host.

    One rule everywhere: a path is on a mount when it is the mount path or lies below it
    (next character "/"); in free text a path counts only as a whole path (see _START/_END).
    Longer paths win, and text is rewritten in one pass, so a result is never rewritten again.
    """

    volumes: Mapping[str, Path] = field(default_factory=dict)

    @property
    def mount_paths(self) -> tuple[str, ...]:
        return tuple(self.volumes)

    def host_path(self, container_path: str) -> Path:
        """Where a path inside the container lives on the host."""
        for mount in sorted(self.volumes, key=len, reverse=True):
            if container_path == mount or container_path.startswith(mount.rstrip("/") + "/"):
                rest = container_path[len(mount) :].lstrip("/")
                return self.volumes[mount] / rest if rest else self.volumes[mount]
        known = ", ".join(self.volumes) or "none"
        raise PathNotMounted(f"{container_path} is on no volume of the container ({known})")

    def to_host(self, text: str) -> str:
        """Container paths in `text` (e.g. an environment value) as host paths."""
        return _rewrite(text, {m: str(h) for m, h in self.volumes.items()})

    def to_container(self, text: str) -> str:
        """Host paths in `text` (log lines, command output) as the container shows them."""
        return _rewrite(text, {str(h): m for m, h in self.volumes.items()})

    def to_container_bytes(self, data: bytes) -> bytes:
        table = {str(h).encode(): m.encode() for m, h in self.volumes.items()}
        if not table:
            return data
        pattern = re.compile(_regex([h.decode() for h in table]).encode())
        return pattern.sub(lambda match: table[match.group(0)], data)


def _rewrite(text: str, table: dict[str, str]) -> str:
    if not table:
        return text
    return re.sub(_regex(list(table)), lambda match: table[match.group(0)], text)


def _regex(paths: list[str]) -> str:
    """Any of `paths` as a whole path, longest first."""
    alternatives = "|".join(re.escape(p) for p in sorted(paths, key=len, reverse=True))
    return f"{_START}(?:{alternatives}){_END}"


@dataclass
class ContainerContext:
    """What one container instance gives the process it runs."""

    # The container's environment; values naming container paths point into the world.
    env: dict[str, str]
    mounts: Mounts
    clock: Clock
    trace: Trace
    # Routes a timer back to the process; the runtime drops it if the container is gone.
    schedule_hook: Callable[[float, str, dict[str, Any]], None]
    # Tells the runtime the process listens: its readiness probes pass from now on.
    listening_hook: Callable[[], None]
    state: dict[str, Any] = field(default_factory=dict)  # JSON-able, saved with the world
    logs: list[str] = field(default_factory=list)
    hostname: str = "pod"
    pid: int = NODE_PID  # the process's pid inside the container (its log lines carry it)
    # The process's event loop is stuck (a hang): code it would run on a signal never runs.
    hung: bool = False

    @property
    def now(self) -> float:
        return self.clock.now

    def utc(self) -> datetime:
        return self.clock.utc()

    def schedule(self, delay: float, kind: str, **data: Any) -> None:
        self.schedule_hook(delay, kind, data)

    def record(self, kind: str, detail: str = "", **data: Any) -> None:
        self.trace.record(self.clock.now, kind, detail, **data)

    def listening(self) -> None:
        """The process accepts connections now (its HTTP server called `listen`)."""
        self.listening_hook()

    def write_log(self, line: str) -> None:
        """One line on the container's stdout, with paths as the container sees them."""
        self.logs.append(self.mounts.to_container(line))


@dataclass(frozen=True)
class Exit:
    """How a process answers SIGTERM: it exits `after_s` virtual seconds later with `code`
    (`math.inf`: not on its own; the kubelet kills it when the grace period ends)."""

    after_s: float
    code: int


class BootFailure(Exception):
    """The process could not boot; the container exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Process(Protocol):
    def boot(self, ctx: ContainerContext) -> None:
        """Start up; raise BootFailure to crash the container."""

    def handle(self, ctx: ContainerContext, kind: str, data: dict[str, Any]) -> None:
        """A timer the process scheduled has fired."""

    def on_sigterm(self, ctx: ContainerContext) -> Exit:
        """SIGTERM arrived: when the process will exit, and with which code."""
        ...
