"""Memoised continuations: a faulted world that reaches a state already run to quiescence
ends as that run ended, so its end is reused instead of run again.

After a fault many crash points lead to the same world: after a pod loss, origin as it was
and a fresh pod cloning from it; after an OOM kill, a crash or a liveness kill, the same pod
restarting; only the virtual time differs. The world is deterministic and its model
schedules by delays, so the rest of a run is a function of the state with its times taken
relative to now. `fingerprint` is that state: the cluster's objects (times relative), every
file of origin and of each live pod's volumes and container home (of git's objects only the
refs that reach them: git names an object by its content), origin's faults, deploy keys and
Secrets, and the queued events relative to now. The time left before quiescence is compared
apart: a run that drained its queue ends the same with any time left past its last event.
Left out is only what cannot change the rest of a run: what is written for kubectl's eyes
alone (logs, reasons, restart counts, ages), whether a past readiness time was a second or
a minute ago, the events the kubelet drops unseen, and the containers of pods no kubelet
runs any more (failed, or on a failed node).

What a continuation did is kept as an `Ending`: the write ids origin's `published`, its
`conflicts/*` branches and the live pods' branches reach at the end, every move of
`published` and push origin accepted after the fingerprint, and whether those moves
fast-forward. It is kept only when every commit it names was named by a ref of origin or
of a live pod at the fingerprint (those refs are in it): a commit made during the run
carries that run's virtual time in its id, while a commit that existed is the same commit,
with the same history and write ids, in every world with that fingerprint.
"""

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podsim.clock import Event
from podsim.explore import fate_cache
from podsim.explore.invariants import (
    AtFault,
    Ended,
    PublishedWatch,
    accepted_tips,
    fast_forwards,
    learn_fast_forwards,
)
from podsim.explore.refs import PUBLISHED, refs
from podsim.fates import fates_of_writes, live_pods
from podsim.secret_volumes import REFRESH_EVENT
from podsim.state import Pod, WorldState, to_data
from podsim.world import World

# Keys of the process's saved state that hold a virtual time (boot steps, the push
# daemon, the in-memory load): compared relative to now.
_PROCESS_TIMES = frozenset({"plugin_started_at", "loaded_at", "started_at", "resolved_at",
                            "push_due"})
_CONTAINER_TIMES = ("started_at", "hung_since")
_CONFLICTS = "refs/heads/conflicts/"
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")
# What the Deployment controller and the node monitor read of a pod (Cluster).
_CONTROLLER_READS = ("name", "uid", "replicaset", "node", "phase", "labels", "volumes")
# What the kubelet and the controller write for kubectl's eyes and none of their decisions
# (nor the process's) reads: of a pod only whether it is terminating is read.
_CONTAINER_NOTES = ("logs", "previous_logs", "reason", "terminated", "last_terminated",
                    "restart_count")
_POD_NOTES = ("reason", "message", "created_at", "deletion_at", "deletion_grace_s")


@dataclass(frozen=True)
class Ending:
    """What a continuation left for the checks, free of its virtual times."""

    on_origin: frozenset[str]  # write ids reached by published at the end
    on_conflicts: frozenset[str]  # ... by origin's conflicts/* branches
    in_pods: frozenset[str]  # ... by the branches of the live pods' repositories
    moves: tuple[tuple[float, str], ...]  # published's new tips, seconds after the mark
    accepted: tuple[str, ...]  # tips of published pushes origin accepted after the mark
    # Whether (old, new) is a fast-forward, for each pair the checks may ask with a commit
    # that origin only got during the run (a world that reuses this has not got it).
    forward: dict[tuple[str, str], bool]
    # The run's reach: with no event left at its end (drained), any run with at least
    # `span` seconds left from the mark ends the same; otherwise only one with `left_s`.
    drained: bool
    span: float
    left_s: float


@dataclass(frozen=True)
class Mark:
    """Where a faulted run was fingerprinted: its key and how far its records had got."""

    key: str
    t: float
    left_s: float  # seconds from the mark to quiescence (not in the key: see `Ending`)
    moves_seen: int  # PublishedWatch tips recorded before the mark
    trace_len: int
    origin_tips: frozenset[str]  # the commits origin's refs name at the mark
    pod_tips: frozenset[str]  # ... the live pods' branches


