"""Verbs that change the world: rollout restart/status and delete, waiting in virtual time."""

import pytest
from apiserver_rig import NS, Kubectl, padded

from podsim.apiserver import ApiServer
from podsim.scenarios import SCENARIOS
from podsim.scenarios.runner import create_world
from podsim.world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The API stops its push daemon on SIGTERM, so a pending push delays a pod's exit."""
    world = World.create(tmp_path_factory.mktemp("world") / "world", sigterm_handler=True)
    world.advance(65)
    return world


def test_rollout_restart_then_status_waits_for_the_new_pod(
    world: World, kubectl: Kubectl
) -> None:
    old = world.pod().name
    restarted = kubectl("rollout", "restart", "deploy/codeforphilly")
    assert (restarted.code, restarted.out) == (0, "deployment.apps/codeforphilly restarted\n")
    status = kubectl("rollout", "status", "deploy/codeforphilly")
    assert (status.code, status.err) == (0, "")
    assert status.out == (
        'Waiting for deployment "codeforphilly" rollout to finish: '
        "0 of 1 updated replicas are available...\n"
        'deployment "codeforphilly" successfully rolled out\n'
    )
    new = world.pod().name
    assert new != old
    head, name = padded(new)
    assert kubectl("get", "pods").out == (
        f"{head}READY   STATUS    RESTARTS   AGE\n{name}1/1     Running   0          35s\n")


def test_delete_returns_once_the_pod_is_gone_in_virtual_time(
    world: World, kubectl: Kubectl
) -> None:
    world.write()  # not yet pushed: the daemon pushes it before the process exits
    name, before = world.pod().name, world.now
    deleted = kubectl("delete", "pod", name)
    assert (deleted.code, deleted.err) == (0, "")
    assert deleted.out == f'pod "{name}" deleted from {NS} namespace\n'
    assert name not in [p.name for p in world.pods()]
    assert world.now > before
    missing = kubectl("delete", "pod", name)
    assert (missing.code, missing.err) == (
        1, f'Error from server (NotFound): pods "{name}" not found\n')


def test_a_replacement_pod_restarts_the_progress_deadline(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A rollout that never became ready times out; deleting its pod is progress again."""
    world = create_world("interrupted-clone", tmp_path_factory.mktemp("stuck") / "world")
    SCENARIOS["interrupted-clone"].setup(world)
    world.advance(700)  # past progressDeadlineSeconds (600) since the pod was created
    with ApiServer(world.root) as server:
        kubectl = Kubectl(server, tmp_path_factory.mktemp("home"))
        timed_out = kubectl("rollout", "status", "deploy/codeforphilly")
        assert (timed_out.code, timed_out.err) == (
            1, 'error: deployment "codeforphilly" exceeded its progress deadline\n')
        assert kubectl("delete", "pod", world.pod().name).code == 0
        status = kubectl("rollout", "status", "deploy/codeforphilly")
        assert (status.code, status.out.splitlines()[-1]) == (
            0, 'deployment "codeforphilly" successfully rolled out')
