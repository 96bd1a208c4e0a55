"""The floor of the serial page run: the same git work and client calls, no simulator.

`pytest docs specs runbooks` (no -n) seeds origins, clones them, commits, pushes, fetches
and runs the operator's git commands; this script does the same number of each with plain
`git` subprocesses over `file://` (git's pack protocol through a local `upload-pack` /
`receive-pack`, as the ssh shim gives the simulator). The pages' shell sessions also run
real client binaries (kubectl, gh, jq, curl, ssh-keygen): the floor runs each the same
number of times with no server behind it (`kubectl version --client`, `gh --version`,
`jq .` on `{}`, `curl --version`, `ssh-keygen` making a key as the page does), so a ratio
against it measures what the simulator and the runner add, not the clients' own start-up.
`--git-only` leaves the clients out. Its wall time is what the page run could cost if
nothing were added around the git work and the clients.

How the counts were derived: the serial page run was traced with a `git` wrapper first on
PATH (the bin directory of the interpreter that runs pytest, which the page sandbox keeps
on PATH) that exports `GIT_TRACE2` and execs the real git, so every git process and its
children log their argv and their parent process. Inside a page's sandbox /tmp is private
and the rest of the file system read-only, so the trace goes to a Unix socket outside /tmp
(`GIT_TRACE2=af_unix:stream:<path>`, a listener appending each connection to the log).
`--from-trace LOG` recounts them from such a log (the defaults below are the counts of the
pages at fe74971, traced with the simulator of i17-forks; its speed-ups change none of this
work):

- a git process whose parent is git (a transport helper, `pack-objects`, `index-pack`, a
  connectivity `rev-list`, housekeeping) is part of the top-level command that forked it;
- seeds are `init` (each with one `fast-import` seed commit); further `fast-import`s into an
  `origin.git` are commits another writer makes on origin;
- clones are `clone` (bare from containers, working clones for the operator);
- fetches and pushes count every invocation; those that reach origin are the `upload-pack`
  / `receive-pack` processes started by the ssh shim, the others fail before any transfer
  (a refused or black-holed origin) and are done here as pushes/fetches to a missing path;
- commits are `commit-tree` (reconcile replays) and the `fast-import`s into a pod's
  repository (request writes), each made here with the plumbing a bare repository needs
  (hash-object, read-tree, update-index, write-tree, commit-tree, update-ref);
- operator commands are the other git commands a page's bash session runs.

The repositories live on a tmpfs when the machine has /dev/shm, as the page sandbox keeps
its worlds in a private tmpfs /tmp (on a disk, git's fsyncs would dominate both).

The clients are counted from an `strace -f --decode-pids=pidns -e signal=none
-e trace=execve,clone,clone3,vfork,fork` log of the same pages (`--clients-from-strace
LOG`; the pages run in PID namespaces, hence the pid decoding): each process that runs one
of them counts once when its nearest ancestor other than `sh` or `git` is a page's `bash`
session (so the `kubectl exec` that an operator's `git fetch pod` runs through its `ext::`
transport counts).
The simulator's own calls (the ssh shim's `ssh-keygen -y`, the runner's `openssl` making
the ingress certificate) are overhead and not counted.

Everything the simulator runs besides those (its `rev-parse`s, `config`s, reads of the
store, the container entrypoint's commands) is overhead the floor leaves out. Usage:
`python scripts/bench_floor.py [--from-trace LOG] [--clients-from-strace LOG] [--git-only]
[--repeat N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

BRANCH = "published"
SEED_FILES = 38  # the seed commit's files: 2 sheet configs, 24 people, 12 projects


@dataclass(frozen=True)
class Workload:
    """How many of each piece of git work the page run does."""

    seeds: int = 31
    origin_commits: int = 8
    bare_clones: int = 81
    work_clones: int = 9
    fetches: int = 302
    fetches_reaching_origin: int = 269
    pushes: int = 320
    pushes_reaching_origin: int = 150
    commits: int = 115
    operator_commands: int = 114


CLIENTS = ("kubectl", "gh", "jq", "curl", "openssl", "ssh-keygen")


@dataclass(frozen=True)
class Clients:
    """How many times the pages' shell sessions run each real client binary."""

    kubectl: int = 0
    gh: int = 0
    jq: int = 0
    curl: int = 0
    openssl: int = 0
    ssh_keygen: int = 0


