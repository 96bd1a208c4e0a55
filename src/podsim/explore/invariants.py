"""The durability invariants, checked on one faulted run.

1. origin-append-only: what was on origin's `published` at the fault stays on it.
2. restart-keeps-writes: after a container restart (or origin going away) no acknowledged
   write is lost: each ends on `published`, on a `conflicts/*` branch, or in the volume.
3. pod-loss-loses-only-local: after pod loss the lost writes are among those local-only at
   the fault (exactly those when the pod dies at once: forced delete).
4. branch-moves-forward: every push origin accepted fast-forwards the one before it.
5. rollout-drains: with the SIGTERM-drain switch on, origin up and no other writer, a
   graceful rollout loses nothing that was pushed or in flight. Expected to fail without
   the switch (`no-drain`) and when the daemon sleeps in a back-off at the fault
   (`back-off-gap`).
"""

from dataclasses import dataclass, field
from typing import Any

from podsim.world import World

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

    @classmethod
    def observe(cls, world: World) -> "AtFault":
        try:
            status = world.daemon_status() or {}
        except Exception:  # no current pod (mid-rollout): no daemon to ask
            status = {}
        return cls(world.origin.tip(), world.fates(),
                   status.get("currentBackoffMs") is not None, len(world.trace.entries))


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
    # Origin reachable and nobody else writing: every write is pushed or in flight (with
    # another writer, origin rejects the daemon's push and nothing is in flight).
    if fault_name == "graceful-rollout" and origin_condition == "up" and not other_writer \
            and lost:
        why = None if sigterm_handler else "no-drain"
        why = "back-off-gap" if why is None and at.in_backoff else why
        out.violations.append(Violation("5", f"rollout lost {', '.join(lost)}", why))
    return out
