"""Explore: every (crash point, fault) of some workloads, on every core.

The unfaulted run of each workload is snapshotted at every boundary; each distinct
(state, fault) pair becomes a task that restores the snapshot, injects the fault, lets the
world run to quiescence in virtual time and checks the invariants. A faulted world whose
state (right after the fault, or at its first container start) was already run to
quiescence reuses how that run ended (podsim.explore.continuation). Tasks are numbered in
one deterministic order, so `shard=(k, n)` takes every n-th one and shards merge exactly.
"""

import multiprocessing
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podsim.errors import WorldError
from podsim.explore import continuation
from podsim.explore.continuation import Continuations
from podsim.explore.faults import FAULTS, fault
from podsim.explore.invariants import AtFault, Checked, Ended, PublishedWatch, Violation, check
from podsim.explore.moments import Moment, moments
from podsim.explore.result import Case, Result
from podsim.explore.workload import Workload
from podsim.explore.world_copy import copy_world, remove_world
from podsim.world import World

if TYPE_CHECKING:
    from rich.console import Console

# How long a faulted world runs before it is checked: past CrashLoopBackOff, the node
# monitor's grace and eviction, and several push back-offs.
QUIESCENCE_S = 600.0


def scratch() -> str | None:
    """Where snapshots and faulted worlds live: RAM (/dev/shm) when there is one. A world is
    about a hundred small files; on a loaded disk copying and removing them cost more than
    the faulted run itself."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


@dataclass(frozen=True)
class Task:
    workload_index: int
    workload: Workload
    boundary: int
    moment_class: str
    fault: str
    snapshot: Path
    at: AtFault | None  # None: observe it when the fault is injected


def plan(workloads: Sequence[Workload], faults: Sequence[str], workdir: Path,
         workers: int = 1) -> tuple[list[Task], int]:
    """Every distinct (state, fault) task in order, and how many duplicates were skipped.
    The workloads' unfaulted runs are independent: they run on all workers."""
    jobs = [(workload, workdir / f"w{i}") for i, workload in enumerate(workloads)]
    if workers > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            runs = pool.starmap(_moments, jobs)
    else:
        runs = [_moments(*job) for job in jobs]
    tasks: list[Task] = []
    seen: set[tuple[str, str]] = set()
    skipped = 0
    for i, (workload, run) in enumerate(zip(workloads, runs, strict=True)):
        for moment in run:
            for name in faults:
                if (moment.key, name) in seen:
                    skipped += 1
                    continue
                seen.add((moment.key, name))
                tasks.append(_task(i, workload, moment, name))
    return tasks, skipped


def _moments(workload: Workload, workdir: Path) -> list[Moment]:
    return list(moments(workload, workdir))


def _task(i: int, workload: Workload, moment: Moment, name: str) -> Task:
    return Task(i, workload, moment.boundary, moment.moment_class, name, moment.snapshot,
                moment.at)


# The continuations this process has run in the current exploration (None: run each).
_CONTINUATIONS: Continuations | None = None


def _start_worker(memoise: bool) -> None:
    """A worker process's start: continuations of its own, never a previous exploration's
    (a test may have changed the model since)."""
    global _CONTINUATIONS
    _CONTINUATIONS = Continuations() if memoise else None


def run_task(task: Task) -> Case:
    """Restore, inject, run to quiescence, check."""
    tmp = Path(tempfile.mkdtemp(prefix="podsim-explore-", dir=scratch()))
    try:
        world = World.open(copy_world(task.snapshot, tmp / "world"))
        with world.transaction(save=False):  # the copy is removed once checked
            return _run_fault(world, task, _CONTINUATIONS)
    finally:
        remove_world(tmp)


def run_fault(world: World, task: Task, save: bool = True) -> Case:
    """Inject the task's fault into `world`, run it to quiescence and check it, all in one
    transaction of the world: saved once at the end, or never with `save=False`."""
    with world.transaction(save=save):
        return _run_fault(world, task, None)


def _run_fault(world: World, task: Task, memo: Continuations | None) -> Case:
    chosen = fault(task.fault)
    at = task.at or AtFault.observe(world)
    try:
        chosen.inject(world)
    except WorldError as error:  # e.g. no current pod while a rollout is under way
        return Case.of(task, applicable=False, checked=None, note=str(error).split("\n")[0])
    watch = PublishedWatch(world, at)
    deadline = world.now + QUIESCENCE_S
    lookout = continuation.Lookout(memo, at, watch, deadline) if memo else None

    def after_each(w: World) -> bool:
        watch(w)
        return lookout(w) if lookout else False

    try:
        run_to_quiescence(world, after_each, deadline)
    except Exception as error:  # the model itself failed: a finding, not a crash of ours
        failed = Checked(world.fates(), [Violation("model-error", _one_line(error))])
        return Case.of(task, applicable=True, checked=failed, note="")
    if lookout and lookout.ended:  # the rest was run to quiescence before: its end is reused
        return Case.of(task, applicable=True,
                       checked=_check(world, task, at, watch, lookout.ended), note="")
    checked = _check(world, task, at, watch, None)
    if lookout:
        lookout.keep(world)
    return Case.of(task, applicable=True, checked=checked, note="")


