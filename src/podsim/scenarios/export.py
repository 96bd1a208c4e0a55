"""What podsim shows readers outside the model (the site, scripts): a typed JSON export.

Two documents, each with a `schema` version:

- a scenario export (`export_scenario`): one named scenario run in a throwaway world, with
  the fate of every write, reconcile's outcomes and the trace, each entry with its lane and,
  for a message, the lane that receives it. `podsim scenario run NAME --json` prints it.
- the model's facts (`model_facts`): trace lanes with their diagram labels, the push
  daemon's backoff schedule, reconcile's outcome table, the cluster facts of deploy/
  (namespace, deployment, container, label, data volume, branch) and the named figures pages
  state as checked values (`model_figures`). `podsim facts --json` prints it.

`from_json` reads either back, refusing another schema. `model_fingerprint` changes whenever
anything an export depends on changes: podsim's source or the deploy/ folder it reads.
"""

import hashlib
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podsim.api.backoff import DEFAULT_BACKOFF
from podsim.api.reconcile_table import outcome_rows
from podsim.api.replay import MERGE_BASE_OPTION_SINCE
from podsim.cluster import NOT_READY_TOLERATION_S
from podsim.durations import PLUGIN_TIMEOUT_S
from podsim.fates import FATES
from podsim.kubelet import CRASHLOOP_CAP_S
from podsim.manifest import load_manifest
from podsim.scenarios.cluster_facts import ClusterFacts as ClusterFacts
from podsim.scenarios.cluster_facts import ClusterFactsError, cluster_facts
from podsim.scenarios.runner import ScenarioResult, run_scenario
from podsim.seam import EXIT_SIGABRT, EXIT_SIGTERM, BootFailure
from podsim.state import NEWER_NODE_MONITOR_GRACE_S, ClusterSettings
from podsim.trace import LANES
from podsim.world import DEFAULT_DEPLOY_DIR

# Bump when a field is added, removed or changes meaning.
SCHEMA = 2


class ExportError(ValueError):
    """A JSON document is not a podsim export of the schema this podsim reads."""


@dataclass(frozen=True)
class ExportedEvent:
    """One trace entry: virtual time, kind, the lane that records it, and its receiver."""

    t: float
    kind: str
    lane: str
    detail: str
    to: str | None  # the receiving lane when the kind is a message (podsim.trace.KINDS)


@dataclass(frozen=True)
class WriteFate:
    id: str
    fate: str  # one of podsim.fates.FATES


@dataclass(frozen=True)
class ScenarioExport:
    scenario: str
    seed: int
    writes: tuple[WriteFate, ...]  # in the order the writes were acknowledged
    reconcile_outcomes: tuple[str, ...]  # one per boot, in order
    events: tuple[ExportedEvent, ...]

    @classmethod
    def from_result(cls, result: ScenarioResult) -> "ScenarioExport":
        events = tuple(ExportedEvent(e.t, e.kind, e.lane, e.detail, e.to)
                       for e in result.world.trace.entries)
        return cls(result.name, result.seed,
                   tuple(WriteFate(w, fate) for w, fate in result.fates.items()),
                   tuple(result.reconcile_outcomes()), events)

    def fate_counts(self) -> dict[str, int]:
        """Writes per fate, every fate of podsim.fates.FATES included."""
        tally = Counter(w.fate for w in self.writes)
        return {fate: tally.get(fate, 0) for fate in FATES}

    def writes_by_fate(self) -> dict[str, list[str]]:
        """Fate -> ids of the writes that met it, fates in order of first appearance."""
        grouped: dict[str, list[str]] = {}
        for write in self.writes:
            grouped.setdefault(write.fate, []).append(write.id)
        return grouped

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "scenario": self.scenario,
            "seed": self.seed,
            "writes": [{"id": w.id, "fate": w.fate} for w in self.writes],
            "fates": self.fate_counts(),  # derived from writes, for readers of the JSON
            "reconcile_outcomes": list(self.reconcile_outcomes),
            "events": [{"t": e.t, "kind": e.kind, "lane": e.lane, "detail": e.detail,
                        "to": e.to} for e in self.events],
        }

    @classmethod
    def from_json(cls, raw: Any) -> "ScenarioExport":
        doc = _document(raw, "scenario export", {"scenario", "seed", "writes", "fates",
                                                 "reconcile_outcomes", "events"})
        export = cls(
            str(doc["scenario"]), int(doc["seed"]),
            tuple(WriteFate(str(w["id"]), str(w["fate"]))
                  for w in (_fields(w, "write", {"id", "fate"}) for w in doc["writes"])),
            tuple(str(o) for o in doc["reconcile_outcomes"]),
            tuple(_event(_fields(e, "event", {"t", "kind", "lane", "detail", "to"}))
                  for e in doc["events"]),
        )
        if doc["fates"] != export.fate_counts():
            raise ExportError(f"scenario export {export.scenario!r}: fates {doc['fates']} do "
                              f"not match its writes {export.fate_counts()}")
        return export


