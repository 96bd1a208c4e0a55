"""Macros for pages that opt in with `render_macros: true`: numbers and tables from podsim.

mkdocs-macros loads this module (module_name: hooks/macros) afresh on every build, including
each `mkdocs serve` rebuild, and `define_env` drops podsim from the import cache, so a change
to the model shows on the next rebuild without touching the Markdown.

Each macro reads podsim through one adapter function (`_backoff`, `_reconcile_rows`,
`_scenario`; `_model_paths` keys the scenario cache) and renders plain data with a pure
function (`backoff_rows`, `markdown_table`, `fate_list`, `fault_rows`, `sequence_diagram`).
When podsim lacks what an adapter needs, the macro raises `MacroSourceMissing` naming it, and
the build fails on that page. Scenario runs are cached in .docproof/site-cache/ by model
fingerprint.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol


class MacroSourceMissing(RuntimeError):
    """The podsim function or value a macro reads does not exist (yet)."""


class _BackoffModel(Protocol):
    cap_s: float

    def delay_after(self, failures: int) -> float: ...

    def first_capped_failure(self) -> int: ...


class ScenarioRun(NamedTuple):
    """What the scenario macros need from one podsim run."""

    fate: Mapping[str, Any]  # fate -> the writes that met it
    trace: Sequence[Mapping[str, Any]]  # {"t": float, "kind", "lane", "detail", "to": lane|None}


# Where scenario runs are cached, relative to the project (gitignored with .docproof/).
SCENARIO_CACHE = Path(".docproof") / "site-cache" / "scenarios"
_SCENARIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Lanes of the sequence diagram, in display order: trace lane -> participant label.
LANES = {
    "operator": "Operator",
    "api": "API",
    "push-daemon": "Push daemon",
    "origin": "Origin",
    "kubelet": "Kubelet",
    "volume": "Volume (emptyDir)",
}


# mkdocs-macros entry point: register the macros, with a freshly imported model.
def define_env(env: Any) -> None:
    _forget_podsim()
    runs = ScenarioRuns(Path(env.project_dir) / SCENARIO_CACHE)

    def scenario_fate(name: str) -> str:
        """What became of each write of scenario `name`: one list item per fate."""
        return fate_list(runs.get(name).fate)

    def scenario_sequence(name: str) -> str:
        """Scenario `name`'s trace as a Mermaid sequence diagram."""
        return sequence_diagram(runs.get(name).trace)

    def fault_table(mechanisms: Mapping[str, str]) -> str:
        """One row per scenario (in the given order): its writes' fates and the mechanism."""
        return markdown_table(fault_rows({name: runs.get(name) for name in mechanisms},
                                         mechanisms))

    for macro in (backoff_table, backoff_cap, reconcile_outcome_table, scenario_fate,
                  scenario_sequence, fault_table):
        env.macro(macro)


# ---- macros -------------------------------------------------------------------------------

def backoff_table(rows: int | None = None) -> str:
    """The push daemon's retry delays: failure number, delay, time since the first failure."""
    model = _backoff()
    count = rows if rows is not None else model.first_capped_failure() + 1
    body = [{"Consecutive failures": str(n), "Next attempt after": duration(delay),
             "Time since first failure": duration(elapsed)}
            for n, delay, elapsed in backoff_rows(model, count)]
    return markdown_table(body)


def backoff_cap() -> str:
    """The longest delay between two push attempts, e.g. "1 h"."""
    return duration(_backoff().cap_s)


def reconcile_outcome_table() -> str:
    """The reconcile state machine's outcomes, one row per situation, as podsim states them."""
    return markdown_table(_reconcile_rows())


