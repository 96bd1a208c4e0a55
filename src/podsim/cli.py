"""`podsim` command line: list and run named scenarios, print the model's facts.

The `--json` outputs are the documented exports of podsim.scenarios.export. The readable
timeline shows virtual time as mm:ss, the faults the scenario injects at origin (the cause of
the refusals that follow), and which writes ended up lost or only in the pod; on a terminal
it is coloured (rich), in a pipe it is plain text.
"""

import argparse
import difflib
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.text import Text

from podsim.errors import WorldError
from podsim.explore import cli as explore_cli
from podsim.origin import OTHER_WRITER, Origin
from podsim.scenarios import SCENARIOS, ScenarioResult
from podsim.scenarios.export import ScenarioExport, clock, model_facts
from podsim.scenarios.runner import create_world
from podsim.world import World

DISTRIBUTION = "executable-ops-handbook"
EXAMPLES = """\
examples:
  podsim scenario list                      the scenarios, one line each
  podsim scenario run pod-delete            what a pod delete does to unpushed writes
  podsim scenario run pod-delete --json     the same run as the scenario export (JSON)
  podsim scenario run oom-kill --world w    keep the world in the new directory w
  podsim facts                              lanes, push retry delays, reconcile outcomes
"""


class CliError(Exception):
    """Bad input on the command line: printed as one `podsim: error: ...` line, exit 2."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "facts":
            return _facts(args.json)
        if args.command == "explore":
            return explore_cli.run(args)
        if args.action == "list":
            width = max(len(name) for name in SCENARIOS)
            for name, entry in SCENARIOS.items():
                print(f"{name:<{width}}  {entry.summary}")
            return 0
        return _run(args.name, args.seed, args.world, args.json)
    except (CliError, WorldError, explore_cli.ExploreError) as error:
        print(f"podsim: error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="podsim", formatter_class=formatter, epilog=EXAMPLES,
        description="A simulated pod, node and emptyDir around real git repositories: run "
                    "named incident scenarios and see what became of every write.")
    parser.add_argument("--version", action="version", version=f"podsim {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scenario = commands.add_parser(
        "scenario", help="named incident scenarios", formatter_class=formatter, epilog=EXAMPLES,
        description="List the named scenarios, or run one in a fresh world.")
    actions = scenario.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="names with one-line descriptions")
    run = actions.add_parser(
        "run", help="run one scenario in a fresh world", formatter_class=formatter,
        epilog=EXAMPLES,
        description="Run scenario NAME in a fresh world and print its timeline (virtual "
                    "time as mm:ss) and what became of each write.")
    run.add_argument("name", metavar="NAME", help="a scenario name (see `podsim scenario list`)")
    run.add_argument("--json", action="store_true", help="the scenario export instead of a "
                     "timeline (schema: podsim.scenarios.export.ScenarioExport)")
    run.add_argument("--seed", type=int, default=0,
                     help="seed for record contents and pod names (default: 0)")
    run.add_argument("--world", type=Path, metavar="DIR",
                     help="keep the world in DIR, a directory that must not hold a world yet")
    facts = commands.add_parser(
        "facts", help="trace lanes, backoff schedule, reconcile outcomes",
        description="The model's facts the site shows.")
    facts.add_argument("--json", action="store_true", help="the model facts export "
                       "(schema: podsim.scenarios.export.ModelFacts)")
    explore_cli.add_parser(commands)
    return parser


def _version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def scenario_named(name: str) -> str:
    """`name` if it is a scenario; else CliError naming the closest names."""
    if name in SCENARIOS:
        return name
    close = difflib.get_close_matches(name, SCENARIOS, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise CliError(f"unknown scenario {name!r}{hint} (valid scenarios: {', '.join(SCENARIOS)})")


def _run(name: str, seed: int, world_dir: Path | None, as_json: bool) -> int:
    name = scenario_named(name)
    if world_dir is not None and world_dir.exists() and any(world_dir.iterdir()):
        raise CliError(f"--world {world_dir}: the directory is not empty; give a new or empty "
                       "directory (or leave --world out for a throwaway world)")
    with tempfile.TemporaryDirectory(prefix="podsim-") as scratch:
        world = create_world(name, world_dir or Path(scratch) / "world", seed)
        faults = FaultLog(world)
        SCENARIOS[name].setup(world)
        result = ScenarioResult(name, seed, world, world.fates())
        export = ScenarioExport.from_result(result)
        if as_json:
            print(json.dumps(export.to_json(), sort_keys=True))
            return 0
        console = Console(highlight=False, soft_wrap=True)
        console.print(Text(f"scenario {name} (seed {seed})", style="bold"))
        for line in timeline(export, faults.entries):
            console.print(line)
        for line in summary(export):
            console.print(line)
    return 0


# ---- faults: what the scenario does to origin, as the timeline shows it ----------------

@dataclass(frozen=True)
class Fault:
    t: float
    detail: str


class FaultLog:
    """Watches a world's origin while a scenario runs: each fault it injects, with its time.

    The scenario's setup calls `world.origin.<fault>(...)`; these do not enter the world's
    trace, so the timeline would show the refusals they cause without their cause.
    """

    def __init__(self, world: World) -> None:
        self.entries: list[Fault] = []
        world.origin = _WatchedOrigin(world.root, lambda: world.now, self.entries.append)


class _WatchedOrigin(Origin):
    def __init__(self, root: Path, now: Callable[[], float], log: Callable[[Fault], None]) -> None:
        super().__init__(root)
        self._now, self._log = now, log

    def _note(self, detail: str) -> None:
        self._log(Fault(self._now(), detail))

    def set_network(self, up: bool) -> None:
        self._note("origin reachable again" if up else "origin unreachable (network down)")
        super().set_network(up)

    def protect_branch(self, on: bool) -> None:
        self._note("branch protection on published " + ("turned on" if on else "lifted"))
        super().protect_branch(on)

    def restrict_branch_creation(self, on: bool) -> None:
        self._note("origin refuses new branches" if on else "origin accepts new branches again")
        super().restrict_branch_creation(on)

    def interrupt_next_clone(self, on: bool) -> None:
        self._note("the next clone will be killed half-way" if on else "clone kill disarmed")
        super().interrupt_next_clone(on)

    def revoke_deploy_key(self) -> None:
        self._note("deploy key revoked at origin")
        super().revoke_deploy_key()

    def rotate_deploy_key(self) -> str:
        self._note("deploy key rotated (the mounted secret updates in place)")
        return super().rotate_deploy_key()

    def advance(self, when: datetime, path: str, content: str, message: str,
                author: tuple[str, str] = OTHER_WRITER) -> str:
        self._note("another writer commits to published")
        return super().advance(when, path, content, message, author)

    def replace_history(self, when: datetime, files: dict[str, str], message: str,
                        author: tuple[str, str] = OTHER_WRITER) -> str:
        self._note("another writer force-pushes unrelated history to published")
        return super().replace_history(when, files, message, author)


# ---- the readable timeline ---------------------------------------------------------------

# Kinds worth a colour on a terminal; every other event is dimmed.
STYLES = {"fault": "bold red", "origin.reject": "red", "push-daemon.error": "yellow",
          "volume.wiped": "bold red", "write": "cyan", "origin.accept": "green",
          "reconcile.outcome": "magenta", "reconcile.replay": "magenta",
          "pod.delete": "bold", "rollout.restart": "bold", "node.failed": "bold",
          "pod.evicted": "bold", "container.exit": "yellow"}


def timeline(export: ScenarioExport, faults: Sequence[Fault]) -> list[Text]:
    """One line per event, faults before the trace events of the same moment."""
    rows = sorted([(f.t, 0, i, "fault", f.detail) for i, f in enumerate(faults)]
                  + [(e.t, 1, i, e.kind, e.detail) for i, e in enumerate(export.events)])
    width = max((len(clock(t)) for t, *_ in rows), default=5)
    lines = []
    for t, _, _, kind, detail in rows:
        style = STYLES.get(kind, "dim")
        lines.append(Text(f"{clock(t):<{width}}  {kind:<24} {detail}".rstrip(), style=style))
    return lines


# Fates an operator must act on, with what they mean.
AT_RISK = {"lost": "lost (gone with the pod's volume)",
           "pod-only": "only in the pod (lost if the pod is replaced)"}


def summary(export: ScenarioExport) -> list[Text]:
    """The write ids at risk, then the tally of every fate."""
    lines = []
    for fate, words in AT_RISK.items():
        ids = export.writes_by_fate().get(fate, [])
        if ids:
            lines.append(Text(f"{words}: {', '.join(ids)}", style="bold red"))
    tally = ", ".join(f"{fate} {n}" for fate, n in export.fate_counts().items())
    lines.append(Text(f"fates: {tally}", style="bold"))
    return lines


def _facts(as_json: bool) -> int:
    facts = model_facts()
    if as_json:
        print(json.dumps(facts.to_json(), sort_keys=True))
        return 0
    print(f"lanes: {', '.join(facts.lanes)}")
    delays = ", ".join(f"{d:g}" for d in facts.backoff.schedule)
    print(f"push retry delays (s): {delays}, then {facts.backoff.cap_s:g} each")
    print(f"reconcile outcomes: {', '.join(row['outcome'] for row in facts.reconcile_outcomes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
