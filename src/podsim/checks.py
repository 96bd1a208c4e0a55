"""A small vocabulary for the checks on pages: what they assert, in the words of the domain.

A page's Python checks drive a `World` and assert where writes ended up. These functions name
those steps ("writes made during an outage", "the writes only the pod has", "restart the
container") so that each check reads as two or three lines of domain words. World side only.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from podsim.explore.world_copy import copy_world
from podsim.scenarios.catalog import SCENARIOS
from podsim.scenarios.runner import ScenarioResult, create_world
from podsim.trace import TraceEntry
from podsim.world import World

# Long enough for the daemon's first failed pushes to put it in a 16 s back-off sleep,
# so the outage's writes then wait for that scheduled retry.
OUTAGE_S = 20.0


def writes_during_outage(world: World, count: int = 2) -> list[str]:
    """Writes acknowledged while origin is unreachable; origin is back when this returns.

    They exist only in the pod until the push daemon's next scheduled retry."""
    world.origin.set_network(False)
    ids = [world.write() for _ in range(count)]
    world.advance(OUTAGE_S)
    world.origin.set_network(True)
    return ids


def fates_of(world: World, ids: Iterable[str]) -> set[str]:
    """The set of fates of these writes: origin, conflict-branch, pod-only or lost."""
    fates = world.fates()
    return {fates[write] for write in ids}


def writes_with_fate(world: World, fate: str) -> list[str]:
    """Ids of every write whose fate is `fate`, oldest first."""
    return [write for write, its_fate in world.fates().items() if its_fate == fate]


def only_on_pod(world: World) -> list[str]:
    """Writes acknowledged whose only copy is a commit in the pod's volume."""
    return writes_with_fate(world, "pod-only")


def lost_writes(world: World) -> list[str]:
    """Writes acknowledged that no longer exist anywhere."""
    return writes_with_fate(world, "lost")


def all_pushed(world: World) -> bool:
    """Every write the API ever acknowledged is on origin's `published`."""
    return set(world.fates().values()) == {"origin"}


def pod_git(world: World, *args: str) -> str | None:
    """Run git against the serving pod's /app/data: stripped stdout, None when git fails."""
    done = subprocess.run(["git", *args], cwd=world.data_dir(), env=world.pod_git_env(),
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def restart_container(world: World, fault: Callable[[], object]) -> str:
    """Apply a fault that restarts the container; return the restarted boot's reconcile outcome.

    Runs the world until the new container listens, so the outcome is the new one."""
    listening = len(world.trace.of_kind("api.listening"))
    fault()
    world.run_until(lambda w: len(w.trace.of_kind("api.listening")) > listening)
    outcome = world.trace.of_kind("reconcile.outcome")[-1].data["outcome"]
    return str(outcome)


def last_reconcile(world: World) -> dict[str, object]:
    """The data of the newest reconcile outcome (outcome, conflictBranch, ...)."""
    outcomes = world.trace.of_kind("reconcile.outcome")
    if not outcomes:
        raise LookupError(f"no reconcile has run in the world at {world.root}")
    return dict(outcomes[-1].data)


def scenario_beside(world: World, name: str) -> ScenarioResult:
    """Run podsim scenario `name` in a scratch world beside `world`, on the same deployment
    (so a page run against an edited manifest runs its scenarios against it too)."""
    scratch = world.root.parent / "scenarios"
    root, n = scratch / name, 1
    while root.exists():  # a page may replay the same scenario twice
        n += 1
        root = scratch / f"{name}-{n}"
    other = create_world(name, root, deploy_dir=Path(world.state.deploy_dir))
    SCENARIOS[name].setup(other)
    return ScenarioResult(name, other.state.seed, other, other.fates())


def fates_in_scenario(world: World, name: str) -> dict[str, str]:
    """Where each write of scenario `name`, run beside `world`, ended up (write id -> fate)."""
    return scenario_beside(world, name).fates


def scratch_world(world: World, name: str, sigterm_handler: bool = False) -> World:
    """A fresh world beside `world`, on the same deployment, for a check's side experiment."""
    root = world.root.parent / "scratch" / name
    if root.exists():
        raise FileExistsError(f"scratch world {name!r} already exists at {root}")
    return World.create(root, deploy_dir=Path(world.state.deploy_dir),
                        sigterm_handler=sigterm_handler)


def first_write_after(world: World, name: str, fault: Callable[[World], object]) -> World:
    """A scratch world where `fault` strikes, then one write is made; ten seconds later."""
    scratch = scratch_world(world, name)
    fault(scratch)
    scratch.write()
    scratch.advance(10)
    return scratch


def last_push_error(world: World) -> dict[str, object]:
    """The push daemon's `lastError` (message, at, attempt, reason) in the serving pod."""
    status = world.daemon_status()
    error = status.get("lastError") if status else None
    if not isinstance(error, dict):
        raise LookupError(f"no push has failed in the world at {world.root}")
    return error


def retry_count(world: World) -> int:
    """How many times the push daemon scheduled a retry, over the world's whole trace."""
    return len(world.trace.of_kind("push-daemon.retry"))


def events_since(world: World, kind: str, start: float) -> list[TraceEntry]:
    """The world's trace entries of `kind` at or after virtual time `start`, oldest first."""
    return [entry for entry in world.trace.of_kind(kind) if entry.t >= start]


def world_copy(world: World, name: str) -> World:
    """A copy of `world` as it is now, beside it: a check can try an action there (the one
    a warning forbids, say) and leave the page's own world untouched."""
    root = world.root.parent / "copies" / name
    if root.exists():
        raise FileExistsError(f"world copy {name!r} already exists at {root}")
    root.parent.mkdir(parents=True, exist_ok=True)
    with world.transaction(save=False):  # nothing half-saved while it is copied (objects linked)
        copy_world(world.root, root)
    return World.open(root)
