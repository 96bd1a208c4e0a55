"""delete pod, rollout restart/status and top pod: virtual time advances where kubectl waits."""

from kubectl_rig import NS, Kubectl

from podsim.world import World


def test_delete_waits_until_the_pod_is_gone(world: World, k: Kubectl) -> None:
    old = world.pod().name
    result = k("delete", "pod", old)
    assert (result.code, result.err) == (0, "")
    assert result.out == f'pod "{old}" deleted from {NS} namespace\n'
    names = [p.name for p in world.pods()]
    assert old not in names and len(names) == 1
    missing = k("delete", "pod", old)
    assert missing.code == 1
    assert missing.err == f'Error from server (NotFound): pods "{old}" not found\n'


def test_force_delete_warns_first(world: World, k: Kubectl) -> None:
    old = world.pod().name
    result = k("delete", "pod", old, "--grace-period=0", "--force")
    assert result.err.startswith("Warning: Immediate deletion does not wait for confirmation")
    assert result.out == f'pod "{old}" force deleted from {NS} namespace\n'
    assert old not in [p.name for p in world.pods()]
    both = k("delete", "pod", "x", "--force", "--grace-period=5")
    assert both.err == (
        "error: --force and --grace-period greater than 0 cannot be specified together\n")


def test_rollout_restart_then_status_until_ready(world: World, k: Kubectl) -> None:
    world.advance(30)
    old = world.pod().name
    restart = k("rollout", "restart", "deploy/codeforphilly")
    assert restart.out == "deployment.apps/codeforphilly restarted\n"
    start = world.now
    status = k("rollout", "status", "deployment/codeforphilly").out.splitlines()
    assert status[-1] == 'deployment "codeforphilly" successfully rolled out'
    waiting = 'Waiting for deployment "codeforphilly" rollout to finish: '
    assert f"{waiting}0 of 1 updated replicas are available..." in status
    new = world.pod()
    assert new.name != old and new.container.is_ready(world.now)
    assert world.now > start  # virtual time passed while "watching"
    missing = k("rollout", "status", "deploy/other")
    assert missing.err == 'Error from server (NotFound): deployments.apps "other" not found\n'


def test_top_pod_needs_metrics_then_pads_every_cell(world: World, k: Kubectl) -> None:
    assert k("top", "pod").err == "error: metrics not available yet\n"
    world.advance(150)
    lines = k("top", "pod").out.splitlines()
    assert lines[0] == "NAME" + " " * (len(world.pod().name) - 1) + "CPU(cores)   MEMORY(bytes)   "
    name, cpu, memory = lines[1].split()
    assert name == world.pod().name and cpu.endswith("m") and memory.endswith("Mi")
    assert lines[1].endswith(" " * 3)