def _check(world: World, task: Task, at: AtFault, watch: PublishedWatch,
           ended: Ended | None) -> Checked:
    return check(world, at, fault(task.fault).effect, task.fault, task.workload.origin,
                 task.workload.sigterm_handler, task.workload.other_writer, watch, ended)


def run_to_quiescence(world: World, after_each: Callable[[World], bool | None],
                      deadline: float | None = None) -> None:
    """Process every event due within QUIESCENCE_S (or until `deadline`), calling
    `after_each` after each one (and once before the first), and stop early once it
    answers true: run_until asks its condition between events."""
    deadline = world.now + QUIESCENCE_S if deadline is None else deadline

    def settled(w: World) -> bool:
        if after_each(w):
            return True
        due = w.next_event_at()
        return due is None or due > deadline

    world.run_until(settled, limit_s=deadline - world.now)


def _one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def explore(
    workloads: Sequence[Workload],
    faults: Sequence[str] = tuple(FAULTS),
    workers: int = 1,
    shard: tuple[int, int] = (1, 1),
    progress: bool | None = None,
    memoise: bool = True,
) -> Result:
    """Every (crash point, fault) of `workloads`. `memoise=False` runs every faulted world
    to quiescence even when its state after the fault was run before (same result)."""
    for name in faults:
        fault(name)  # an unknown fault fails before any work
    k, n = shard
    if not 1 <= k <= n:
        raise ValueError(f"shard {k}/{n}: expected 1 <= K <= N")
    with tempfile.TemporaryDirectory(prefix="podsim-explore-snapshots-", dir=scratch()) as tmp:
        tasks, skipped = plan(workloads, faults, Path(tmp), workers)
        mine = [t for j, t in enumerate(tasks) if j % n == k - 1]
        cases = list(_map(mine, workers, sys.stderr.isatty() if progress is None else progress,
                          memoise))
    return Result.build([w.to_dict() for w in workloads], list(faults), cases,
                        skipped=skipped, planned=len(tasks), shard=shard)


def _map(tasks: list[Task], workers: int, progress: bool, memoise: bool) -> Iterable[Case]:
    if workers <= 1:
        _start_worker(memoise)
        try:
            return _with_progress(map(run_task, tasks), len(tasks), progress)
        finally:
            _start_worker(False)
    # fork: workers inherit the parent's model, including a test's deliberate breakage.
    pool = multiprocessing.get_context("fork").Pool(workers, _start_worker, (memoise,))
    try:
        done = pool.imap_unordered(_run_batch, _batches(tasks))
        return list(_with_progress((case for batch in done for case in batch), len(tasks),
                                   progress))
    finally:
        pool.close()
        pool.join()


def _batches(tasks: list[Task]) -> list[list[Task]]:
    """The tasks of one workload and one kind of fault effect as one batch for one worker,
    largest first so the last ones are short. The faulted worlds that reach one state
    are mostly in one batch, and each worker reuses only the continuations it ran."""
    groups: dict[tuple[int, str], list[Task]] = {}
    for task in tasks:
        groups.setdefault((task.workload_index, fault(task.fault).effect), []).append(task)
    return sorted(groups.values(), key=len, reverse=True)


def _run_batch(batch: list[Task]) -> list[Case]:
    return [run_task(task) for task in batch]


def progress_console() -> "Console":
    """Where the progress bar draws: standard error, so `--json` output stays clean."""
    from rich.console import Console

    return Console(stderr=True)


def _with_progress(items: Iterable[Case], total: int, on: bool) -> Iterable[Case]:
    if not on:
        return list(items)
    from rich.progress import Progress

    out = []
    with Progress(console=progress_console(), transient=True) as bar:
        job = bar.add_task("exploring", total=total)
        for item in items:
            out.append(item)
            bar.advance(job)
    return out


def replay_case(workload: Workload, boundary: int, fault_name: str, root: Path) -> Case:
    """One case rebuilt from scratch in `root`: the workload to `boundary`, then the fault."""
    from podsim.explore.workload import replay_to

    world = replay_to(workload, root, boundary)
    task = Task(0, workload, boundary, "replay", fault_name, root, None)
    return run_fault(world, task)
