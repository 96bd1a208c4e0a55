"""`podsim` command line: list and run named scenarios."""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from podsim.scenarios import SCENARIOS, ScenarioResult, UnknownScenario, run_scenario


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="podsim", description="Simulated pod/emptyDir world.")
    commands = parser.add_subparsers(dest="command", required=True)
    scenario = commands.add_parser("scenario", help="named incident scenarios")
    actions = scenario.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="names with one-line descriptions")
    run = actions.add_parser("run", help="run one scenario in a fresh world")
    run.add_argument("name")
    run.add_argument("--json", action="store_true", help="one JSON object instead of a timeline")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--world", type=Path, help="keep the world in this (new) directory")
    args = parser.parse_args(argv)

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
        return _report(result, args.json)


def _report(result: ScenarioResult, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_json(), sort_keys=True))
        return 0
    print(f"scenario {result.name} (seed {result.seed})")
    print(result.world.trace.timeline())
    tally = ", ".join(f"{fate} {n}" for fate, n in result.to_json()["fates"].items())
    print(f"fates: {tally}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
