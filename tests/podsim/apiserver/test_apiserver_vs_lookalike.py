"""Where the look-alike (podsim-kubectl) imitates a command, it must print what the real
kubectl prints through the endpoint, for the same world: the guard for switching pages."""

from pathlib import Path

import pytest
from apiserver_rig import NS, Kubectl, Result, Run

from podsim.kubectl.config import write_kubeconfig as bind_lookalike
from podsim.kubectl.main import main as lookalike_main
from podsim.world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = World.create(tmp_path_factory.mktemp("world") / "world")
    world.advance(200)
    world.oom_kill()
    world.advance(30)
    return world


@pytest.fixture
def lookalike(world: World, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> Run:
    config = bind_lookalike(tmp_path / "lookalike-kubeconfig", world.root, NS)

    def run(*argv: str) -> Result:
        capfd.readouterr()
        code = lookalike_main(["--kubeconfig", str(config), *argv])
        captured = capfd.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.mark.parametrize("argv", [
    "get pods", "get pods -o wide", "get deploy", "get pods -o name", "get pod nope",
    "get pods -n wrong", "logs POD --tail=3", "logs POD --previous --tail=2", "logs nope",
    "get pod POD -o jsonpath={.status.containerStatuses[0].lastState.terminated.reason}",
    "top pods", "top pod nope",
])
def test_both_print_the_same(
    argv: str, world: World, kubectl: Kubectl, lookalike: Run
) -> None:
    args = argv.replace("POD", world.pod().name).split()
    assert lookalike(*args) == kubectl(*args)
