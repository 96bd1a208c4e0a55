"""The operator's path: `git fetch pod` through scripts/git-pod-uploadpack.sh and the shim.

Runs for real: bash, the console script linked as `kubectl` on a sandbox PATH, git's ext::
transport, and `git upload-pack` on the pod's emptyDir.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from podsim.gitenv import git_env
from podsim.kubectl import write_kubeconfig
from podsim.world import World

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "git-pod-uploadpack.sh"
IDENTITY = {"GIT_AUTHOR_NAME": "Pod Writer", "GIT_AUTHOR_EMAIL": "pod@example.org",
            "GIT_COMMITTER_NAME": "Pod Writer", "GIT_COMMITTER_EMAIL": "pod@example.org"}


def console_script() -> str:
    found = shutil.which("podsim-kubectl") or str(Path(sys.executable).parent / "podsim-kubectl")
    if not Path(found).is_file():
        pytest.fail("podsim-kubectl is not installed: pip install -e . first")
    return found


@pytest.fixture
def operator_env(tmp_path: Path, world: World) -> dict[str, str]:
    """A clean operator environment: own HOME and git config, `kubectl` = the shim."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").symlink_to(console_script())
    home = tmp_path / "operator-home"
    write_kubeconfig(home / ".kube" / "cfp-sandbox-cluster-kubeconfig.yaml", world.root)
    return git_env(home, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TZ="UTC")


def commit_on_pod(world: World, message: str) -> str:
    """A commit only the pod's bare clone has, standing for an unpushed write."""
    env = {**world.pod_git_env(), **IDENTITY}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=world.data_dir(), env=env, text=True,
                              capture_output=True, check=True).stdout.strip()

    tree = git("rev-parse", "published^{tree}")
    commit = git("commit-tree", tree, "-p", "published", "-m", message)
    git("update-ref", "refs/heads/published", commit)
    return commit


def test_fetch_pod_lists_commits_origin_lacks(world: World, operator_env: dict[str, str],
                                              tmp_path: Path) -> None:
    commit_on_pod(world, "only on the pod")
    session = f"""
set -euo pipefail
git clone --quiet "{world.root}/origin.git" operator
cd operator
git remote add pod "ext::{SCRIPT}"
if git fetch pod 2>/dev/null; then echo "ext:: allowed by default?"; exit 1; fi
git -c protocol.ext.allow=always fetch --quiet pod
git log --format=%s origin/published..pod/published
git config --get protocol.ext.allow || echo "ext not allowed persistently"
"""
    result = subprocess.run(["bash", "-c", session], cwd=tmp_path, env=operator_env, text=True,
                            capture_output=True, check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "only on the pod\next not allowed persistently\n"


def test_no_running_pod_gets_the_scripts_own_message(operator_env: dict[str, str],
                                                     tmp_path: Path) -> None:
    env = {**operator_env, "CFP_POD_SELECTOR": "app.kubernetes.io/name=nobody"}
    result = subprocess.run(["bash", str(SCRIPT)], cwd=tmp_path, env=env, text=True,
                            capture_output=True, check=False)
    assert result.returncode == 1
    assert result.stderr == ("git-pod-uploadpack: no Running pod matches "
                             "'app.kubernetes.io/name=nobody' in namespace "
                             "'codeforphilly-rewrite-sandbox'\n")
