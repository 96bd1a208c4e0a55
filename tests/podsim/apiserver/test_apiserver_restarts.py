"""After an OOM kill: RESTARTS with its age, previous logs, and changes seen at once."""

import json
from pathlib import Path

import pytest
from apiserver_rig import Kubectl, padded

from podsim.apiserver import ApiServer
from podsim.world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Killed for memory at virtual second 200, looked at 30 s later."""
    world = World.create(tmp_path_factory.mktemp("world") / "world")
    world.advance(200 - world.now)
    world.oom_kill()
    world.advance(30)
    return world


def test_restarts_show_when_the_last_one_was(world: World, kubectl: Kubectl) -> None:
    head, name = padded(world.pod().name)
    assert kubectl("get", "pods").out == (
        f"{head}READY   STATUS    RESTARTS      AGE\n"
        f"{name}1/1     Running   1 (30s ago)   3m50s\n"
    )
    status = json.loads(kubectl("get", "pod", world.pod().name, "-o", "json").out)["status"]
    last = status["containerStatuses"][0]["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)


def test_logs_serve_the_current_and_the_previous_instance(
    world: World, kubectl: Kubectl
) -> None:
    pod = world.pod()
    current, previous = pod.container.logs, pod.container.previous_logs
    assert previous and current
    assert kubectl("logs", pod.name).out == "".join(f"{line}\n" for line in current)
    assert kubectl("logs", pod.name, "--previous").out == "".join(f"{x}\n" for x in previous)
    tail = kubectl("logs", "deploy/codeforphilly", "-c", "codeforphilly", "--tail=1")
    assert (tail.code, tail.out) == (0, f"{current[-1]}\n")


def test_events_age_in_virtual_time_in_get_and_in_describe(
    world: World, kubectl: Kubectl
) -> None:
    name, ns = world.pod().name, world.manifest.namespace
    image = world.manifest.image
    assert kubectl("get", "events", "--no-headers").out.splitlines()[:2] == [
        f"3m50s   Normal   Scheduled   pod/{name}   "
        f"Successfully assigned {ns}/{name} to sandbox-worker-1",
        f'30s     Normal   Pulling     pod/{name}   Pulling image "{image}"',
    ]
    described = kubectl("describe", "pod", name).out
    events = described[described.index("\nEvents:\n"):].splitlines()
    assert events[4:6] == [
        f"  Normal  Scheduled  3m50s                default-scheduler  "
        f"Successfully assigned {ns}/{name} to sandbox-worker-1",
        "  Normal  Pulling    30s (x2 over 3m50s)  kubelet            "
        f'spec.containers{{codeforphilly}}: Pulling image "{image}"',
    ]


def test_changes_saved_by_another_process_are_served_at_once(
    world: World, kubectl: Kubectl
) -> None:
    World.open(world.root).advance(60)
    row = kubectl("get", "pods", "--no-headers").out.split()
    assert row[3:] == ["1", "(90s", "ago)", "4m50s"]


def test_a_missing_world_is_one_clear_status(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with ApiServer(tmp_path / "gone") as server:
        result = Kubectl(server, tmp_path / "home")("get", "pods")
    assert result.code == 1
    assert result.err == (
        "Error from server (ServiceUnavailable): podsim world unavailable: "
        f"{tmp_path / 'gone' / 'world.json'}: no world here (state file missing)\n"
    )
