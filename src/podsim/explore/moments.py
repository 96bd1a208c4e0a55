"""Crash points: snapshots of the unfaulted run at every boundary, and their identity.

A snapshot is a copy of the world directory (world.json and the real repositories), taken
while the unfaulted workload runs, so a faulted run restores it instead of replaying. Two
boundaries with the same git state (refs of origin and of every pod's repository) and the
same cluster state are the same crash point for a fault: the explorer runs it once.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from podsim.explore.invariants import AtFault
from podsim.explore.refs import refs
from podsim.explore.workload import Workload, drive
from podsim.explore.world_copy import copy_world
from podsim.world import World


@dataclass(frozen=True)
class Moment:
    boundary: int
    moment_class: str  # what the move before it was: op:write, event:origin.accept, ...
    t: float
    key: str  # git + cluster state; equal keys are one crash point
    snapshot: Path
    at: AtFault  # what the invariants compare with, observed once per crash point


def state_key(world: World, workload: Workload) -> str:
    """A digest of what decides a fault's outcome: the workload's settings, refs, pods,
    acknowledged writes, the queue's shape (not its times or tokens)."""
    pods = []
    for pod in world.pods():
        data = world.data_dir(pod)
        pods.append([pod.phase, pod.terminating, pod.container.state,
                     pod.container.process.get("phase"), sorted(refs(data).items())])
    facts = {
        "settings": [workload.origin, workload.sigterm_handler],
        "origin": sorted(refs(world.origin.git_dir).items()),
        "faults": world.origin.active_faults(),
        "pods": pods,
        "writes": [w.id for w in world.state.writes],
        "queue": sorted(_pending_kinds(world)),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _pending_kinds(world: World) -> list[str]:
    # World exposes only the next event's time; the queue's kinds are in its saved state.
    raw = json.loads((world.root / "world.json").read_text())
    return [str(e.get("kind", "")) for e in raw.get("clock", {}).get("queue", [])]


def snapshot(world: World, dest: Path) -> Path:
    return copy_world(world.root, dest)


def moments(workload: Workload, workdir: Path) -> Iterator[Moment]:
    """Run the unfaulted workload in `workdir/run`, snapshotting every boundary."""
    world = workload.create_world(workdir / "run")
    yield _moment(world, workload, 0, "start", workdir)
    for k, move in enumerate(drive(workload, world), start=1):
        yield _moment(world, workload, k, move.name, workdir)


def _moment(world: World, workload: Workload, k: int, name: str, workdir: Path) -> Moment:
    return Moment(k, name, world.now, state_key(world, workload),
                  snapshot(world, workdir / f"b{k:04d}"), AtFault.observe(world))
