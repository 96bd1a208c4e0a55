"""Virtual time: a read-only clock and a deterministic event queue.

Events are plain data (kind + JSON-able payload) so the queue can be saved with the world
and resumed by another process. Ties at the same instant run in scheduling order.
"""

import heapq
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# Virtual second 0 of every world, unless a scenario picks another start.
DEFAULT_EPOCH = datetime(2026, 8, 15, 12, 0, 0, tzinfo=UTC)


@dataclass(order=True)
class Event:
    t: float
    seq: int
    kind: str = field(compare=False)
    data: dict[str, Any] = field(compare=False, default_factory=dict)


class Clock:
    """Virtual seconds since the world's epoch; moves only when events are processed."""

    def __init__(self, epoch: datetime = DEFAULT_EPOCH, now: float = 0.0, seq: int = 0) -> None:
        self.epoch = epoch
        self._now = now
        self._seq = seq
        self._queue: list[Event] = []

    @property
    def now(self) -> float:
        return self._now

    def utc(self, t: float | None = None) -> datetime:
        """The wall-clock moment of virtual time `t` (default: now)."""
        return self.epoch + timedelta(seconds=self._now if t is None else t)

    def schedule(self, delay: float, kind: str, **data: Any) -> Event:
        if delay < 0:
            raise ValueError(f"cannot schedule {kind!r} {delay} s in the past")
        self._seq += 1
        event = Event(self._now + delay, self._seq, kind, data)
        heapq.heappush(self._queue, event)
        return event

    def cancel(self, kind: str, **match: Any) -> int:
        """Drop pending events of `kind` whose data contains `match`; returns how many."""
        keep = [e for e in self._queue if not _matches(e, kind, match)]
        dropped = len(self._queue) - len(keep)
        heapq.heapify(keep)
        self._queue = keep
        return dropped

    def pending(self, kind: str | None = None, **match: Any) -> list[Event]:
        return sorted(e for e in self._queue if kind is None or _matches(e, kind, match))

    def next_due(self, until: float) -> Event | None:
        """Pop the next event at or before `until`, moving the clock to it."""
        if not self._queue or self._queue[0].t > until:
            return None
        event = heapq.heappop(self._queue)
        self._now = max(self._now, event.t)
        return event

    def move_to(self, t: float) -> None:
        if t < self._now:
            raise ValueError(f"virtual time cannot go back from {self._now} to {t}")
        self._now = t

    # -- persistence -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch.isoformat(),
            "now": self._now,
            "seq": self._seq,
            "queue": [
                {"t": e.t, "seq": e.seq, "kind": e.kind, "data": e.data}
                for e in sorted(self._queue)
            ],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Clock":
        clock = cls(datetime.fromisoformat(raw["epoch"]), float(raw["now"]), int(raw["seq"]))
        clock._queue = [
            Event(float(e["t"]), int(e["seq"]), e["kind"], e["data"]) for e in raw["queue"]
        ]
        heapq.heapify(clock._queue)
        return clock


def _matches(event: Event, kind: str, match: dict[str, Any]) -> bool:
    return event.kind == kind and all(event.data.get(k) == v for k, v in match.items())
