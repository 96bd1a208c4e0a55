"""The durability invariants, checked on one faulted run.

1. origin-append-only: what was on origin's `published` at the fault stays on it, checked
   after every event of the faulted run (not only at its end).
2. restart-keeps-writes: after a container restart (or origin going away) no acknowledged
   write is lost: each ends on `published`, on a `conflicts/*` branch, or in the volume.
3. pod-loss-loses-only-local: after pod loss the lost writes are among those local-only at
   the fault (exactly those when the pod dies at once: forced delete).
4. branch-moves-forward: every push origin accepted fast-forwards the one before it.
5. rollout-drains: with the SIGTERM-drain switch on, origin up and no other writer, a
   graceful rollout loses no write that was pushed or in flight at SIGTERM. "In flight"
   means inside the `git push` running at that moment: that push ships the branch tip as
   of its start, and stop() only lets that one push finish; it never starts another, so a
   commit notified while the push runs is not pushed, and a backoff sleep is cancelled
   with no further attempt (docs/reference/sources.md#push-daemon; FACTS §2.8, §2.3). A
   lost write committed after the running push started is the expected violation
   `coalesced-behind-push`; one waiting in a backoff sleep is `back-off-gap`; without the
   switch every loss is `no-drain`.
"""

from dataclasses import dataclass, field
from typing import Any

from podsim.api.push_daemon import STATE_KEY
from podsim.errors import WorldError
from podsim.explore import fate_cache
from podsim.explore.refs import published
from podsim.world import World

_FORWARD: dict[tuple[str, str], bool] = {}  # (old, new) -> is new a fast-forward of old

INVARIANTS = {
    "1": "origin-append-only",
    "2": "restart-keeps-writes",
    "3": "pod-loss-loses-only-local",
    "4": "branch-moves-forward",
    "5": "rollout-drains",
}


@dataclass
class AtFault:
    """What the checks need from the moment of the fault."""

    published: str
    fates: dict[str, str]
    in_backoff: bool
    trace_len: int
    pushing: bool = False  # a `git push` of the daemon runs at the fault
    in_push: frozenset[str] = frozenset()  # local-only writes that push ships

    @classmethod
    def observe(cls, world: World) -> "AtFault":
        fates = fate_cache.fates(world)
        tip = published(world.origin.git_dir)
        try:
            pod = world.pod()
        except WorldError:  # no current pod (mid-rollout): no daemon to ask
            return cls(tip, fates, False, len(world.trace.entries))
        daemon = pod.container.process.get(STATE_KEY) or {}
        batch = daemon.get("batch") or {}
        pushing = batch.get("push_due") is not None
        local = {w for w, f in fates.items() if f == "pod-only"}
        in_push: frozenset[str] = frozenset()
        if pushing and local and batch.get("tip"):  # what that push ships: its tip's history
            in_push = fate_cache.write_ids_of(world.data_dir(pod), batch["tip"],
                                              world.pod_git_env()) & local
        return cls(tip, fates, daemon.get("current_backoff_ms") is not None,
                   len(world.trace.entries), pushing, in_push)


class PublishedWatch:
    """Invariant 1 after every event: origin's `published` as read after each event of a
    faulted run (a ref file read, no git), each move checked for fast-forward at the end."""

    def __init__(self, world: World, at: AtFault) -> None:
        self.world = world
        self.tips: list[tuple[float, str]] = [(world.now, at.published)]

    def __call__(self, world: World) -> None:
        tip = published(world.origin.git_dir)
        if tip != self.tips[-1][1]:
            self.tips.append((world.now, tip))

    def violations(self) -> "list[Violation]":
        out = []
        for (_, old), (t, new) in zip(self.tips, self.tips[1:], strict=False):
            if not _fast_forward(self.world, old, new):
                out.append(Violation("1", f"published {old[:7]} moved to {new[:7] or 'nothing'}"
                                          f" at t={t:g}s, not a fast-forward"))
        return out


def _fast_forward(world: World, old: str, new: str) -> bool:
    if not old:
        return True
    if not new:
        return False
    if (old, new) not in _FORWARD:  # commits name their history: the answer never changes
        _FORWARD[(old, new)] = world.origin.is_ancestor(old, new)
    return _FORWARD[(old, new)]