# The child's pid is the return value; inside a PID namespace strace (--decode-pids=pidns)
# adds the pid it uses in its own line prefixes: `= 2 /* 16743 in strace's PID NS */`.
_CLONE = re.compile(r"^(\d+)\s+(?:<\.\.\. )?(?:clone3?|vfork|fork)\b.*= (\d+)"
                    r"(?: /\* (\d+) in strace's PID NS \*/)?$")
_EXEC = re.compile(r'^(\d+)\s+execve\("([^"]+)"')
_EXEC_DONE = re.compile(r"^(\d+)\s+(?:<\.\.\. execve resumed>.*|execve\(.*)= 0$")
# Processes between a client and whoever ran it that decide nothing (a wrapper script, git's
# `sh -c`, a `git fetch pod` whose `ext::` transport runs `kubectl exec`): the walk up the
# tree passes them.
_PASS_THROUGH = {"sh", "env", "timeout", "xargs", "git"}


def clients_from_strace(log: Path) -> Clients:
    """Count the clients a page's bash session ran, in an strace log that has execve and
    the fork family (see the module docstring)."""
    parent: dict[str, str] = {}
    program: dict[str, str] = {}  # pid -> the program it runs now
    tried: dict[str, str] = {}  # pid -> path of its execve still unfinished
    ran: dict[str, set[str]] = {name: set() for name in CLIENTS}  # client -> pids
    for line in log.read_text(errors="replace").splitlines():
        if forked := _CLONE.match(line):
            child = forked.group(3) or forked.group(2)
            parent[child] = forked.group(1)
            program[child] = program.get(forked.group(1), "")  # a fork runs its parent's
            continue
        if attempt := _EXEC.match(line):
            tried[attempt.group(1)] = attempt.group(2)
        if done := _EXEC_DONE.match(line):
            pid = done.group(1)
            name = tried.pop(pid, "").rsplit("/", 1)[-1]
            program[pid] = name
            # judged as the tree stands now: a parent may exec something else later
            if name in ran and _run_by_bash(pid, parent, program):
                ran[name].add(pid)
    return Clients(**{name.replace("-", "_"): len(pids) for name, pids in ran.items()})


def _run_by_bash(pid: str, parent: dict[str, str], program: dict[str, str]) -> bool:
    above = parent.get(pid)
    while above is not None:
        name = program.get(above, "")
        if name not in _PASS_THROUGH and name not in CLIENTS:
            return name == "bash"
        above = parent.get(above)
    return False


# The clients the pages at fe74971 run from their shell sessions (--clients-from-strace).
PAGE_CLIENTS = Clients(kubectl=162, gh=4, jq=10, curl=3, ssh_keygen=1)


def workload_from_trace(log: Path) -> Workload:
    """Count the page run's git work in a GIT_TRACE2 (normal format) log."""
    top: Counter[str] = Counter()  # top-level commands (parent is not git)
    from_shim: Counter[str] = Counter()  # upload-pack / receive-pack behind the ssh shim
    by_operator: Counter[str] = Counter()  # commands a page's bash session ran
    bare_clones = 0
    origin_imports = 0  # fast-imports into an origin.git (seeds, another writer's commits)
    command = ""
    argv: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        fields = line.split(None, 2)
        if len(fields) < 3:
            continue
        event = fields[2]
        if event.startswith("start "):
            argv = event.split()[1:]
            command = _subcommand(argv)
        elif event.startswith("cmd_ancestry "):
            parents = event.removeprefix("cmd_ancestry ").split(" <- ")
            if parents[0] == "git":
                continue
            if parents[0] == "sh" and len(parents) > 1 and parents[1] == "git":
                from_shim[command] += 1
                continue
            top[command] += 1
            bare_clones += command == "clone" and "--bare" in argv
            origin_imports += command == "fast-import" and _into_origin(argv)
            if parents[0] == "bash":
                by_operator[command] += 1
    transfers = {"fetch", "push", "clone"}
    pages_upload_pack = top["upload-pack"]  # the pod's repository served to an operator
    reached_fetch = from_shim["upload-pack"] - top["clone"] - top["ls-remote"]
    return Workload(
        seeds=top["init"],
        origin_commits=max(origin_imports - top["init"], 0),
        bare_clones=bare_clones,
        work_clones=top["clone"] - bare_clones,
        fetches=top["fetch"],
        fetches_reaching_origin=max(min(reached_fetch, top["fetch"]), 0),
        pushes=top["push"],
        pushes_reaching_origin=min(from_shim["receive-pack"], top["push"]),
        commits=top["commit-tree"] + top["fast-import"] - origin_imports,
        operator_commands=sum(n for c, n in by_operator.items() if c not in transfers)
        + pages_upload_pack,
    )


