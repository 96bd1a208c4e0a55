"""`podsim` command line: list and run named scenarios, print the model's facts.

The `--json` outputs are the documented exports of podsim.scenarios.export.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from podsim.scenarios import SCENARIOS, UnknownScenario, run_scenario
from podsim.scenarios.export import ScenarioExport, model_facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="podsim", description="Simulated pod/emptyDir world.")
    commands = parser.add_subparsers(dest="command", required=True)
    scenario = commands.add_parser("scenario", help="named incident scenarios")
    actions = scenario.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="names with one-line descriptions")
    run = actions.add_parser("run", help="run one scenario in a fresh world")
    run.add_argument("name")
    run.add_argument("--json", action="store_true", help="the scenario export instead of a "
                     "timeline (schema: podsim.scenarios.export.ScenarioExport)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--world", type=Path, help="keep the world in this (new) directory")
    facts = commands.add_parser("facts", help="trace lanes, backoff schedule, reconcile outcomes")
    facts.add_argument("--json", action="store_true", help="the model facts export "
                       "(schema: podsim.scenarios.export.ModelFacts)")
    args = parser.parse_args(argv)

    if args.command == "facts":
        return _facts(args.json)
    if args.action == "list":
        width = max(len(name) for name in SCENARIOS)
        for name, entry in SCENARIOS.items():
            print(f"{name:<{width}}  {entry.summary}")
        return 0
    with tempfile.TemporaryDirectory(prefix="podsim-") as scratch:
        try:
            result = run_scenario(args.name, args.world or Path(scratch) / "world", args.seed)
        except UnknownScenario as error:
            print(f"podsim: {error}", file=sys.stderr)
            return 2
        export = ScenarioExport.from_result(result)
        if args.json:
            print(json.dumps(export.to_json(), sort_keys=True))
            return 0
        print(f"scenario {result.name} (seed {result.seed})")
        print(result.world.trace.timeline())
    tally = ", ".join(f"{fate} {n}" for fate, n in export.fate_counts().items())
    print(f"fates: {tally}")
    return 0


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