class ScenarioRuns:
    """Scenario runs for one build: each run once, or read back from the disk cache.

    A run is deterministic given the model (podsim's source, the deploy/ manifest it reads,
    this module's adapter), so a cached run is reused while their fingerprint is unchanged.
    """

    def __init__(self, cache_dir: Path) -> None:
        self._dir = cache_dir
        self._runs: dict[str, ScenarioRun] = {}

    def get(self, name: str) -> ScenarioRun:
        if not _SCENARIO_NAME.match(name):
            raise ValueError(f"scenario name {name!r} is not a podsim scenario name")
        if name not in self._runs:
            self._runs[name] = self._cached(name) or self._run(name)
        return self._runs[name]

    @functools.cached_property
    def _fingerprint(self) -> str:
        return fingerprint([*_model_paths(), Path(__file__)])

    def _cached(self, name: str) -> ScenarioRun | None:
        path = self._dir / f"{name}.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if saved.get("fingerprint") != self._fingerprint:
            return None
        return ScenarioRun(saved["fate"], saved["trace"])

    def _run(self, name: str) -> ScenarioRun:
        run = _scenario(name)
        self._dir.mkdir(parents=True, exist_ok=True)
        partial = self._dir / f"{name}.json.partial"
        partial.write_text(json.dumps({"fingerprint": self._fingerprint, **run._asdict()}))
        partial.replace(self._dir / f"{name}.json")
        return run


