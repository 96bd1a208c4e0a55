"""Memoised continuations: a faulted world that reaches a state already run to quiescence
ends as that run ended, so its end is reused instead of run again.

After a fault many crash points lead to the same world: after a pod loss, origin as it was
and a fresh pod cloning from it; after an OOM kill, a crash or a liveness kill, the same pod
restarting; only the virtual time differs. The world is deterministic and its model
schedules by delays, so the rest of a run is a function of the state with its times taken
relative to now: `podsim.explore.fingerprint` digests that state. The time left before
quiescence is compared apart: a run that drained its queue ends the same with any time
left past its last event.

What a continuation did is kept as an `Ending`: the write ids origin's `published`, its
`conflicts/*` branches and the live pods' branches reach at the end, every move of
`published` and push origin accepted after the fingerprint, and whether those moves
fast-forward. It is kept only when every commit it names was named by a ref of origin or
of a live pod at the fingerprint (those refs are in it): a commit made during the run
carries that run's virtual time in its id, while a commit that existed is the same commit,
with the same history and write ids, in every world with that fingerprint.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from podsim.explore import fate_cache
from podsim.explore.fingerprint import fingerprint
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
from podsim.world import World

_CONFLICTS = "refs/heads/conflicts/"
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")


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
