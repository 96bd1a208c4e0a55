"""Fixtures: a world, a kubeconfig in a temporary HOME, and the shim run in-process."""

from pathlib import Path

import pytest
from kubectl_rig import NS, Kubectl, Result

from podsim.kubectl import write_kubeconfig
from podsim.kubectl.main import main
from podsim.world import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World.create(tmp_path / "world")


@pytest.fixture
def home(tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME with ~/.kube/config bound to the world (no namespace: kubectl's `default`)."""
    home = tmp_path / "home"
    write_kubeconfig(home / ".kube" / "config", world.root)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    return home


@pytest.fixture
def kubectl(home: Path, capfd: pytest.CaptureFixture[str]) -> Kubectl:
    """Run the shim's main() in this process; fd-level capture sees its subprocesses too."""

    def run(*argv: str) -> Result:
        capfd.readouterr()
        code = main(list(argv))
        captured = capfd.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def k(kubectl: Kubectl) -> Kubectl:
    """kubectl -n <the deployment's namespace> ..."""
    return lambda *argv: kubectl("-n", NS, *argv)
