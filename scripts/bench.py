"""The benchmark suite (`nox -s bench`): each benchmark runs A and B interleaved, prints the
medians, their ratio and its target, and the whole run is written to .docproof/bench.json.

    python scripts/bench.py [--runs N] [--quick] [--only KEY[,KEY...]] [--output FILE]
                            [--floor SCRIPT] [--list]

KEY is a benchmark's number or name (see --list). --quick: one round and small pages, to
see that everything runs. Exit status 1 when a benchmark fails to measure or misses its
target; the JSON is written either way. docs/reference/performance.md explains each entry.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import bench_site
from bench_harness import Entry, Failure, Outcome, alternate, entry, table, timed, write_results
from bench_lookalike import LookAlike
from bench_pages import (
    REPO,
    BenchError,
    PageRunner,
    console_block,
    page,
    pmd_block,
    python_block,
)

OUTPUT = REPO / ".docproof" / "bench.json"
FLOOR = REPO / "scripts" / "bench_floor.py"


@dataclass(frozen=True)
class Settings:
    runs: int  # rounds of the slow benchmarks (whole pages, builds)
    quick: bool
    scratch: Path
    floor: Path = FLOOR  # the plain-git floor script of benchmark 8

    @property
    def many(self) -> int:
        # Rounds of the cheap ones (one call, one write): more samples for the same time.
        return self.runs * 5

    @property
    def blocks(self) -> int:
        return 20 if self.quick else 200

    @property
    def sizes(self) -> tuple[int, int, int]:
        return (10, 20, 40) if self.quick else (10, 100, 400)

    def folder(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True)
        return path


def per_block(times: Sequence[float]) -> float:
    """Mean seconds per block, leaving out the first block (it carries the page's start-up)
    and the last (it carries the page's teardown)."""
    if len(times) < 3:
        raise BenchError(f"a page run timed {len(times)} blocks; per-block needs at least 3")
    return sum(times[1:-1]) / (len(times) - 2)


# ---- 1. per-block overhead ------------------------------------------------------------------
def python_blocks(s: Settings) -> list[Outcome]:
    runner = PageRunner(s.folder("python-blocks"))
    n = s.blocks
    code = [f"value_{i} = {i}" for i in range(n)]
    ours = runner.write("docproof.md", page([python_block(c) for c in code]))
    theirs = runner.write("pmd.md", page([pmd_block(c) for c in code]))
    ours_one = runner.write("docproof-one.md", page([python_block(code[0])]))
    theirs_one = runner.write("pmd-one.md", page([pmd_block(code[0])]))
    rounds = alternate({
        "docproof": lambda: per_block(runner.block_times(ours)),
        "pmd": lambda: per_block(runner.block_times(theirs, "pmd")),
        "docproof-one": lambda: runner.wall(ours_one),
        "pmd-one": lambda: runner.wall(theirs_one, "pmd"),
    }, s.runs)
    return [
        entry("1. python block, per block: docproof vs PMD", rounds, "docproof", "pmd",
              target=1.3, labels=(f"docproof, mean of blocks 2..{n - 1} of a {n}-block page",
                                  "plain pytest-markdown-docs, the same page")),
        entry("1. one-block page start-up: docproof vs PMD", rounds, "docproof-one", "pmd-one",
              labels=("docproof, wall time of a one-block page",
                      "plain pytest-markdown-docs, the same page")),
    ]


# ---- 2. page start-up with a world -----------------------------------------------------------
def world_startup(s: Settings) -> list[Outcome]:
    runner = PageRunner(s.folder("world-startup"))
    block = [python_block("assert True")]
    with_world = runner.write("world.md", page(block, world="fresh"))
    without = runner.write("no-world.md", page(block))
    rounds = alternate({"world": lambda: runner.wall(with_world),
                        "none": lambda: runner.wall(without)}, s.runs)
    return [entry("2. one-block page: fresh world vs no world", rounds, "world", "none",
                  labels=("docproof, `world: fresh`, wall time", "docproof, no world"))]


# ---- 3. kubectl -------------------------------------------------------------------------------
def kubectl_block(s: Settings) -> list[Outcome]:
    runner = PageRunner(s.folder("kubectl-block"))
    # The measured block is the middle one: the first carries the page's start-up, the
    # last its teardown.
    true = console_block("true", "")
    kubectl = runner.write("kubectl.md", page(
        [true, console_block("kubectl get pods", "..."), true], world="fresh"))
    echo = runner.write("echo.md", page(
        [true, console_block("echo codeforphilly", "codeforphilly"), true], world="fresh"))
    rounds = alternate({"kubectl": lambda: runner.block_times(kubectl)[1],
                        "echo": lambda: runner.block_times(echo)[1]}, s.runs)
    return [entry("3. console block: kubectl get pods vs echo", rounds, "kubectl", "echo",
                  labels=("the second block of a `world: fresh` page: `kubectl get pods`",
                          "the same page with `echo`"))]


def _call(argv: list[str], env: dict[str, str]) -> Callable[[], float]:
    def run() -> None:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or "Running" not in done.stdout:
            raise BenchError(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()}")

    return timed(run)


def kubectl_lookalike(s: Settings) -> list[Outcome]:
    from podsim.apiserver import ApiServer, kubectl_binary, write_kubeconfig
    from podsim.world import World

    scratch = s.folder("kubectl-lookalike")
    old = LookAlike(scratch / "lookalike")
    world = World.create(scratch / "world")
    world.advance(65)
    home = scratch / "home"
    with ApiServer(world.root) as server:
        env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "KUBECONFIG": str(write_kubeconfig(home / "config", server.url,
                                                  world.manifest.namespace))}
        real = _call([str(kubectl_binary()), "get", "pods"], env)
        lookalike = _call(old.argv("get", "pods"), old.env)
        real(), lookalike()  # warm-up: kubectl's discovery cache, the old tree's bytecode
        rounds = alternate({"real": real, "lookalike": lookalike}, s.many)
    return [entry("3. kubectl get pods: real kubectl vs the look-alike", rounds, "real",
                  "lookalike", target=0.5,
                  labels=("pinned kubectl against podsim.apiserver, one call",
                          f"podsim-kubectl from {old.commit[:7]} (the last commit with it), "
                          "one call"))]


# ---- 4. write + commit + push -------------------------------------------------------------
_PLAIN_WRITE = """set -e
cd "$1"
printf '{"slug": "bench-%s"}\\n' "$2" > "people/bench-$2.json"
git add -A
git commit -q -m "Update people/bench-$2"
git push -q origin HEAD:published
"""


def write_cycle(s: Settings) -> list[Outcome]:
    from podsim.gitenv import git_env
    from podsim.world import World

    scratch = s.folder("write-cycle")
    world = World.create(scratch / "world")
    world.wait_until_serving()
    env = {**git_env(scratch / "home"), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    origin = scratch / "origin.git"
    clone = scratch / "clone"
    for argv in (["git", "clone", "-q", "--bare", str(world.origin.git_dir), str(origin)],
                 ["git", "clone", "-q", "-b", "published", str(origin), str(clone)]):
        subprocess.run(argv, env=env, check=True, capture_output=True)
    (clone / "people").mkdir(exist_ok=True)
    counter = iter(range(1_000_000))

    def podsim_write() -> None:
        write_id = world.write()
        world.run_until(lambda w: w.fates()[write_id] == "origin")

    def plain_write() -> None:
        subprocess.run(["bash", "-c", _PLAIN_WRITE, "bash", str(clone), str(next(counter))],
                       env=env, check=True, capture_output=True)

    podsim_write()  # warm-up
    plain_write()
    rounds = alternate({"podsim": timed(podsim_write), "git": timed(plain_write)}, s.many)
    return [entry("4. write+commit+push: podsim vs plain git", rounds, "podsim", "git",
                  labels=("World.write() until its fate is `origin`",
                          "one bash script: write a file, add, commit, push"))]


# ---- 5. site build --------------------------------------------------------------------------
def site_build(s: Settings) -> list[Outcome]:
    root = s.folder("site")
    bench_site.assemble(root)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    def build(name: str) -> Callable[[], float]:
        return lambda: bench_site.time_build(root / name / "mkdocs.yml")

    builds = {name: build(name) for name in ("full", "plain")}
    cold = alternate(builds, 1)  # the full build's first run also runs the pages' scenarios
    rounds = alternate(builds, s.runs)
    labels = ("mkdocs.yml as is: hooks, macros, strict",
              "the same pages and theme, no hooks or macros")
    return [entry("5. site build, cold: hooks+macros vs plain", cold, "full", "plain",
                  labels=labels),
            entry("5. site build: hooks+macros vs plain", rounds, "full", "plain", target=1.5,
                  labels=labels)]


# ---- 6. scaling -------------------------------------------------------------------------------
def scaling(s: Settings) -> list[Outcome]:
    runner = PageRunner(s.folder("scaling"))
    kinds: dict[str, tuple[str, Callable[[int], str]]] = {
        "shell": ("docproof", lambda i: console_block(f"echo {i}", str(i))),
        "python": ("docproof", lambda i: python_block("total = 0" if i == 0 else "total += 1")),
        "pmd": ("pmd", lambda i: pmd_block("total = 0" if i == 0 else "total += 1",
                                           continuation=i > 0)),
    }
    measures: dict[str, Callable[[], float]] = {}

    def measure(path: Path, tool: str) -> Callable[[], float]:
        return lambda: per_block(runner.block_times(path, tool))

    for kind, (tool, block) in kinds.items():
        for n in s.sizes:
            path = runner.write(f"{kind}-{n}.md", page([block(i) for i in range(n)]))
            measures[f"{kind}-{n}"] = measure(path, tool)
    rounds = alternate(measures, s.runs)
    small = s.sizes[0]
    what = {"shell": ("shell blocks (docproof)", 1.5),
            "python": ("chained python blocks (docproof)", 1.5),
            "pmd": ("chained python blocks (PMD continuation)", None)}
    outcomes: list[Outcome] = []
    for kind, (title, target) in what.items():
        for n in s.sizes[1:]:
            outcomes.append(entry(
                f"6. {title}, per block: {n} vs {small}", rounds, f"{kind}-{n}",
                f"{kind}-{small}", target=target,
                labels=(f"mean per block of a {n}-block page",
                        f"mean per block of a {small}-block page")))
    return outcomes


# ---- 7. exploration ---------------------------------------------------------------------------
def exploration(s: Settings) -> list[Outcome]:
    out = s.folder("explore")
    writes = "1" if s.quick else "2"

    def explore(workers: int) -> Callable[[], float]:
        argv = [sys.executable, "-m", "podsim", "explore", "--writes", writes,
                "--workers", str(workers), "--json", "--output", str(out / f"{workers}.json")]
        return timed(lambda: subprocess.run(argv, check=True, capture_output=True))

    rounds = alternate({"2": explore(2), "1": explore(1)}, s.runs)


    states = json.loads((out / "1.json").read_text())["states"]
    return [entry("7. exploration: 2 workers vs 1", rounds, "2", "1",
                  labels=(f"`podsim explore --writes {writes} --workers 2`", "`--workers 1`"),
                  note=f"{states} states per run")]


# ---- 8. the serial page run against the floor ---------------------------------------------
def page_run_floor(s: Settings) -> list[Outcome]:
    if not s.floor.is_file():
        raise BenchError(f"{s.floor} is missing: it is the floor (the same git work and "
                         "client calls as the pages, as a plain script) this benchmark "
                         "compares the serial page run with")
    report = s.scratch / "page-run-report.json"
    pages = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
             "--docproof-report", str(report), "docs", "specs", "runbooks"]

    def run(argv: list[str]) -> Callable[[], float]:
        def go() -> None:
            done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-10:])
                raise BenchError(f"{' '.join(argv[1:4])} failed ({done.returncode}):\n{tail}")

        return timed(go)

    floor = [sys.executable, str(s.floor)]
    rounds = alternate({"pages": run(pages), "floor": run(floor),
                        "git-only": run([*floor, "--git-only"])}, s.runs)
    return [
        entry("8. serial page run vs floor (git work + clients)", rounds, "pages", "floor",
              target=2.0, labels=("`pytest docs specs runbooks`, serial",
                                  f"`python {s.floor.name}`: the pages' git work as plain git, "
                                  "and each client they run (kubectl, gh, jq, curl, "
                                  "ssh-keygen) as often, without a server")),
        entry("8. serial page run vs plain-git floor (git work only)", rounds, "pages",
              "git-only", labels=("`pytest docs specs runbooks`, serial",
                                  f"`python {s.floor.name} --git-only`: the pages' git work "
                                  "as plain git, no clients")),
    ]