def fast_forwards(world: World, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    """Whether each (old, new) is a fast-forward, asked of `world`'s origin (which must
    hold both commits)."""
    return {(old, new): _fast_forward(world, old, new) for old, new in pairs}


def learn_fast_forwards(answers: dict[tuple[str, str], bool]) -> None:
    """Answers another world's origin gave: a commit id names its whole history, so they
    hold in every repository that has the commits (and spare asking one that has not)."""
    _FORWARD.update(answers)


@dataclass
class Violation:
    invariant: str  # "1".."5", or "model-error" when the model raised
    detail: str
    expected: str | None = None  # why it is an expected violation, e.g. "no-drain"

    @property
    def name(self) -> str:
        known = INVARIANTS.get(self.invariant)
        return f"{self.invariant}:{known}" if known else self.invariant


@dataclass
class Checked:
    fates: dict[str, str]
    violations: list[Violation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"fates": self.fates,
                "violations": [{"invariant": v.name, "detail": v.detail,
                                "expected": v.expected} for v in self.violations]}


@dataclass(frozen=True)
class Ended:
    """How a run ended, when it is not read from the world: the fates at its end and the
    tips of the pushes to `published` origin accepted after the fault, in order (the
    watch then already holds every move of `published`)."""

    fates: dict[str, str]
    accepted: list[str]


def check(world: World, at: AtFault, effect: str, fault_name: str,
          origin_condition: str, sigterm_handler: bool, other_writer: bool,
          watch: PublishedWatch | None = None, ended: Ended | None = None) -> Checked:
    fates = fate_cache.fates(world) if ended is None else ended.fates
    out = Checked(fates)
    lost = sorted(w for w, f in fates.items() if f == "lost")
    watch = watch or PublishedWatch(world, at)
    if ended is None:
        watch(world)  # the end state, in case no event was watched
    out.violations += watch.violations()
    gone = sorted(w for w, f in at.fates.items() if f == "origin" and fates.get(w) != "origin")
    if gone:
        out.violations.append(Violation("1", f"left published: {', '.join(gone)}"))
    if effect in ("restart", "origin") and lost:
        out.violations.append(Violation("2", f"lost after {fault_name}: {', '.join(lost)}"))
    if effect == "pod-loss":
        local = {w for w, f in at.fates.items() if f == "pod-only"}
        extra = sorted(set(lost) - local)
        if extra:
            out.violations.append(Violation("3", f"lost but not local-only at the fault: "
                                                 f"{', '.join(extra)}"))
        if fault_name == "forced-delete" and set(lost) != local:
            kept = sorted(local - set(lost))
            out.violations.append(Violation("3", f"local-only at an instant pod loss yet "
                                                 f"not lost: {', '.join(kept)}"))
    accepted = accepted_tips(world, at.trace_len) if ended is None else ended.accepted
    previous = at.published
    for tip in accepted:
        if tip and tip != previous and not _fast_forward(world, previous, tip):
            out.violations.append(Violation("4", f"accepted {tip[:7]}, not a fast-forward "
                                                 f"of {previous[:7]}"))
        previous = tip or previous
    if fault_name == "graceful-rollout" and origin_condition == "up" and not other_writer \
            and lost:
        out.violations += _rollout_losses(lost, at, sigterm_handler)
    return out


def accepted_tips(world: World, since: int) -> list[str]:
    """The tips of the pushes to `published` origin accepted after trace entry `since`."""
    return [e.data.get("tip", "") for e in world.trace.entries[since:]
            if e.kind == "origin.accept" and e.data.get("branch") == "published"]


def _rollout_losses(lost: list[str], at: AtFault, sigterm_handler: bool) -> list[Violation]:
    """Invariant 5: each lost write is either a violation or explained by a fact of stop()
    (FACTS §2.8), named; an unexplained loss is unexpected."""
    if not sigterm_handler:
        return [Violation("5", f"rollout lost {', '.join(lost)}", "no-drain")]
    groups: dict[str | None, list[str]] = {}
    for w in lost:
        if at.in_backoff:
            why: str | None = "back-off-gap"
        elif at.pushing and w not in at.in_push and at.fates.get(w) == "pod-only":
            why = "coalesced-behind-push"
        else:
            why = None  # pushed, in the running push, or nothing explains it
        groups.setdefault(why, []).append(w)
    return [Violation("5", f"rollout lost {', '.join(ws)}", why)
            for why, ws in sorted(groups.items(), key=lambda kv: kv[0] or "")]
