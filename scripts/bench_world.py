"""Benchmark: creating a fresh world, next to the bare `git clone --bare` it contains.

Run: python scripts/bench_world.py [--runs N]
Prints the median of each and how much of a world's creation is the clone itself.
The budget (issue: foundation) is a 300 ms median for a fresh world on a 2-core machine.
"""

import argparse
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from podsim.gitenv import git_env
from podsim.world import World

BUDGET_S = 0.300


def _median_s(action: Callable[[Path], object], runs: int) -> float:
    samples = []
    for n in range(runs):
        with tempfile.TemporaryDirectory(prefix="podsim-bench-") as tmp:
            start = time.perf_counter()
            action(Path(tmp) / f"run-{n}")
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="podsim-bench-origin-") as tmp:
        origin = World.create(Path(tmp) / "w").origin.git_dir
        env = git_env(Path(tmp) / "home")

        def clone(target: Path) -> None:
            subprocess.run(["git", "clone", "-q", "--bare", str(origin), str(target)],
                           env=env, check=True)

        clone_s = _median_s(clone, args.runs)
    world_s = _median_s(lambda root: World.create(root), args.runs)
    print(f"bare clone only     median {clone_s * 1000:7.1f} ms")
    print(f"fresh world         median {world_s * 1000:7.1f} ms  (budget {BUDGET_S * 1000:.0f} ms)")
    print(f"world / clone       {world_s / clone_s:7.1f}x")
    return 0 if world_s <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