@dataclass(frozen=True)
class Benchmark:
    key: str
    name: str
    run: Callable[[Settings], list[Outcome]]
    target: float | None = None  # the headline target, for the failure entry
    # Rounds unless --runs says otherwise. A benchmark whose every run takes a minute or more
    # (the whole serial page run, an exploration) takes 2: A B then B A still cancels a
    # drift in the machine's load, and its ratio varies little from round to round.
    rounds: int = 3


BENCHMARKS = (
    Benchmark("1", "python-blocks", python_blocks, 1.3),
    Benchmark("2", "world-startup", world_startup),
    Benchmark("3", "kubectl-block", kubectl_block),
    Benchmark("3", "kubectl-lookalike", kubectl_lookalike, 0.5),
    Benchmark("4", "write-cycle", write_cycle),
    Benchmark("5", "site-build", site_build, 1.5),
    Benchmark("6", "scaling", scaling, 1.5),
    Benchmark("7", "exploration", exploration, rounds=2),
    Benchmark("8", "page-run-floor", page_run_floor, 2.0, rounds=2),
)


def selected(only: str | None) -> list[Benchmark]:
    if only is None:
        return list(BENCHMARKS)
    keys = [k.strip() for k in only.split(",") if k.strip()]
    known = {b.key for b in BENCHMARKS} | {b.name for b in BENCHMARKS}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise SystemExit(f"--only: unknown benchmark {', '.join(unknown)} "
                         f"(known: {', '.join(b.name for b in BENCHMARKS)} or 1-8)")
    return [b for b in BENCHMARKS if b.key in keys or b.name in keys]


