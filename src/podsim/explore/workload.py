"""A bounded workload: W writes under one origin condition, driven move by move.

A move is one operator action (a write, a change of origin's reachability, another
writer's commit) or one event of the world's queue. Every boundary between two moves is a
crash point. The driver is deterministic, so moves `0..k` reproduce boundary k exactly.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from podsim.errors import WorldError
from podsim.world import World

ORIGIN_CONDITIONS = ("up", "refuse", "blackhole", "flapping")


@dataclass(frozen=True)
class Workload:
    """`writes` writes `gap_s` virtual seconds apart, under `origin` (up, refuse, blackhole,
    or flapping: refused before every odd write, back up before every even one);
    `other_writer` commits onto `published` after the first write; `settle_s` is how long
    the unfaulted run continues after the last write (its events are crash points too)."""

    writes: int = 3
    origin: str = "up"
    other_writer: bool = False
    sigterm_handler: bool = False
    gap_s: float = 2.0
    settle_s: float = 30.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.origin not in ORIGIN_CONDITIONS:
            raise ValueError(f"workload origin {self.origin!r}: expected one of "
                             f"{', '.join(ORIGIN_CONDITIONS)}")
        if self.writes < 1:
            raise ValueError(f"workload writes {self.writes}: expected at least 1")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Workload":
        return cls(**raw)

    def create_world(self, root: Path) -> World:
        return World.create(root, seed=self.seed, sigterm_handler=self.sigterm_handler)

    def operations(self) -> list[tuple[float, str]]:
        """(virtual time, operation) in order: `write`, `origin:<fault>`, `other-writer`."""
        ops: list[tuple[float, str]] = []
        if self.origin in ("refuse", "blackhole"):
            ops.append((0.0, f"origin:{self.origin}"))
        for i in range(self.writes):
            t = i * self.gap_s
            if self.origin == "flapping":
                ops.append((t, "origin:refuse" if i % 2 == 0 else "origin:up"))
            ops.append((t, "write"))
            if i == 0 and self.other_writer:
                ops.append((t, "other-writer"))
        return ops

    @property
    def end_s(self) -> float:
        return (self.writes - 1) * self.gap_s + self.settle_s


@dataclass(frozen=True)
class Move:
    """What happened between boundary k-1 and k: `op:<name>` or `event:<kind>`."""

    name: str
    t: float


def apply_operation(world: World, op: str) -> None:
    if op == "write":
        world.write()
    elif op.startswith("origin:"):
        world.origin.set_fault(op.split(":", 1)[1])
    elif op == "other-writer":
        n = len(world.origin.log_messages())
        world.origin.advance(world.utc(), f"notes/other-{n}.md", f"other writer {n}\n",
                             f"Another writer's commit {n}")
    else:
        raise ValueError(f"unknown workload operation {op!r}")


def step_one_event(world: World) -> str:
    """Process exactly the next queued event; the trace kinds it recorded (its moment)."""
    before = len(world.trace.entries)
    seen: list[int] = []

    def after_one(_: World) -> bool:
        seen.append(1)
        return len(seen) > 1

    world.run_until(after_one)
    kinds = [e.kind for e in world.trace.entries[before:]]
    # A timer that records nothing (a boot step, a back-off wake-up) is still a boundary.
    return kinds[0] if kinds else "timer"


def drive(workload: Workload, world: World) -> Iterator[Move]:
    """Run the unfaulted workload on a fresh world, yielding after every move. Operation
    times count from the world's start: a new world has already booted (virtual time runs
    during boot), and a workload's first write is meant for the pod that serves."""
    start = world.now
    ops = [(start + t, op) for t, op in workload.operations()]
    end = start + workload.end_s
    while True:
        next_event = world.next_event_at()
        next_op = ops[0][0] if ops else None
        if next_op is not None and (next_event is None or next_op < next_event):
            if next_op > world.now:
                world.advance(next_op - world.now)
            _t, op = ops.pop(0)
            apply_operation(world, op)
            yield Move(f"op:{op.split(':')[0]}", world.now)
        elif next_event is not None and next_event <= end:
            kind = step_one_event(world)
            yield Move(f"event:{kind}", world.now)
        else:
            return


def replay_to(workload: Workload, root: Path, boundary: int) -> World:
    """A fresh world driven to `boundary` (0: before the first move)."""
    world = workload.create_world(root)
    if boundary == 0:
        return world
    for k, _move in enumerate(drive(workload, world), start=1):
        if k == boundary:
            return world
    raise WorldError(f"workload has fewer than {boundary} moves")


# The default exploration: every origin condition, with and without another writer, with
# and without the SIGTERM-drain switch.
DEFAULT_WORKLOADS = tuple(
    Workload(writes=8, origin=origin, other_writer=other, sigterm_handler=drain)
    for origin in ORIGIN_CONDITIONS for other in (False, True) for drain in (False, True)
)