def clock(seconds: float) -> str:
    """Virtual time as people read it in timelines and diagrams: mm:ss
    (h:mm:ss from an hour on), tenths only when there are some."""
    whole, tenths = divmod(round(seconds * 10), 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{minutes:02d}:{secs:02d}" + (f".{tenths}" if tenths else "")
    return f"{hours}:{text}" if hours else text


def export_scenario(name: str, seed: int = 0) -> ScenarioExport:
    """Run scenario `name` in a throwaway world and export what happened."""
    with tempfile.TemporaryDirectory(prefix="podsim-export-") as scratch:
        return ScenarioExport.from_result(run_scenario(name, Path(scratch) / "world", seed))


@dataclass(frozen=True)
class BackoffFacts:
    """The push daemon's retry delays: `schedule[n-1]` follows the n-th failure, up to the
    first failure whose delay is the cap; every later failure waits the cap."""

    cap_s: float
    schedule: tuple[float, ...]

    def delay_after(self, failures: int) -> float:
        if failures < 1:
            raise ValueError(f"failures must be >= 1, got {failures}")
        return self.schedule[failures - 1] if failures <= len(self.schedule) else self.cap_s

    def first_capped_failure(self) -> int:
        return len(self.schedule)


@dataclass(frozen=True)
class ModelFacts:
    lanes: dict[str, str]  # trace lane -> diagram label, in display order
    backoff: BackoffFacts
    reconcile_outcomes: tuple[dict[str, str], ...]  # reconcile's outcome table, one row each
    cluster: ClusterFacts  # namespace, deployment, ... as deploy/ declares them
    figures: dict[str, str]  # figure name -> value ("300 s" for a duration), see model_figures

    def to_json(self) -> dict[str, Any]:
        columns = list(self.reconcile_outcomes[0]) if self.reconcile_outcomes else []
        return {
            "schema": SCHEMA,
            "lanes": [{"lane": lane, "label": label} for lane, label in self.lanes.items()],
            "backoff": {"cap_s": self.backoff.cap_s, "schedule": list(self.backoff.schedule)},
            # Columns listed once, in order: JSON objects do not keep their keys' order.
            "reconcile_outcomes": {"columns": columns,
                                   "rows": [[row[c] for c in columns]
                                            for row in self.reconcile_outcomes]},
            "cluster": self.cluster.to_json(),
            "figures": dict(sorted(self.figures.items())),
        }

    @classmethod
    def from_json(cls, raw: Any) -> "ModelFacts":
        doc = _document(raw, "model facts", {"lanes", "backoff", "reconcile_outcomes",
                                              "cluster", "figures"})
        lanes = [_fields(lane, "lane", {"lane", "label"}) for lane in doc["lanes"]]
        backoff = _fields(doc["backoff"], "backoff", {"cap_s", "schedule"})
        table = _fields(doc["reconcile_outcomes"], "reconcile_outcomes", {"columns", "rows"})
        columns = [str(c) for c in table["columns"]]
        if any(len(row) != len(columns) for row in table["rows"]):
            raise ExportError(f"reconcile_outcomes rows must have the columns {columns}")
        return cls(
            {str(lane["lane"]): str(lane["label"]) for lane in lanes},
            BackoffFacts(float(backoff["cap_s"]), tuple(float(d) for d in backoff["schedule"])),
            tuple(dict(zip(columns, map(str, row), strict=True)) for row in table["rows"]),
            _cluster(doc["cluster"]),
            {str(name): str(value) for name, value in dict(doc["figures"]).items()},
        )


def model_facts() -> ModelFacts:
    """The model's facts the site shows: lanes, backoff schedule, reconcile outcomes, and
    the cluster facts of the deploy/ folder."""
    backoff = DEFAULT_BACKOFF
    return ModelFacts(
        dict(LANES),
        BackoffFacts(backoff.cap_s, tuple(backoff.schedule(backoff.first_capped_failure()))),
        tuple(outcome_rows()),
        cluster_facts(load_manifest(DEFAULT_DEPLOY_DIR)),
        model_figures(),
    )


def model_figures(deploy_dir: Path = DEFAULT_DEPLOY_DIR) -> dict[str, str]:
    """The figures and deployment names claim sentences state, by name: durations as
    "N s", counts and codes as numbers, names as text. Pages write them as checked values,
    {{ fact("name", "as written") }} (docproof.authoring.figures)."""
    manifest = load_manifest(deploy_dir)
    data = next(v for v in manifest.volumes if v.name == "data")
    return {
        "push.backoff-first": f"{DEFAULT_BACKOFF.delay_after(1):g} s",
        "push.backoff-cap": f"{DEFAULT_BACKOFF.cap_s:g} s",
        "k8s.not-ready-toleration": f"{NOT_READY_TOLERATION_S:g} s",
        "k8s.crashloop-cap": f"{CRASHLOOP_CAP_S:g} s",
        "process.sigterm-exit-code": str(EXIT_SIGTERM),
        "process.heap-abort-exit-code": str(EXIT_SIGABRT),
        "process.boot-failure-exit-code": str(BootFailure("").exit_code),
        "boot.plugin-timeout": f"{PLUGIN_TIMEOUT_S:g} s",
        "git.rebase-since": ".".join(map(str, MERGE_BASE_OPTION_SINCE)),
        "k8s.node-monitor-grace": f"{ClusterSettings.node_monitor_grace_s:g} s",
        "k8s.node-monitor-grace-newer": f"{NEWER_NODE_MONITOR_GRACE_S:g} s",
        "deploy.namespace": manifest.namespace,
        "deploy.name": manifest.deployment,
        "deploy.container": manifest.container,
        "deploy.containers": "1",  # load_manifest refuses a pod of more than one container
        "deploy.replicas": str(manifest.replicas),
        "deploy.strategy": manifest.strategy,
        "deploy.grace-period": f"{manifest.grace_s:g} s",
        "deploy.data-path": data.mount_path,
        "deploy.data-volume": data.kind,
        "deploy.branch": manifest.env["CFP_DATA_BRANCH"],
    }


def model_fingerprint() -> str:
    """sha256 over podsim's source and the deploy/ folder (file names and contents)."""
    digest = hashlib.sha256()
    for root in (Path(__file__).resolve().parents[1], DEFAULT_DEPLOY_DIR):
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            if "__pycache__" not in file.parts:
                digest.update(f"{file.relative_to(root.parent)}\0".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def _event(raw: dict[str, Any]) -> ExportedEvent:
    to = raw["to"]
    return ExportedEvent(float(raw["t"]), str(raw["kind"]), str(raw["lane"]), str(raw["detail"]),
                         None if to is None else str(to))


def _document(raw: Any, what: str, keys: set[str]) -> dict[str, Any]:
    # A top-level export object of this podsim's schema, with exactly `keys` besides it.
    if not isinstance(raw, dict):
        raise ExportError(f"a {what} is a JSON object, not {type(raw).__name__}")
    if raw.get("schema") != SCHEMA:
        raise ExportError(f"{what} has schema {raw.get('schema')!r}; this podsim reads schema "
                          f"{SCHEMA} (an export from another podsim version?)")
    return _fields(raw, what, keys | {"schema"})


def _cluster(raw: Any) -> ClusterFacts:
    try:
        return ClusterFacts.from_json(raw)
    except ClusterFactsError as error:
        raise ExportError(str(error)) from None


def _fields(raw: Any, what: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict) or set(raw) != keys:
        shown = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise ExportError(f"{what} has fields {shown}; expected {sorted(keys)}")
    return {k: v for k, v in raw.items() if k != "schema"}