def rounds_of(benchmark: Benchmark, runs: int | None, quick: bool) -> int:
    """The rounds `benchmark` runs: one with --quick, else --runs, else its own default."""
    if quick:
        return 1
    return benchmark.rounds if runs is None else runs


def run_one(benchmark: Benchmark, settings: Settings) -> list[Outcome]:
    start = time.perf_counter()
    try:
        outcomes = benchmark.run(settings)
    except (BenchError, subprocess.CalledProcessError, OSError, LookupError) as error:
        detail = error.stderr if isinstance(error, subprocess.CalledProcessError) else ""
        message = f"{type(error).__name__}: {error}" + (f"\n{detail}" if detail else "")
        outcomes = [Failure(f"{benchmark.key}. {benchmark.name}", message, benchmark.target)]
    print(f"[{benchmark.key}. {benchmark.name}: {time.perf_counter() - start:.0f} s]",
          file=sys.stderr, flush=True)
    return outcomes


def _commit() -> str:
    done = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=None,
                        help="rounds per benchmark (default 3; 2 for the page run against "
                             "the floor and for exploration, whose rounds take minutes)")
    parser.add_argument("--quick", action="store_true", help="one round, small pages")
    parser.add_argument("--only", help="comma-separated benchmark numbers or names")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--floor", type=Path, default=FLOOR,
                        help="the plain-git floor script (default scripts/bench_floor.py)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    if args.list:
        for b in BENCHMARKS:
            print(f"{b.key}  {b.name}")
        return 0
    chosen = selected(args.only)
    started = datetime.now(UTC)
    load = os.getloadavg()[0]
    commit = _commit()  # the tree measured, before anyone commits during a long run
    outcomes: list[Outcome] = []
    scratch = Path(tempfile.mkdtemp(prefix="docproof-bench-"))
    try:
        for benchmark in chosen:
            settings = Settings(rounds_of(benchmark, args.runs, args.quick), args.quick,
                                scratch / benchmark.name, args.floor.resolve())
            outcomes += run_one(benchmark, settings)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    context = {"date": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "commit": commit,
               "machine": f"{platform.machine()}, {os.cpu_count()} cores",
               "load_average_at_start": round(load, 2), "quick": args.quick,
               "seconds": round((datetime.now(UTC) - started).total_seconds(), 1)}
    write_results(outcomes, args.output, context)
    print(table(outcomes))
    print(f"\nwritten to {args.output} ({context['seconds']} s; load average {load:.1f} "
          f"at start on {context['machine']})")
    ok = all(isinstance(o, Entry) and o.met is not False for o in outcomes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
