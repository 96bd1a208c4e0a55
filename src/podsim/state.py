"""The cluster's objects as plain data, saved as JSON with the world.

Dataclasses here hold no behaviour beyond (de)serialisation; the kubelet, controller and
world modules act on them.
"""

from dataclasses import dataclass, field
from typing import Any, TypeVar

import cattrs

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
    response_s: float = 0.0  # how long the process takes to answer an HTTP probe
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


NEWER_NODE_MONITOR_GRACE_S = 50.0  # the newer releases' default, for pages that show both


@dataclass
class ClusterSettings:
    """The cluster's knobs that no manifest carries (docs/reference/sources.md#kubernetes)."""

    # kube-controller-manager --node-monitor-grace-period: 40 s historically, 50 s newer
    # (NEWER_NODE_MONITOR_GRACE_S; which one the production cluster runs is not verified).
    node_monitor_grace_s: float = 40.0
    # How long a changed Secret takes to reach a running pod's volume (kubelet sync period
    # plus cache delay; an assumption, see docs/reference/sources.md#secret-volumes).
    secret_refresh_s: float = 60.0
    # Drift switches (podsim.drifts); False is Kubernetes as it is.
    restart_wipes_emptydir: bool = False  # a container restart empties the pod's emptyDirs
    secret_change_rolls_out: bool = False  # a refreshed Secret rolls the Deployment out
    drifts: tuple[str, ...] = ()  # the names of the drifts this world was created with

    def __post_init__(self) -> None:
        for name in ("node_monitor_grace_s", "secret_refresh_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"cluster setting {name} must be >= 0, not {getattr(self, name)}")


@dataclass
class WorldState:
    seed: int
    deploy_dir: str
    deployment: Deployment
    nodes: list[Node]
    pods: list[Pod] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    settings: ClusterSettings = field(default_factory=ClusterSettings)
    format: int = 2  # 2: the API's settings left the cluster's state

    def next_number(self, counter: str) -> int:
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]


# cattrs (un)structures the dataclass tree; it refuses data of the wrong shape or type.
_CONVERTER = cattrs.Converter(forbid_extra_keys=True)


def to_data(obj: Any) -> Any:
    return _CONVERTER.unstructure(obj)


def from_data(cls: type[T], raw: Any) -> T:
    """Rebuild a dataclass tree from `to_data` output; StateShapeError if it does not fit."""
    try:
        return _CONVERTER.structure(raw, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError) as error:
        problems = (
            cattrs.transform_error(error)
            if isinstance(error, cattrs.BaseValidationError)
            else [str(error)]
        )
        raise StateShapeError("; ".join(problems)) from None


class StateShapeError(ValueError):
    """Saved state that does not fit the dataclasses (wrong field, type or shape)."""
