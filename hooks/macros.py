"""Macros for pages that opt in with `render_macros: true`: numbers and tables from podsim.

The site reads the model only through podsim's documented export
(`podsim.scenarios.export`): a scenario export per scenario and the model's facts (trace
lanes, backoff schedule, reconcile outcomes). `ModelExports` keeps them in
.docproof/site-cache/model/, keyed by `model_fingerprint()`; on a miss it asks the podsim CLI
in a fresh interpreter (`podsim scenario run NAME --json`, `podsim facts --json`), so a model
change shows on the next `mkdocs serve` rebuild although this process imported podsim once.
This module renders that data (`backoff_rows`, `markdown_table`, `fate_list`, `fault_rows`,
`sequence_diagram`, `write_story_diagram`, `write_timeline`); it knows nothing else about the
model.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import podsim
from docproof.authoring import figure_matches
from podsim.scenarios.export import (
    ExportedEvent,
    ExportError,
    ModelFacts,
    ScenarioExport,
    clock,
    model_fingerprint,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # mkdocs-macros loads us by path
from _fact_tables import define_fact_macros
from _fault_matrix import define_macros as define_fault_matrix_macros


class ModelExportFailed(RuntimeError):
    """The podsim CLI could not produce an export the site needs."""


class _BackoffModel(Protocol):
    @property
    def cap_s(self) -> float: ...

    def delay_after(self, failures: int) -> float: ...

    def first_capped_failure(self) -> int: ...


# The verification report docproof writes (relative to the project).
REPORT = Path(".docproof") / "report.json"
# Where model exports are cached, relative to the project (gitignored with .docproof/).
MODEL_CACHE = Path(".docproof") / "site-cache" / "model"
_SCENARIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# The source folder of the podsim this process imported: the CLI runs the same tree.
_PODSIM_SRC = Path(podsim.__file__).resolve().parents[1]

# podsim CLI arguments -> the JSON document it printed.
Produce = Callable[[Sequence[str]], Any]
_Export = TypeVar("_Export", ScenarioExport, ModelFacts)


# mkdocs-macros entry point: register the macros, reading this build's model exports.
def define_env(env: Any) -> None:
    model = ModelExports(Path(env.project_dir) / MODEL_CACHE)

    def backoff_table(rows: int | None = None) -> str:
        """The push daemon's retry delays: failure number, delay, time since the first one."""
        return render_backoff_table(model.facts().backoff, rows)

    def backoff_cap() -> str:
        """The longest delay between two push attempts, e.g. "1 h"."""
        return duration(model.facts().backoff.cap_s)

    def reconcile_outcome_table() -> str:
        """The reconcile state machine's outcomes, one row per situation, as podsim states them."""
        return markdown_table(model.facts().reconcile_outcomes)

    def scenario_fate(name: str) -> str:
        """What became of each write of scenario `name`: one list item per fate."""
        return fate_list(model.scenario(name).writes_by_fate())

    def scenario_sequence(name: str) -> str:
        """Scenario `name` for a reader: the events that matter to its writes as a Mermaid
        sequence diagram, then where each write lived over time."""
        run = model.scenario(name)
        return f"{write_story_diagram(run.events)}\n\n{markdown_table(write_timeline(run))}"

    def fault_table(mechanisms: Mapping[str, str]) -> str:
        """One row per scenario (in the given order): its writes' fates and the mechanism."""
        return markdown_table(fault_rows({name: model.scenario(name) for name in mechanisms},
                                         mechanisms))

    def report_example() -> str:
        """An excerpt of this build's verification report: one verified claim, one of its
        checks and the summary, as a JSON block."""
        path = Path(env.project_dir) / REPORT
        if not path.is_file():
            return (f"No verification report was found when this site was built, so there is "
                    f"no example to show: run `nox -s docs` to write `{REPORT.as_posix()}`.")
        return report_excerpt(json.loads(path.read_text(encoding="utf-8")))

    def fact(name: str, written: str | None = None) -> str:
        """A figure or deployment name of the model (`podsim facts`: figures): `written` as
        it stands once the model states it, else the model's value."""
        page = getattr(env, "page", None)
        source = page.file.content_string if page is not None else ""
        where = page.file.src_uri if page is not None else "a page"
        return checked_figure(model.facts().figures, name, written, where, source)

    for macro in (backoff_table, backoff_cap, reconcile_outcome_table, scenario_fate,
                  scenario_sequence, fault_table, report_example, fact):
        env.macro(macro)
    define_fault_matrix_macros(env)
    define_fact_macros(env, model.facts)


