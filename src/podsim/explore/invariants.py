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
   with no further attempt (FACTS §2.8, §2.3). A lost write that was committed after the
   running push started is the expected violation `coalesced-behind-push`; one waiting in
   a backoff sleep is `back-off-gap`; without the switch every loss is `no-drain`.
"""

import re
import subprocess
from dataclasses import dataclass, field
from typing import Any

from podsim.api.push_daemon import STATE_KEY
from podsim.api.store import WRITE_ID_TRAILER
from podsim.errors import WorldError
from podsim.world import World

_TRAILER = re.compile(rf"^{WRITE_ID_TRAILER}: (\S+)$", re.MULTILINE)

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
        fates = world.fates()
        try:
            pod = world.pod()
        except WorldError:  # no current pod (mid-rollout): no daemon to ask
            return cls(world.origin.tip(), fates, False, len(world.trace.entries))
        daemon = pod.container.process.get(STATE_KEY) or {}
        batch = daemon.get("batch") or {}
        pushing = batch.get("push_due") is not None
        local = {w for w, f in fates.items() if f == "pod-only"}
        in_push = _shipped(world, pod_dir=world.data_dir(pod), tip=batch.get("tip", "")) \
            & local if pushing and local else set()
        return cls(world.origin.tip(), fates, daemon.get("current_backoff_ms") is not None,
                   len(world.trace.entries), pushing, frozenset(in_push))


def _shipped(world: World, pod_dir: Any, tip: str) -> set[str]:
    """Write ids on the commits a push of `tip` ships (all of its history)."""
    if not tip:
        return set()
    log = subprocess.run(["git", "--git-dir", str(pod_dir), "log", "--format=%B", tip],
                         capture_output=True, text=True, env=world.pod_git_env(), check=False)
    return set(_TRAILER.findall(log.stdout))


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


def check(world: World, at: AtFault, effect: str, fault_name: str,
          origin_condition: str, sigterm_handler: bool, other_writer: bool) -> Checked:
    fates = world.fates()
    out = Checked(fates)
    lost = sorted(w for w, f in fates.items() if f == "lost")
    final = world.origin.tip()
    if final != at.published and not world.origin.is_ancestor(at.published, final):
        out.violations.append(Violation("1", f"published {at.published[:7]} rewritten "
                                             f"to {final[:7]}"))
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
    accepted = [e.data.get("tip", "") for e in world.trace.entries[at.trace_len:]
                if e.kind == "origin.accept" and e.data.get("branch") == "published"]
    previous = at.published
    for tip in accepted:
        if tip and tip != previous and not world.origin.is_ancestor(previous, tip):
            out.violations.append(Violation("4", f"accepted {tip[:7]}, not a fast-forward "
                                                 f"of {previous[:7]}"))
        previous = tip or previous
    if fault_name == "graceful-rollout" and origin_condition == "up" and not other_writer \
            and lost:
        out.violations += _rollout_losses(lost, at, sigterm_handler)
    return out


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
