"""Benchmark: `podsim scenario run NAME --json`, one process per scenario, run twice.

Run: python scripts/bench_scenarios.py
For each scenario it prints the wall time of both runs next to the cost of starting
`podsim scenario list` (the interpreter and imports alone), and whether the two JSON
outputs are identical. Exits 1 if a run takes 2 s or more, or if outputs differ.
"""

import subprocess
import sys
import time

from podsim.scenarios import SCENARIOS

LIMIT_S = 2.0


def timed(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "podsim", *args], capture_output=True,
                          text=True, check=True)
    return time.perf_counter() - start, done.stdout


def main() -> int:
    baseline, _ = timed("scenario", "list")
    print(f"startup alone (podsim scenario list): {baseline:.2f}s")
    print(f"{'scenario':<26} {'run 1':>7} {'run 2':>7}  same output")
    ok = True
    for name in SCENARIOS:
        first_s, first = timed("scenario", "run", name, "--json")
        second_s, second = timed("scenario", "run", name, "--json")
        same = first == second
        ok = ok and same and max(first_s, second_s) < LIMIT_S
        print(f"{name:<26} {first_s:>6.2f}s {second_s:>6.2f}s  {'yes' if same else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