class ModelExports:
    """The model's exports for one build: each produced once, or read back from the cache.

    An export is deterministic given the model (podsim's source and the deploy/ folder), so
    a cached one is reused while `model_fingerprint()` is unchanged.
    """

    def __init__(self, cache_dir: Path, produce: Produce | None = None,
                 fingerprint: Callable[[], str] = model_fingerprint) -> None:
        self._dir = cache_dir
        self._produce = produce or podsim_json
        self._fingerprint_of = fingerprint
        self._scenarios: dict[str, ScenarioExport] = {}
        self._facts: ModelFacts | None = None

    def scenario(self, name: str) -> ScenarioExport:
        if not _SCENARIO_NAME.match(name):
            raise ValueError(f"scenario name {name!r} is not a podsim scenario name")
        if name not in self._scenarios:
            self._scenarios[name] = self._load(f"scenario-{name}", ScenarioExport,
                                               ["scenario", "run", name, "--json"])
        return self._scenarios[name]

    def facts(self) -> ModelFacts:
        if self._facts is None:
            self._facts = self._load("facts", ModelFacts, ["facts", "--json"])
        return self._facts

    @functools.cached_property
    def _fingerprint(self) -> str:
        return self._fingerprint_of()

    def _load(self, key: str, kind: type[_Export], args: Sequence[str]) -> _Export:
        path = self._dir / f"{key}.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("fingerprint") == self._fingerprint:
                return kind.from_json(saved["export"])
        except (OSError, ValueError, KeyError, AttributeError):
            pass  # no usable cache entry: produce the export afresh
        raw = self._produce(args)
        try:
            export = kind.from_json(raw)  # refuse a malformed export before caching it
        except ExportError as error:
            raise ModelExportFailed(
                f"`podsim {' '.join(args)}` printed an export this build cannot read: {error}. "
                "If podsim's export module changed under `mkdocs serve`, restart it.") from error
        self._dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps({"fingerprint": self._fingerprint, "export": raw}),
                           encoding="utf-8")
        partial.replace(path)
        return export