class Continuations:
    """The endings of the continuations one exploration process has run, by fingerprint."""

    def __init__(self) -> None:
        self._endings: dict[str, Ending] = {}

    def get(self, mark: Mark) -> Ending | None:
        return self._endings.get(mark.key)

    def keep(self, world: World, mark: Mark, tips: list[tuple[float, str]]) -> None:
        """Keep how the run from `mark` ended (`tips`: every tip published had, with its
        time), unless it named a commit that no ref named at the mark (`_ending`)."""
        ending = _ending(world, mark, tips)
        if ending is not None:
            self._endings[mark.key] = ending


# Look-ups per run: right after the fault and at the first container start after it (a
# liveness kill's restart). Later starts are a crash loop's, whose state repeats with less
# time left and events still queued: another run's ending would not fit it.
_MARKS = 2


class Lookout:
    """One faulted run's look-ups: right after the fault and after the first container
    start, its state is fingerprinted and looked up among the continuations run before.
    Called after each event, it answers true once the rest of the run is known (`ended`).
    A run that ends without one keeps its continuations from every mark (`keep`)."""

    def __init__(self, memo: Continuations, at: AtFault, watch: PublishedWatch,
                 deadline: float) -> None:
        self.memo, self.at, self.watch, self.deadline = memo, at, watch, deadline
        self.marks: list[Mark] = []
        self.ended: Ended | None = None
        self._seen = at.trace_len

    def __call__(self, world: World) -> bool:
        entries = world.trace.entries
        started = any(e.kind == "container.start" for e in entries[self._seen:])
        self._seen = len(entries)
        if (self.marks and not started) or len(self.marks) >= _MARKS:
            return False
        here = mark(world, self.deadline, len(self.watch.tips))
        ending = self.memo.get(here)
        self.ended = ended(world, self.at, self.watch, here, ending) if ending else None
        if self.ended is None:
            self.marks.append(here)
        return self.ended is not None

    def keep(self, world: World) -> None:
        for here in self.marks:
            self.memo.keep(world, here, self.watch.tips)


def mark(world: World, deadline: float, moves_seen: int) -> Mark:
    return Mark(fingerprint(world), world.now, round(deadline - world.now, 6), moves_seen,
                len(world.trace.entries),
                frozenset(_commits(refs(world.origin.git_dir).values())),
                frozenset(tip for _, tip in _pod_tips(world)))


def _commits(names: Iterable[str]) -> Iterator[str]:
    return (n for n in names if _COMMIT_ID.fullmatch(n))  # not a symbolic HEAD


def _pod_tips(world: World) -> list[tuple[Path, str]]:
    """(repository, tip) of each branch of the live pods (a clone without objects has
    none)."""
    return [(gitdir, sha) for pod in live_pods(world.state)
            if ((gitdir := world.data_dir(pod)) / "objects").is_dir()
            for name, sha in refs(gitdir).items() if name.startswith("refs/heads/")]


def ended(world: World, at: AtFault, watch: PublishedWatch, mark: Mark,
          ending: Ending) -> Ended | None:
    """The end of `world`'s run from `mark` as `ending` says it was, for the checks: the
    moves of published join `watch`, at the same delays after the mark. None when the
    ending's run reached another horizon (see `Ending`), or when this run's published
    before the mark was no tip on origin at the mark (it moved since the fault): the ending
    cannot say whether its moves fast-forward that."""
    if not (ending.left_s == mark.left_s or (ending.drained and mark.left_s >= ending.span)):
        return None
    before = {at.published, *(tip for _, tip in watch.tips[:mark.moves_seen]),
              *accepted_tips(world, at.trace_len)} - {""}
    if not before <= mark.origin_tips:
        return None
    learn_fast_forwards(ending.forward)
    watch.tips.extend((mark.t + dt, tip) for dt, tip in ending.moves)
    fates = fates_of_writes(world.state, ending.on_origin, ending.on_conflicts, ending.in_pods)
    return Ended(fates, accepted_tips(world, at.trace_len) + list(ending.accepted))


