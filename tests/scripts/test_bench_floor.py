"""The plain-git floor: its work counted from a real GIT_TRACE2 log, and done with real git."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_floor.py"


def _floor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_floor", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_floor"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_a_traced_run_is_counted_by_kind_and_reach(tmp_path: Path) -> None:
    floor = _floor()
    trace = tmp_path / "trace2.log"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_TRACE2": str(trace), "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@x"}

    def git(*args: str, cwd: Path = tmp_path, stdin: str = "", check: bool = True) -> str:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, input=stdin, text=True,
                              capture_output=True, check=check)
        return done.stdout.strip()

    git("init", "-q", "--bare", "--initial-branch=published", "origin.git")
    git("--git-dir", "origin.git", "fast-import", "--quiet",
        stdin="commit refs/heads/published\ncommitter A <a@x> 0 +0000\ndata 1\nx\n"
              "M 100644 inline a.toml\ndata 2\na\n\n")
    git("clone", "-q", "--bare", f"file://{tmp_path}/origin.git", "pod.git")
    pod = tmp_path / "pod.git"
    tree = git("rev-parse", "published^{tree}", cwd=pod)
    commit = git("commit-tree", tree, "-p", "published", "-m", "w", cwd=pod)
    git("update-ref", "refs/heads/published", commit, cwd=pod)
    # a request write: one fast-import into the pod's repository, not into an origin.git
    git("fast-import", "--quiet", cwd=pod,
        stdin="commit refs/heads/published\ncommitter A <a@x> 0 +0000\ndata 1\nw\n"
              f"from {commit}\nM 100644 inline b.toml\ndata 2\nb\n\n")
    git("push", "-q", "origin", "published", cwd=pod)
    git("push", "-q", "file:///nonexistent.git", "published", cwd=pod, check=False)
    git("fetch", "-q", "origin", cwd=pod)
    work = floor.workload_from_trace(trace)
    assert (work.seeds, work.origin_commits, work.bare_clones, work.work_clones) == (1, 0, 1, 0)
    assert (work.commits, work.pushes, work.fetches) == (2, 2, 1)
    # file:// starts upload-pack/receive-pack from git itself, not from the ssh shim's sh:
    # so nothing counts as reaching origin here, and no command came from a page's bash.
    assert (work.pushes_reaching_origin, work.fetches_reaching_origin) == (0, 0)
    assert work.operator_commands == 0


def test_the_floor_does_its_work_with_real_git(tmp_path: Path) -> None:
    floor = _floor()
    work = floor.Workload(seeds=2, origin_commits=1, bare_clones=2, work_clones=1, fetches=3,
                          fetches_reaching_origin=2, pushes=3, pushes_reaching_origin=2,
                          commits=2, operator_commands=2)
    processes = floor.run(work, tmp_path)
    # seeds 2x2, origin commit 1, clones 3, commits 2x7, pushes 3, fetches 3, operator 2
    assert processes == 4 + 1 + 3 + 14 + 3 + 3 + 2
    origin = tmp_path / "origin-0.git"
    log = subprocess.run(["git", "--git-dir", str(origin), "log", "--format=%s", "published"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert log[0] == "write 0"  # the pushed write reached origin


@pytest.mark.skipif(shutil.which("strace") is None or shutil.which("jq") is None,
                    reason="needs strace and jq to trace a real run")
def test_clients_count_when_a_bash_session_runs_them(tmp_path: Path) -> None:
    floor = _floor()
    log = tmp_path / "strace.txt"
    # bash runs jq twice (once through a `sh -c`); Python runs it once: that one is no
    # operator's. --decode-pids=pidns as for the page run, whose pages have PID namespaces.
    script = ("import subprocess; subprocess.run(['jq', '.'], input=b'{}', check=True); "
              "subprocess.run(['bash', '-c', 'echo {} | jq . >/dev/null; "
              "sh -c \"echo {} | jq . >/dev/null\"; true'], check=True)")
    subprocess.run(["strace", "-f", "-qq", "--decode-pids=pidns", "-e", "signal=none",
                    "-e", "trace=execve,clone,clone3,vfork,fork", "-o", str(log),
                    sys.executable, "-c", script], check=True, capture_output=True)
    clients = floor.clients_from_strace(log)
    assert (clients.jq, clients.kubectl, clients.ssh_keygen) == (2, 0, 0)


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("ssh-keygen") is None,
                    reason="needs jq and ssh-keygen")
def test_the_floor_runs_each_client_as_often_as_the_pages(tmp_path: Path) -> None:
    floor = _floor()
    assert floor.run_clients(floor.Clients(jq=3, ssh_keygen=1), tmp_path) == 4
    assert (tmp_path / "key-0.pub").is_file()  # the key the page's ssh-keygen makes
