"""The cluster's objects as plain data, saved as JSON with the world.

Dataclasses here hold no behaviour beyond (de)serialisation; the kubelet, controller and
world modules act on them.
"""

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Terminated:
    reason: str  # OOMKilled, Error, Completed
    exit_code: int
    started_at: float
    finished_at: float


@dataclass
class Container:
    name: str
    instance: int = 0  # starts so far; timers carry it so a dead instance's timers are dropped
    restart_count: int = 0
    state: str = "waiting"  # waiting | running | terminated
    reason: str = "ContainerCreating"  # waiting reason (or terminated reason)
    started_at: float | None = None
    ready_at: float | None = None
    terminated: Terminated | None = None
    last_terminated: Terminated | None = None
    backoff_s: float = 0.0  # the next CrashLoopBackOff delay
    hung_since: float | None = None  # stops answering probes (liveness fault)
    logs: list[str] = field(default_factory=list)
    previous_logs: list[str] = field(default_factory=list)
    process: dict[str, Any] = field(default_factory=dict)

    def is_ready(self, now: float) -> bool:
        return self.state == "running" and self.ready_at is not None and now >= self.ready_at


@dataclass
class Pod:
    name: str
    uid: str
    replicaset: str
    node: str
    ip: str
    created_at: float
    labels: dict[str, str]
    container: Container
    volumes: dict[str, str] = field(default_factory=dict)  # volume name -> dir in the world
    phase: str = "Pending"  # Pending | Running | Failed
    reason: str | None = None  # e.g. Evicted
    message: str | None = None
    deletion_at: float | None = None  # when deletion was requested
    deletion_grace_s: float | None = None

    @property
    def terminating(self) -> bool:
        return self.deletion_at is not None


@dataclass
class Node:
    name: str
    ready: bool = True
    failed_at: float | None = None


@dataclass
class Deployment:
    name: str
    namespace: str
    revision: int = 1
    template_hash: str = ""
    restarted_at: str | None = None


@dataclass
class Write:
    id: str
    pod: str
    t: float
    sheet: str
    path: str
    commit: str  # the local commit that acknowledged it (rebase may rewrite it later)


@dataclass
class WorldState:
    seed: int
    deploy_dir: str
    git_version: tuple[int, int]
    sigterm_handler: bool
    deployment: Deployment
    nodes: list[Node]
    pods: list[Pod] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    format: int = 1

    def next_number(self, counter: str) -> int:
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]


def to_data(obj: Any) -> Any:
    return dataclasses.asdict(obj)


def from_data(cls: type[T], raw: Any) -> T:
    """Rebuild a dataclass tree from `to_data` output; raises TypeError/KeyError if off."""
    return typing.cast(T, _build(cls, raw))


def _build(tp: Any, raw: Any) -> Any:
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(raw, dict):
            raise TypeError(f"expected an object for {tp.__name__}, got {type(raw).__name__}")
        hints = typing.get_type_hints(tp)
        kwargs = {
            f.name: _build(hints[f.name], raw[f.name])
            for f in dataclasses.fields(tp)
            if f.name in raw
        }
        return tp(**kwargs)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if raw is None and type(None) in options:
            return None
        return _build(next(o for o in options if o is not type(None)), raw)
    if origin is list:
        return [_build(typing.get_args(tp)[0], item) for item in raw]
    if origin is tuple:
        return tuple(_build(arg, item) for arg, item in zip(typing.get_args(tp), raw, strict=True))
    if origin is dict:
        value_tp = typing.get_args(tp)[1]
        return {key: _build(value_tp, value) for key, value in raw.items()}
    if tp is Any or tp is typing.Any:
        return raw
    if tp is float and isinstance(raw, int):
        return float(raw)
    if not isinstance(raw, tp):
        raise TypeError(f"expected {tp.__name__}, got {type(raw).__name__}")
    return raw