def podsim_json(args: Sequence[str]) -> Any:
    """`python -m podsim ARGS` in a fresh interpreter (the model as it is on disk now), on the
    podsim source tree this process imported; its stdout parsed as JSON."""
    path = os.pathsep.join(p for p in (str(_PODSIM_SRC), os.environ.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "podsim", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": path})
    if done.returncode != 0:
        raise ModelExportFailed(f"`podsim {' '.join(args)}` exited {done.returncode}: "
                                f"{done.stderr.strip()}")
    try:
        return json.loads(done.stdout)
    except ValueError as error:
        raise ModelExportFailed(f"`podsim {' '.join(args)}` printed no JSON ({error})") from None


class FigureMismatch(ValueError):
    """A page states a figure the model does not have, or names an unknown one."""


def checked_figure(figures: Mapping[str, str], name: str, written: str | None,
                   where: str = "a page", source: str = "") -> str:
    """The text a `fact` macro renders: `written` if it states the model's figure `name`
    (the model's value, durations shortened, when nothing is written); else an error naming
    the page and the line of the call."""
    call = f'fact("{name}"'
    line = next((n for n, text in enumerate(source.splitlines(), 1) if call in text), 0)
    at = f"{where}:{line}" if line else where
    if name not in figures:
        raise FigureMismatch(f"{at}: unknown fact {name!r}; known: {', '.join(sorted(figures))}")
    value = figures[name]
    if written is None:
        seconds = value.removesuffix(" s")
        return duration(float(seconds)) if seconds != value else value
    if not figure_matches(written, value):
        raise FigureMismatch(f"{at}: {written!r} is not the model's {name} ({value})")
    return written


# ---- renderers: plain data in, Markdown out ------------------------------------------------

def backoff_rows(model: _BackoffModel, count: int) -> list[tuple[int, float, float]]:
    """(failure number, delay after it, seconds from first failure to the next attempt)."""
    rows, elapsed = [], 0.0
    for n in range(1, count + 1):
        delay = model.delay_after(n)
        elapsed += delay
        rows.append((n, delay, elapsed))
    return rows


def render_backoff_table(model: _BackoffModel, rows: int | None = None) -> str:
    """Failure number, delay, time since the first failure; by default up to the cap."""
    count = rows if rows is not None else model.first_capped_failure() + 1
    body = [{"Consecutive failures": str(n), "Next attempt after": duration(delay),
             "Time since first failure": duration(elapsed)}
            for n, delay, elapsed in backoff_rows(model, count)]
    return markdown_table(body)


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


def fault_rows(runs: Mapping[str, ScenarioExport],
               mechanisms: Mapping[str, str]) -> list[dict[str, str]]:
    """Fault table rows: scenario, writes, their fates, what became of the pod, mechanism."""
    rows = []
    for name, mechanism in mechanisms.items():
        run = runs[name]
        fates = run.writes_by_fate()
        unknown = sorted(set(fates) - set(FATE_WORDS))
        if unknown:
            raise ValueError(f"scenario {name!r} has fates {unknown} the fault table does not "
                             f"show; known: {', '.join(FATE_WORDS)}")
        counts = {fate: len(fates.get(fate, [])) for fate in FATE_WORDS}
        shown = [_fate_count(n, fate) for fate, n in counts.items() if n]
        rows.append({"Scenario": f"`{name}`", "Writes": str(sum(counts.values())),
                     "What became of them": ", ".join(shown) or "none",
                     "Pod afterwards": pod_outcome(run.events), "Mechanism": mechanism})
    return rows


def _fate_count(count: int, fate: str) -> str:
    # Coloured by fate (docproof.css); losses also stand out in bold for readers without colour.
    text = f"{count} {FATE_WORDS[fate]}"
    shown = f"<strong>{text}</strong>" if fate == "lost" else text
    return f'<span class="docproof-fate docproof-fate--{fate}">{shown}</span>'


def pod_outcome(events: Sequence[ExportedEvent]) -> str:
    """"replaced" if the trace created a second pod, else "same pod" with its restarts."""
    kinds = [event.kind for event in events]
    if kinds.count("pod.created") > 1:
        return "replaced"
    restarts = max(kinds.count("container.start") - 1, 0)
    return "same pod" + (f", {restarts} restart{'s' * (restarts != 1)}" if restarts else "")


def sequence_diagram(events: Sequence[ExportedEvent], lanes: Mapping[str, str]) -> str:
    """A Mermaid sequence diagram (a fenced block) from trace events, in trace order, with
    one participant per lane used (`lanes`: lane -> label, in display order)."""
    used = {event.lane for event in events} | {e.to for e in events if e.to}
    unknown = sorted(used - set(lanes))
    if unknown:
        raise ValueError(f"trace lanes {unknown} have no diagram participant; known: "
                         f"{', '.join(lanes)}")
    lines = ["```mermaid", "sequenceDiagram"]
    lines += [f"    participant {_lane_id(lane)} as {label}"
              for lane, label in lanes.items() if lane in used]
    for event in events:
        text = _mermaid_text(f"t={event.t:g}s {event.kind}: {event.detail}")
        source = _lane_id(event.lane)
        if event.to:
            lines.append(f"    {source}->>{_lane_id(event.to)}: {text}")
        else:
            lines.append(f"    Note over {source}: {text}")
    return "\n".join([*lines, "```"])


def _lane_id(lane: str) -> str:
    return lane.replace("-", "_")


def _mermaid_text(text: str) -> str:
    # Message text with Mermaid's statement separators and markup escaped as entity codes.
    return " ".join(text.split()).rstrip(": ").translate(_MERMAID_ENTITIES)


_MERMAID_ENTITIES = str.maketrans({"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;"})


# ---- a scenario for a reader: what happened to the writes ----------------------------------

# The diagram's participants: the pod's API, its push daemon, origin, and Kubernetes (the
# operator's commands, the kubelet and the pod's volume in one lane).
STORY_PARTICIPANTS = {"api": "API (pod)", "push_daemon": "Push daemon", "origin": "Origin",
                      "k8s": "Kubernetes"}
STORY_CONFIG = ('%%{init: {"sequence": {"actorMargin": 16, '
                '"width": 100, "noteMargin": 6, "boxMargin": 4}}}%%')
# Trace kinds that change where a write lives or why -> (participant, words; "{}" takes the
# event's detail). Every other kind (boot steps, retries' bookkeeping, probes) is left out.
STORY_NOTES = {
    "rollout.restart": ("k8s", "rollout restart"),
    "pod.delete": ("k8s", "pod deleted {}"),
    "node.failed": ("k8s", "node failed"),
    "pod.evicted": ("k8s", "pod evicted"),
    "container.exit": ("api", "container exits {}"),
    "volume.wiped": ("k8s", "volume wiped"),
    "reconcile.replay": ("api", "reconcile replays {}"),
    "reconcile.outcome": ("api", "reconcile: {}"),
    "api.fatal": ("api", "boot fails: {}"),
}
# Kinds after which a push in flight may never land: the diagram shows that push.
ENDS_THE_PROCESS = frozenset({"rollout.restart", "pod.delete", "node.failed", "pod.evicted",
                              "container.exit"})
STORY_MESSAGES = {
    "write": ("api", "push_daemon", "write"),
    "origin.accept": ("origin", "push_daemon", "pushed:"),
    "origin.reject": ("origin", "push_daemon", "push refused"),
}


def write_story_diagram(events: Sequence[ExportedEvent]) -> str:
    """A Mermaid sequence diagram of the events that matter to writes (STORY_*), times as
    mm:ss; a run of refused pushes is drawn once with its count and time span, and a push
    attempt only when the pod or its process goes while it is in flight."""
    # Lanes close together (STORY_CONFIG), so the diagram fits the page at full text size.
    lines = ["```mermaid", STORY_CONFIG, "sequenceDiagram"]
    lines += [f"    participant {pid} as {label}" for pid, label in STORY_PARTICIPANTS.items()]
    refused: list[ExportedEvent] = []
    in_flight: ExportedEvent | None = None

    def flush_refused() -> None:
        if refused:
            first, last = refused[0], refused[-1]
            span = clock(first.t) + (f"-{clock(last.t)}" if len(refused) > 1 else "")
            times = f" \u00d7{len(refused)}" if len(refused) > 1 else ""
            text = _mermaid_text(f"{span} push refused{times}: {first.detail}")
            lines.append(f"    origin--xpush_daemon: {text}")
            refused.clear()

    writes = [index for index, event in enumerate(events) if event.kind == "write"]
    # The story starts with the first write: the boot before it is the same in every scenario.
    for event in events[writes[0] if writes else len(events):]:
        if event.kind == "push-daemon.attempt":
            in_flight = event
            continue
        if event.kind in ("origin.accept", "origin.reject"):
            in_flight = None
        if event.kind == "origin.reject":
            refused.append(event)
            continue
        if event.kind in ("origin.accept", "write"):
            flush_refused()
        if event.kind in ENDS_THE_PROCESS and in_flight is not None:
            flush_refused()
            text = _mermaid_text(f"{clock(in_flight.t)} push in flight")
            lines.append(f"    push_daemon-)origin: {text}")
            in_flight = None
        if event.kind == "pod.created":  # a replacement: the story starts after the first pod
            flush_refused()
            lines.append(f"    Note over k8s: {_mermaid_text(clock(event.t) + ' new pod')}")
            continue
        if event.kind in STORY_MESSAGES:
            source, target, words = STORY_MESSAGES[event.kind]
            detail = event.detail.split()[0] if event.kind == "write" else event.detail
            text = _mermaid_text(f"{clock(event.t)} {words} {detail}")
            lines.append(f"    {source}->>{target}: {text}")
        elif event.kind in STORY_NOTES:
            flush_refused()
            where, words = STORY_NOTES[event.kind]
            text = _mermaid_text(f"{clock(event.t)} {words.format(_short(event.detail))}")
            lines.append(f"    Note over {where}: {text}")
    flush_refused()
    return "\n".join([*lines, "```"])


def _short(detail: str) -> str:
    # Pod names repeat on every line, and an exit's reason word repeats its code; the reader
    # needs what happened, not which pod.
    detail = re.sub(r"\b[a-z]+-[a-z0-9]{10}-[a-z0-9]{5}\b:? ?", "", detail)
    return re.sub(r"^\w+ \((exit \d+)\)$", r"(\1)", detail.strip()) or "-"


# A write's fate -> the words for its last move and the event that made it (kind, a word its
# detail holds); a write still in the pod moved nowhere.
WRITE_LANDINGS: dict[str, tuple[str, tuple[str, str] | None]] = {
    "origin": ("on origin", ("origin.accept", "published")),
    "conflict-branch": ("on a conflict branch", ("reconcile.outcome", "conflict")),
    "lost": ("lost with the pod's volume", ("volume.wiped", "")),
    "pod-only": ("still only in the pod", None),
}


def write_timeline(run: ScenarioExport) -> list[dict[str, str]]:
    """One row per write: when it was acknowledged (then only in the pod) and where it was
    next, at the first event after it that moved it there (its fate is the model's)."""
    acknowledged = {event.detail.split()[0]: index for index, event in enumerate(run.events)
                    if event.kind == "write" and event.detail}
    end = run.events[-1].t if run.events else 0.0
    rows = []
    for write in run.writes:
        if write.fate not in WRITE_LANDINGS:
            raise ValueError(f"write {write.id} of {run.scenario!r} has fate {write.fate!r}; "
                             f"known: {', '.join(WRITE_LANDINGS)}")
        words, landing = WRITE_LANDINGS[write.fate]
        start = acknowledged.get(write.id)
        after = run.events[start:] if start is not None else ()
        at = end if landing is None else next(
            (e.t for e in after if e.kind == landing[0] and landing[1] in e.detail), None)
        then = f"{words} at {clock(at)}" if at is not None else words
        rows.append({"Write": f"`{write.id}`",
                     "Acknowledged (pod only)":
                         clock(run.events[start].t) if start is not None else "-",
                     "Then": then,
                     "Fate": f'<span class="docproof-fate docproof-fate--{write.fate}">'
                             f"{write.fate}</span>"})
    return rows


# ---- the verification report, as an example for readers -----------------------------------

def report_excerpt(report: Mapping[str, Any]) -> str:
    """A JSON block with the report's first verified claim checked by a command (else by any
    block), that check's block entry, and the summary: the report's shape, real entries."""
    blocks = {(b["file"], b["line"]): b for b in report["blocks"]}
    candidates = []
    for claim in report["claims"]:
        checks = [blocks.get((c["file"], c["line"])) for c in claim["checks"]]
        if claim["status"] == "pass" and checks and checks[0] is not None:
            candidates.append((checks[0]["lang"] != "console", claim, checks[0]))
    if not candidates:
        raise ValueError("the verification report has no verified claim with a check to "
                         "show; re-run the verification (nox -s docs)")
    _, claim, block = min(candidates, key=lambda found: found[0])
    excerpt = {"blocks": [block], "claims": [claim], "summary": report["summary"]}
    return "```{.json}\n" + json.dumps(excerpt, indent=2) + "\n```"