def _into_origin(argv: list[str]) -> bool:
    """Whether a traced git command names an `origin.git` as its repository."""
    return any(word.rstrip("/").endswith("origin.git") for word in argv)


def _subcommand(argv: list[str]) -> str:
    """The git subcommand of a traced argv (after global options such as --git-dir)."""
    i = 1
    while i < len(argv) and (argv[i].startswith("-") or argv[i - 1] in ("--git-dir", "-C", "-c")):
        i += 1
    return argv[i] if i < len(argv) else ""


class Floor:
    """Plain git in a scratch directory, with a clean environment."""

    def __init__(self, root: Path) -> None:
        self.root = root
        home = root / "home"
        home.mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "GIT_AUTHOR_NAME": "Floor",
            "GIT_AUTHOR_EMAIL": "floor@example.org",
            "GIT_COMMITTER_NAME": "Floor",
            "GIT_COMMITTER_EMAIL": "floor@example.org",
            "GIT_AUTHOR_DATE": "@1786190400 +0000",
            "GIT_COMMITTER_DATE": "@1786190400 +0000",
            "LC_ALL": "C",
        }
        self.processes = 0

    def git(self, *args: str, cwd: Path | None = None, stdin: bytes = b"",
            env: dict[str, str] | None = None, check: bool = True) -> str:
        self.processes += 1
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              env={**self.env, **(env or {})}, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {done.stderr.decode().strip()}")
        return done.stdout.decode().strip()

    def seed(self, n: int) -> Path:
        origin = self.root / f"origin-{n}.git"
        self.git("init", "-q", "--bare", f"--initial-branch={BRANCH}", str(origin))
        files = {f"people/person-{i:02d}.toml": f'slug = "person-{i:02d}"\nn = {n}\n'
                 for i in range(SEED_FILES)}
        self.fast_import(origin, files, parent=False)
        return origin

    def fast_import(self, origin: Path, files: dict[str, str], parent: bool) -> None:
        lines = [f"commit refs/heads/{BRANCH}", "committer Floor <floor@example.org> 0 +0000",
                 "data 5", "floor"]
        if parent:
            lines.append(f"from refs/heads/{BRANCH}^0")
        for path, text in files.items():
            lines += [f"M 100644 inline {path}", f"data {len(text.encode())}", text]
        self.git("--git-dir", str(origin), "fast-import", "--quiet",
                 stdin=("\n".join(lines) + "\n").encode())

    def commit(self, clone: Path, n: int) -> None:
        """One record written into a bare clone with plumbing (no working tree)."""
        blob = self.git("hash-object", "-w", "--stdin", cwd=clone, stdin=f"n = {n}\n".encode())
        index = {"GIT_INDEX_FILE": str(self.root / "index")}
        self.git("read-tree", BRANCH, cwd=clone, env=index)
        self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},people/w-{n}.toml",
                 cwd=clone, env=index)
        tree = self.git("write-tree", cwd=clone, env=index)
        old = self.git("rev-parse", BRANCH, cwd=clone)
        new = self.git("commit-tree", tree, "-p", old, "-m", f"write {n}", cwd=clone)
        self.git("update-ref", f"refs/heads/{BRANCH}", new, old, cwd=clone)