def fingerprint(paths: Sequence[Path]) -> str:
    """sha256 over the files under `paths` (names and contents), ignoring __pycache__."""
    digest = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                digest.update(f"{file.relative_to(root.parent)}\0".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


# ---- adapters: the only places that know podsim's API --------------------------------------

def _backoff() -> _BackoffModel:
    return _podsim_attr("podsim.api.backoff", "DEFAULT_BACKOFF")  # type: ignore[no-any-return]


def _reconcile_rows() -> list[dict[str, str]]:
    # Integrator: point this at podsim's reconcile outcomes (list of same-keyed dicts).
    outcomes = _podsim_attr("podsim.api.reconcile_table", "outcome_rows")
    return [dict(row) for row in outcomes()]


def _model_paths() -> list[Path]:
    # What a scenario run depends on: podsim's package and the manifest folder it reads.
    package = Path(_podsim_attr("podsim", "__file__")).parent
    return [package, Path(_podsim_attr("podsim.world", "DEFAULT_DEPLOY_DIR"))]


def _scenario(name: str) -> ScenarioRun:
    # Run scenario `name` in a throwaway world directory.
    run_scenario = _podsim_attr("podsim.scenarios.runner", "run_scenario")
    with tempfile.TemporaryDirectory(prefix="podsim-macro-") as scratch:
        result = run_scenario(name, Path(scratch) / "world")
        entries = list(result.world.trace.entries)
        fates: dict[str, list[str]] = {}
        for write, fate in result.fates.items():
            fates.setdefault(fate, []).append(write)
    trace = [{"t": e.t, "kind": e.kind, "lane": e.lane, "detail": e.detail,
              "to": e.data.get("to") or _MESSAGES.get(e.kind)} for e in entries]
    return ScenarioRun(fate=fates, trace=trace)


# Trace kinds that are messages between lanes: kind -> receiving lane.
_MESSAGES = {
    "pod.delete": "kubelet",  # the operator asks; the kubelet acts
    "rollout.restart": "kubelet",
    "container.start": "api",  # the kubelet starts the process
    "signal.sigterm": "api",
    "write": "push-daemon",  # the post-commit hook notifies the daemon
    "push-daemon.attempt": "origin",
    "origin.accept": "push-daemon",
    "origin.reject": "push-daemon",
}


def _podsim_attr(module: str, name: str) -> Any:
    # `module.name` from podsim, or a clear error saying which one is missing.
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise MacroSourceMissing(f"this macro reads {module}.{name}, which podsim does not "
                                 f"provide ({error}); connect it in hooks/macros.py") from error


def _forget_podsim() -> None:
    # Drop cached podsim modules so this build imports the model as it is on disk now.
    for module in [m for m in sys.modules if m == "podsim" or m.startswith("podsim.")]:
        del sys.modules[module]


# ---- renderers: plain data in, Markdown out ------------------------------------------------

def backoff_rows(model: _BackoffModel, count: int) -> list[tuple[int, float, float]]:
    """(failure number, delay after it, seconds from first failure to the next attempt)."""
    rows, elapsed = [], 0.0
    for n in range(1, count + 1):
        delay = model.delay_after(n)
        elapsed += delay
        rows.append((n, delay, elapsed))
    return rows


def duration(seconds: float) -> str:
    """Seconds as a short human duration: 1 s, 4 min 16 s, 1 h, 1 d 2 h."""
    if seconds != int(seconds):
        return f"{seconds:g} s"
    left, parts = int(seconds), []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        amount, left = divmod(left, size)
        if amount:
            parts.append(f"{amount} {unit}")
    return " ".join(parts) or "0 s"


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """A Markdown table from same-keyed dicts; the keys are the column headings."""
    if not rows:
        raise ValueError("a table needs at least one row")
    headings = list(rows[0])
    for row in rows:
        if list(row) != headings:
            raise ValueError(f"table row {dict(row)!r} does not have the columns {headings}")
    lines = [_table_row(headings), _table_row(["---"] * len(headings))]
    lines += [_table_row([str(row[h]) for h in headings]) for row in rows]
    return "\n".join(lines)


def _table_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def fate_list(fate: Mapping[str, Any]) -> str:
    """A scenario's fate summary as a Markdown list, one item per key."""
    items = []
    for key, value in fate.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        items.append(f"- **{key}**: {shown or 'none'}")
    return "\n".join(items)


# Fates in the fault table, in display order: podsim fate -> words after the count.
FATE_WORDS = {"origin": "on origin", "conflict-branch": "on a conflict branch",
              "pod-only": "only in the pod", "lost": "lost"}


def fault_rows(runs: Mapping[str, ScenarioRun],
               mechanisms: Mapping[str, str]) -> list[dict[str, str]]:
    """Fault table rows: scenario, writes, their fates, what became of the pod, mechanism."""
    rows = []
    for name, mechanism in mechanisms.items():
        run = runs[name]
        unknown = sorted(set(run.fate) - set(FATE_WORDS))
        if unknown:
            raise ValueError(f"scenario {name!r} has fates {unknown} the fault table does not "
                             f"show; known: {', '.join(FATE_WORDS)}")
        counts = {fate: len(run.fate.get(fate, [])) for fate in FATE_WORDS}
        shown = [_fate_count(n, fate) for fate, n in counts.items() if n]
        rows.append({"Scenario": f"`{name}`", "Writes": str(sum(counts.values())),
                     "What became of them": ", ".join(shown) or "none",
                     "Pod afterwards": pod_outcome(run.trace), "Mechanism": mechanism})
    return rows


def _fate_count(count: int, fate: str) -> str:
    # Losses stand out in bold.
    text = f"{count} {FATE_WORDS[fate]}"
    return f"**{text}**" if fate == "lost" else text


def pod_outcome(trace: Sequence[Mapping[str, Any]]) -> str:
    """"replaced" if the trace created a second pod, else "same pod" with its restarts."""
    kinds = [event["kind"] for event in trace]
    if kinds.count("pod.created") > 1:
        return "replaced"
    restarts = max(kinds.count("container.start") - 1, 0)
    return "same pod" + (f", {restarts} restart{'s' * (restarts != 1)}" if restarts else "")


def sequence_diagram(trace: Sequence[Mapping[str, Any]]) -> str:
    """A Mermaid sequence diagram (a fenced block) from trace events, in trace order."""
    used = {event["lane"] for event in trace} | {e["to"] for e in trace if e.get("to")}
    unknown = sorted(used - set(LANES))
    if unknown:
        raise ValueError(f"trace lanes {unknown} have no diagram participant; known: "
                         f"{', '.join(LANES)}")
    lines = ["```mermaid", "sequenceDiagram"]
    lines += [f"    participant {_lane_id(lane)} as {label}"
              for lane, label in LANES.items() if lane in used]
    for event in trace:
        text = _mermaid_text(f"t={event['t']:g}s {event['kind']}: {event.get('detail', '')}")
        source, target = _lane_id(event["lane"]), event.get("to")
        if target:
            lines.append(f"    {source}->>{_lane_id(target)}: {text}")
        else:
            lines.append(f"    Note over {source}: {text}")
    return "\n".join([*lines, "```"])


def _lane_id(lane: str) -> str:
    return lane.replace("-", "_")


def _mermaid_text(text: str) -> str:
    # Message text with Mermaid's statement separators and markup escaped as entity codes.
    return " ".join(text.split()).rstrip(": ").translate(_MERMAID_ENTITIES)


_MERMAID_ENTITIES = str.maketrans({"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;"})
