"""A pod on a node that stopped responding: the node turns NotReady once the controller
notices, and verbs that need its kubelet (logs, exec, top) fail as the apiserver reports it."""

import pytest
from apiserver_rig import NS, Kubectl

from podsim.world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = World.create(tmp_path_factory.mktemp("world") / "world")
    world.advance(65)
    world.fail_node()
    world.advance(50)  # past the node monitor grace period, before the pods are evicted
    return world


def test_the_node_is_not_ready_and_its_pod_not_ready(world: World, kubectl: Kubectl) -> None:
    pod = world.pods()[0]
    nodes = kubectl("get", "nodes", "--no-headers").out.splitlines()
    assert {line.split()[0]: line.split()[1] for line in nodes} == {
        pod.node: "NotReady",
        next(n.name for n in world.state.nodes if n.name != pod.node): "Ready"}
    assert kubectl("get", "pods", "--no-headers").out.split()[:3] == [
        pod.name, "0/1", "Running"]


def test_logs_and_exec_cannot_reach_the_kubelet(world: World, kubectl: Kubectl) -> None:
    pod = world.pods()[0]
    assert pod.node == "sandbox-worker-1"  # the first node: host IP 172.18.0.2
    logs = kubectl("logs", pod.name, "--tail=2")
    assert (logs.code, logs.out) == (1, "")
    assert logs.err == (
        'Error from server: Get "https://172.18.0.2:10250/containerLogs/'
        f'{NS}/{pod.name}/codeforphilly?tailLines=2": dial tcp 172.18.0.2:10250: i/o timeout\n')
    shell = kubectl("exec", pod.name, "--", "env")
    assert (shell.code, shell.out) == (1, "")
    assert shell.err.endswith("error dialing backend: dial tcp 172.18.0.2:10250: i/o timeout\n")


def test_top_has_no_metrics_for_a_pod_on_the_dead_node(world: World, kubectl: Kubectl) -> None:
    pod = world.pods()[0]
    result = kubectl("top", "pods")
    assert (result.code, result.out) == (1, "")
    # kubectl measures the age in this message itself, from the wall clock.
    assert result.err.startswith(f"error: Metrics not available for pod {NS}/{pod.name}, age: ")
