"""`kubectl exec` over WebSocket: a real git fetch from the pod, exit codes, refusals."""

import subprocess
from pathlib import Path

import pytest
from apiserver_rig import Kubectl

from podsim.apiserver import ApiServer, kubectl_binary
from podsim.gitenv import git_env
from podsim.world import World

HELPER = Path(__file__).resolve().parents[3] / "scripts" / "git-pod-uploadpack.sh"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One acknowledged write the push daemon has not pushed yet: only the pod has it."""
    world = World.create(tmp_path_factory.mktemp("world") / "world")
    world.advance(65)
    world.write()
    return world


def test_git_fetch_through_the_helper_gets_a_commit_only_the_pod_has(
    world: World, server: ApiServer, kubectl: Kubectl, tmp_path: Path
) -> None:
    write = world.state.writes[-1]
    assert world.fates()[write.id] == "pod-only"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "kubectl").symlink_to(kubectl_binary())
    env = git_env(tmp_path / "home", CFP_POD_KUBECONFIG=str(kubectl.config),
                  PATH=f"{bindir}:/usr/bin:/bin")
    clone = tmp_path / "clone"

    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], cwd=clone, env=env, check=True,
                              capture_output=True, text=True, timeout=60).stdout

    clone.mkdir()
    git("init", "-q")
    git("remote", "add", "pod", f"ext::{HELPER}")
    git("-c", "protocol.ext.allow=always", "fetch", "-q", "pod")
    assert git("rev-parse", "pod/published").strip() == write.commit


def test_the_helper_says_so_when_no_pod_runs(kubectl: Kubectl, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "kubectl").symlink_to(kubectl_binary())
    env = git_env(tmp_path / "home", CFP_POD_KUBECONFIG=str(kubectl.config),
                  CFP_POD_SELECTOR="app.kubernetes.io/name=nobody", PATH=f"{bindir}:/usr/bin:/bin")
    result = subprocess.run(["bash", str(HELPER)], cwd=tmp_path, env=env, text=True,
                            capture_output=True, check=False, timeout=60)
    assert (result.returncode, result.stderr) == (1, (
        "git-pod-uploadpack: no Running pod matches 'app.kubernetes.io/name=nobody' in "
        "namespace 'codeforphilly-rewrite-sandbox'\n"))


def test_a_failing_command_ends_with_kubectls_exit_code_line(
    world: World, kubectl: Kubectl
) -> None:
    result = kubectl("exec", world.pod().name, "--", "ls", "/app/data/missing")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("ls: cannot access '/app/data/missing': No such file or directory\n"
                          "command terminated with exit code 2\n")


def test_read_only_git_runs_and_writes_are_refused(world: World, kubectl: Kubectl) -> None:
    name, commit = world.pod().name, world.state.writes[-1].commit
    log = kubectl("exec", name, "--", "git", "--git-dir=/app/data", "rev-parse", "published")
    assert (log.code, log.out) == (0, f"{commit}\n")
    refused = kubectl("exec", name, "--", "git", "--git-dir=/app/data", "commit")
    assert refused.code == 1
    assert refused.err.startswith("error: unable to upgrade connection: podsim: the simulated "
                                  "container does not run `git commit`: it is not a read-only "
                                  "command")
