"""The one place where the runner (docproof) meets the world (podsim).

A page's front matter names its world: `world: fresh`, or a podsim scenario name, whose
setup then runs before the page's first block. Python blocks see that world as `world`;
shell blocks get `kubectl` bound to it, the operator helpers on PATH, an operator key
that origin accepts, and an operator's clone of the data repository as the working dir.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from docproof import PageWorld, Sandbox
from podsim.kubectl.config import write_kubeconfig
from podsim.origin import ORIGIN_URL
from podsim.scenarios import SCENARIOS, UnknownScenario
from podsim.scenarios.runner import create_world
from podsim.world import World

REPO = Path(__file__).resolve().parent
KUBECONFIG = ".kube/cfp-sandbox-cluster-kubeconfig.yaml"  # the helper script's default
OPERATOR_KEY = "podsim-operator-key"


_ISOLATED = ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "KUBECONFIG")
_HOME = pytest.StashKey[tuple[Path, dict[str, str | None]]]()


def pytest_configure(config: pytest.Config) -> None:
    """Nothing under test may read or write the real home, ~/.kube or global git config."""
    home = Path(tempfile.mkdtemp(prefix="pytest-home-"))
    config.stash[_HOME] = (home, {name: os.environ.get(name) for name in _ISOLATED})
    os.environ.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        KUBECONFIG=str(home / ".kube" / "config"),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    home, saved = config.stash[_HOME]
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(home, ignore_errors=True)


@pytest.hookimpl
def pytest_docproof_page_world(page: Path, world: str, sandbox: Sandbox) -> PageWorld:
    built = _build_world(world, sandbox.root / "world")
    kubeconfig = write_kubeconfig(sandbox.home / KUBECONFIG, built.root)
    bindir = _operator_bin(sandbox.root / "bin")
    ssh = _operator_ssh(built, sandbox.home)
    # Operator commits get the world's virtual time, so their hashes repeat run after run.
    stamp = f"@{int(built.utc().timestamp())} +0000"
    env = {"KUBECONFIG": str(kubeconfig), "GIT_SSH_COMMAND": ssh,
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    clone = sandbox.home / "codeforphilly-data"
    subprocess.run(
        ["git", "clone", "-q", ORIGIN_URL, str(clone)],
        env={**sandbox.env, **env}, check=True, capture_output=True,
    )
    return PageWorld(
        namespace={"world": built},
        env=env,
        path_prepend=[bindir, REPO / "scripts"],
        cwd=clone,
    )


def _build_world(name: str, root: Path) -> World:
    # The manifest is this checkout's, so a page always runs against the deploy/ beside it.
    if name == "fresh":
        return World.create(root, deploy_dir=REPO / "deploy")
    if name not in SCENARIOS:
        raise UnknownScenario(name)
    world = create_world(name, root, deploy_dir=REPO / "deploy")
    SCENARIOS[name].setup(world)
    return world


def _operator_bin(bindir: Path) -> Path:
    """A directory holding `kubectl`: the podsim look-alike, on this sandbox's PATH only."""
    shim = shutil.which("podsim-kubectl", path=str(Path(sys.executable).parent))
    if shim is None:
        raise FileNotFoundError("podsim-kubectl is not installed next to this Python")
    bindir.mkdir(parents=True, exist_ok=True)
    (bindir / "kubectl").symlink_to(shim)
    return bindir


def _operator_ssh(world: World, home: Path) -> str:
    key = home / ".ssh" / "id_ed25519"
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text(OPERATOR_KEY + "\n")
    world.origin.authorize_key(OPERATOR_KEY)
    return world.origin.ssh_command(key)