def run(work: Workload, root: Path) -> int:
    """Do `work` under `root`; returns the number of git processes started directly."""
    floor = Floor(root)
    origins = [floor.seed(n) for n in range(max(work.seeds, 1))]
    for n in range(work.origin_commits):
        floor.fast_import(origins[n % len(origins)], {f"other/{n}.toml": f"n = {n}\n"}, True)
    clones: list[tuple[Path, Path]] = []  # (clone, its origin)
    for n in range(work.bare_clones):
        origin = origins[n % len(origins)]
        clone = root / f"clone-{n}.git"
        floor.git("clone", "-q", "--bare", "--branch", BRANCH, f"file://{origin}", str(clone))
        clones.append((clone, origin))
    work_clones = []
    for n in range(work.work_clones):
        clone = root / f"operator-{n}"
        floor.git("clone", "-q", f"file://{origins[n % len(origins)]}", str(clone))
        work_clones.append(clone)
    missing = f"file://{root}/unreachable.git"
    pool = clones or [(root, origins[0])]
    for n in range(work.commits):
        floor.commit(pool[n % len(pool)][0], n)
    for n in range(work.pushes):
        clone, origin = pool[n % len(pool)]
        # Another writer may have moved origin: a rejected push is work too.
        where = f"file://{origin}" if n < work.pushes_reaching_origin else missing
        floor.git("push", "-q", where, BRANCH, cwd=clone, check=False)
    for n in range(work.fetches):
        clone, origin = pool[n % len(pool)]
        where = f"file://{origin}" if n < work.fetches_reaching_origin else missing
        floor.git("fetch", "-q", where, f"+refs/heads/{BRANCH}:refs/remotes/origin/{BRANCH}",
                  cwd=clone, check=False)
    operator = work_clones or [pool[0][0]]
    for n in range(work.operator_commands):
        floor.git("log", "-1", "--format=%H %s", cwd=operator[n % len(operator)])
    return floor.processes


def client_argv(name: str, root: Path, n: int) -> tuple[list[str], bytes]:
    """One serverless call of client `name` (argv, stdin): its start-up and its local work."""
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent),
                                                    os.environ.get("PATH", "")]))
    if found is None:
        raise SystemExit(f"bench_floor: {name} is not installed (the venv's bin or PATH); "
                         "the floor runs each client the pages run")
    calls = {
        "kubectl": ([found, "version", "--client"], b""),
        "gh": ([found, "--version"], b""),
        "jq": ([found, "."], b"{}"),
        "curl": ([found, "--version"], b""),
        "openssl": ([found, "version"], b""),
        "ssh-keygen": ([found, "-q", "-t", "ed25519", "-N", "", "-C", "floor", "-f",
                        str(root / f"key-{n}")], b""),
    }
    return calls[name]


def run_clients(clients: Clients, root: Path) -> int:
    """Run each client as often as the pages do; returns the number of processes."""
    processes = 0
    for name in CLIENTS:
        for n in range(getattr(clients, name.replace("-", "_"))):
            argv, stdin = client_argv(name, root, n)
            done = subprocess.run(argv, input=stdin, capture_output=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)}: {done.stderr.decode().strip()}")
            processes += 1
    return processes


def scratch_parent() -> str | None:
    """Where the floor's repositories live: a tmpfs (/dev/shm) when there is one, as a page
    sandbox's worlds live in its private tmpfs /tmp; else the default temp directory."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-trace", type=Path, help="count the work in a GIT_TRACE2 log")
    parser.add_argument("--clients-from-strace", type=Path,
                        help="count the clients in an strace log of the same run")
    parser.add_argument("--git-only", action="store_true", help="leave the clients out")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    work = workload_from_trace(args.from_trace) if args.from_trace else Workload()
    clients = Clients() if args.git_only else (
        clients_from_strace(args.clients_from_strace) if args.clients_from_strace
        else PAGE_CLIENTS)
    times: list[float] = []
    processes = client_processes = 0
    for _ in range(max(args.repeat, 1)):
        with tempfile.TemporaryDirectory(prefix="bench-floor-", dir=scratch_parent()) as scratch:
            start = time.perf_counter()
            processes = run(work, Path(scratch))
            client_processes = run_clients(clients, Path(scratch))
            times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    if args.json:
        print(json.dumps({"seconds": median, "runs": times, "git_processes": processes,
                          "client_processes": client_processes, "workload": asdict(work),
                          "clients": asdict(clients)}))
    else:
        print(f"floor: {median:.2f} s (median of {len(times)}), {processes} git processes, "
              f"{client_processes} client processes; workload {asdict(work)}; "
              f"clients {asdict(clients)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
