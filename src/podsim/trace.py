"""The world's trace: every event with its virtual time, for timelines and diagrams."""

from dataclasses import asdict, dataclass, field
from typing import Any

# Lanes of the sequence diagram; every trace entry belongs to exactly one.
LANES = ("api", "push-daemon", "origin", "kubelet", "volume", "operator")


@dataclass
class TraceEntry:
    t: float
    kind: str
    lane: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Trace:
    def __init__(self, entries: list[TraceEntry] | None = None) -> None:
        self.entries: list[TraceEntry] = entries or []

    def record(self, t: float, kind: str, lane: str, detail: str = "", **data: Any) -> TraceEntry:
        if lane not in LANES:
            raise ValueError(f"unknown trace lane {lane!r}; expected one of {', '.join(LANES)}")
        entry = TraceEntry(t, kind, lane, detail, data)
        self.entries.append(entry)
        return entry

    def kinds(self) -> list[str]:
        return [e.kind for e in self.entries]

    def of_kind(self, kind: str) -> list[TraceEntry]:
        return [e for e in self.entries if e.kind == kind]

    def to_list(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.entries]

    @classmethod
    def from_list(cls, raw: list[dict[str, Any]]) -> "Trace":
        return cls([TraceEntry(**item) for item in raw])

    def timeline(self) -> str:
        """Readable lines: virtual time, event kind, detail."""
        return "\n".join(f"{e.t:>10.3f}s  {e.kind:<24} {e.detail}".rstrip() for e in self.entries)