def _ending(world: World, mark: Mark, tips: list[tuple[float, str]]) -> Ending | None:
    """How the run from `mark` ended, or None when it named a commit that no ref of
    origin or of a live pod named at the mark: a commit made during the run carries the
    run's virtual time in its id, so another run would make another one."""
    origin = world.origin.git_dir
    origin_refs = refs(origin)
    published = origin_refs.get(PUBLISHED, "")
    conflicts = [sha for name, sha in origin_refs.items() if name.startswith(_CONFLICTS)]
    pod_tips = _pod_tips(world)
    moves = tuple((t - mark.t, tip) for t, tip in tips[mark.moves_seen:])
    accepted = tuple(accepted_tips(world, mark.trace_len))
    pushed = {*(tip for _, tip in moves), *accepted} - {""}
    named = {published, *conflicts, *(tip for _, tip in pod_tips), *pushed} - {""}
    if not named <= mark.origin_tips | mark.pod_tips:
        return None
    # The checks ask whether each move of published, and each accepted push, fast-forwards
    # the tip before it: answer now, while origin has the commits, those it had not yet.
    new = pushed - mark.origin_tips
    pairs = [(old, tip) for tip in pushed for old in mark.origin_tips | pushed
             if old != tip and (tip in new or old in new)]
    env = world.pod_git_env()

    def reached(where: list[tuple[Path, str]]) -> frozenset[str]:
        found: set[str] = set()
        for gitdir, tip in where:
            if tip:
                found |= fate_cache.write_ids_of(gitdir, tip, env)
        return frozenset(found)

    try:
        return Ending(reached([(origin, published)]), reached([(origin, c) for c in conflicts]),
                      reached(pod_tips), moves, accepted, fast_forwards(world, pairs),
                      world.next_event_at() is None, round(world.now - mark.t, 6), mark.left_s)
    except fate_cache.Unreadable:  # not expected of branch tips; then run, never reuse
        return None


def fingerprint(world: World) -> str:
    """A digest of everything that decides the rest of a faulted run (module docstring)."""
    state, now, root = world.state, world.now, world.root
    live = {p.name for p in live_pods(state)}
    ready = {n.name for n in state.nodes if n.ready}
    queue = [e for e in (_event(e, state.pods, ready, now) for e in world.pending_events())
             if e is not None]
    busy = {str(e[2]["pod"]) for e in queue if "pod" in e[2]}
    facts: dict[str, Any] = {
        "seed": state.seed,
        "deploy_dir": state.deploy_dir,
        "settings": to_data(state.settings),
        "api": world.api_settings.to_data(),
        "deployment": to_data(state.deployment) | {  # its restart time only named pods
            "restarted_at": state.deployment.restarted_at is not None},
        "nodes": [[n.name, n.ready, _rel(n.failed_at, now)] for n in state.nodes],
        "counters": {k: v for k, v in state.counters.items() if k != "writes"},
        "pods": [_pod(p, p.name in live or p.name in busy, now) for p in state.pods],
        "files": {
            "origin": _tree(world.origin.git_dir, root),
            "faults": _tree(world.origin.faults_dir, root),
            "keys": _tree(world.origin.keys.directory, root),
            "secrets": _tree(root / "secrets", root),
            "pods": [_pod_files(world, p, root, p.name in live) for p in state.pods],
        },
        "queue": queue,
    }
    text = json.dumps(facts, sort_keys=True, default=str)
    for name, label in _labels(state):
        text = text.replace(name, label)
    return hashlib.sha256(text.encode()).hexdigest()


def _labels(state: WorldState) -> list[tuple[str, str]]:
    """Pods and ReplicaSets by position instead of by name. Their names carry the time of a
    rollout (the template hash), and the model only compares them with each other (which
    pod an event is for, whether a pod is of the current ReplicaSet), so worlds whose names
    differ the same way everywhere run alike. Pod names first: they contain the hash."""
    sets = [state.deployment.template_hash]
    sets += [rs for rs in dict.fromkeys(p.replicaset for p in state.pods) if rs not in sets]
    return ([(p.name, f"<pod {i}>") for i, p in enumerate(state.pods)]
            + [(rs, f"<replicaset {i}>") for i, rs in enumerate(sets) if rs])


def _rel(t: float | None, now: float) -> float | None:
    return None if t is None else round(t - now, 6)


