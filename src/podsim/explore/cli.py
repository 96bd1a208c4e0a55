"""`podsim explore`: the explorer on the command line, and `podsim explore merge`."""

import argparse
import json
import os
import sys
from pathlib import Path

from podsim.explore.faults import FAULTS
from podsim.explore.minimal import minimal_failing
from podsim.explore.result import Result, merge
from podsim.explore.runner import explore
from podsim.explore.workload import DEFAULT_WORKLOADS, ORIGIN_CONDITIONS, Workload

EXAMPLES = """\
examples:
  podsim explore                           the default workloads, every fault, every core
  podsim explore --json > all.json         the result as JSON (cases, matrix, violations)
  podsim explore --writes 2 --origin refuse --faults oom-kill,pod-delete
  podsim explore --shard 1/2 --json > a.json; podsim explore --shard 2/2 --json > b.json
  podsim explore merge a.json b.json       the shards as one result
"""


class ExploreError(Exception):
    """Bad input for `podsim explore`."""


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = commands.add_parser(
        "explore", help="every fault at every step boundary of a workload",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES,
        description="Inject every fault kind at every step boundary of a bounded workload, "
                    "run each faulted world to quiescence and check the durability "
                    "invariants. `merge FILE...` merges the --json results of shards.")
    p.add_argument("merge", nargs="*", metavar="merge FILE",
                   help="merge the JSON results of shards 1..N into one")
    p.add_argument("--writes", type=int, help="one workload of this many writes "
                   "(default: the default workloads)")
    p.add_argument("--origin", choices=ORIGIN_CONDITIONS, default="up",
                   help="origin condition of the one workload (default: up)")
    p.add_argument("--other-writer", action="store_true",
                   help="another writer advances published after the first write")
    p.add_argument("--sigterm-handler", action="store_true", help="the SIGTERM-drain switch")
    p.add_argument("--faults", help=f"comma-separated fault kinds (default: all: "
                   f"{', '.join(FAULTS)})")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="processes (default: one per core)")
    p.add_argument("--shard", default="1/1", metavar="K/N", help="run only shard K of N")
    p.add_argument("--json", action="store_true", help="the result as JSON")
    p.add_argument("--output", type=Path, metavar="FILE",
                   help="write the result to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    if args.merge:
        if args.merge[0] != "merge" or len(args.merge) < 2:
            raise ExploreError(f"unexpected argument {args.merge[0]!r}; "
                               "did you mean `podsim explore merge FILE...`?")
        result = merge([_load(Path(f)) for f in args.merge[1:]])
    else:
        result = explore(_workloads(args), _faults(args.faults), workers=args.workers,
                         shard=_shard(args.shard))
    text = result.to_json() if args.json else result.summary()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")
        print(result.summary())
    else:
        print(text)
    if not result.violations(expected=False):
        return 0
    minimal = minimal_failing(result)  # re-explores the failing fault with fewer writes
    if minimal is not None:
        print(f"minimal failing case ({minimal.workload.writes} writes):\n{minimal.scenario}",
              file=sys.stderr)
    return 1


def _workloads(args: argparse.Namespace) -> list[Workload]:
    if args.writes is None:
        return list(DEFAULT_WORKLOADS)
    try:
        return [Workload(writes=args.writes, origin=args.origin, other_writer=args.other_writer,
                         sigterm_handler=args.sigterm_handler)]
    except ValueError as error:
        raise ExploreError(str(error)) from None


def _faults(raw: str | None) -> list[str]:
    if raw is None:
        return list(FAULTS)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in FAULTS]
    if unknown or not names:
        raise ExploreError(f"--faults {raw!r}: unknown {', '.join(unknown) or 'empty list'}; "
                           f"faults: {', '.join(FAULTS)}")
    return names


def _shard(raw: str) -> tuple[int, int]:
    try:
        k, n = (int(x) for x in raw.split("/"))
    except ValueError:
        raise ExploreError(f"--shard {raw!r}: expected K/N, e.g. 1/2") from None
    if not 1 <= k <= n:
        raise ExploreError(f"--shard {raw!r}: expected 1 <= K <= N")
    return k, n


def _load(path: Path) -> Result:
    try:
        return Result.from_dict(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError, ValueError) as error:
        raise ExploreError(f"{path}: {error}") from None