def _pod(pod: Pod, runs: bool, now: float) -> dict[str, Any]:
    """A pod with its times relative to now. Of a pod that no kubelet runs (failed, or on
    a failed node) with no event of its own left, only what the controller reads."""
    data: dict[str, Any] = to_data(pod)
    if not runs:
        c = pod.container
        return {k: data[k] for k in _CONTROLLER_READS} | {
            "terminating": pod.terminating, "container": [c.state, c.instance,
                                                          _ready(pod, now)]}
    for key in _POD_NOTES:
        del data[key]
    data["terminating"] = pod.terminating
    container = data["container"]
    for key in _CONTAINER_NOTES:
        del container[key]
    for key in _CONTAINER_TIMES:
        container[key] = _rel(container[key], now)
    container["ready_at"] = _ready(pod, now)
    container["process"] = _relative(container["process"], now)
    return data


def _ready(pod: Pod, now: float) -> float | str | None:
    """When the container turns ready: only a time still to come is read as a time (the
    next stop, the controller's next look); one that has passed only says it is ready."""
    t = pod.container.ready_at
    return "past" if t is not None and t <= now else _rel(t, now)


def _relative(value: Any, now: float) -> Any:
    if isinstance(value, dict):
        return {k: _rel(v, now) if k in _PROCESS_TIMES and isinstance(v, (int, float))
                and not isinstance(v, bool) else _relative(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative(v, now) for v in value]
    return value


def _pod_files(world: World, pod: Pod, root: Path, live: bool) -> dict[str, Any] | None:
    """A live pod's volumes and container home; of any other pod only its persistent
    volumes, which outlive it (its emptyDirs and home are never read again, and a start
    projects its Secrets anew)."""
    kept = {v.name for v in world.manifest.volumes if v.kind not in ("emptyDir", "secret")}
    volumes = {name: _tree(root / rel, root) for name, rel in sorted(pod.volumes.items())
               if live or name in kept}
    if not live:
        return {"volumes": volumes}
    home = root / "containers" / pod.name / str(pod.container.instance)
    return {"volumes": volumes, "home": _tree(home, root)}


def _event(event: Event, pods: list[Pod], ready: set[str], now: float) -> list[Any] | None:
    """A queued event relative to now, or None when it can change nothing."""
    data = dict(event.data)
    if event.kind.startswith("kubelet."):
        pod = next((p for p in pods if p.name == data.get("pod")), None)
        # Kubelet.handle drops these unseen: the pod is gone or on a failed node (no node
        # is ever ready again), the event is a dead container instance's, or it is a
        # process timer while the container is not running (Kubelet._timer; a start
        # changes the instance, so that timer never reaches a running process). A Secret
        # refreshed into a failed pod's volume is read by no process (a start projects
        # the Secrets again).
        if pod is None or pod.node not in ready or (
                event.kind == REFRESH_EVENT and pod.phase == "Failed") or (
                event.kind != REFRESH_EVENT and (
                    data.get("instance") != pod.container.instance
                    or (event.kind == "kubelet.timer" and pod.container.state != "running"))):
            return None
        if "instance" in data:
            data["instance"] = "current"
    return [_rel(event.t, now), event.kind, data]


def _tree(top: Path, root: Path) -> list[Any]:
    """Every file under `top` with its content (the world's path written as <root>). Of a
    repository's `objects` only that it is there: git names an object by its content and
    the model's git reaches objects only from the refs (which are files here), so the refs
    say which objects matter and what they hold."""
    prefix = os.fspath(root)
    marker = prefix.encode()
    out: list[Any] = []
    for path, is_objects in _files(os.fspath(top)):
        rel = path[len(prefix):]  # every world file is under the world's directory
        if is_objects:
            out.append(rel)
            continue
        with open(path, "rb") as handle:  # noqa: PTH123 - str paths: this runs per state
            content = handle.read().replace(marker, b"<root>")
        out.append([rel, hashlib.sha256(content).hexdigest()])
    return out


def _files(top: str) -> Iterator[tuple[str, bool]]:
    """(path, is an objects directory) under `top`, in name order."""
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name == "objects":
                yield entry.path, True
            else:
                yield from _files(entry.path)
        elif entry.name != "world.lock":
            yield entry.path, False
