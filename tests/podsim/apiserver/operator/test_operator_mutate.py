"""delete pod (graceful and forced) and top pod: virtual time advances where kubectl waits."""

from apiserver_rig import NS, Kubectl

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
    assert both.code == 1 and both.err.startswith("error: --force and --grace-period")


def test_top_pod_needs_metrics_then_pads_every_cell(world: World, k: Kubectl) -> None:
    world.oom_kill()  # a container that has just started has no metrics yet
    early = k("top", "pod")
    # kubectl computes that age itself, from the wall clock (a documented gap: not asserted).
    assert (early.code, early.err.split(", age: ")[0]) == (1, (
        f"error: Metrics not available for pod {NS}/{world.pod().name}"))
    world.advance(150)
    lines = k("top", "pod").out.splitlines()
    assert lines[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    name, cpu, memory = lines[1].split()
    assert name == world.pod().name and cpu.endswith("m") and memory.endswith("Mi")


def test_rollout_history_counts_the_restarts(world: World, k: Kubectl) -> None:
    history = k("rollout", "history", "deploy/codeforphilly")
    assert (history.code, history.out.split()) == (
        0, ["deployment.apps/codeforphilly", "REVISION", "CHANGE-CAUSE", "1", "<none>"])
    world.rollout_restart()
    world.advance(120)  # the old pod is gone; its ReplicaSet stays, scaled to zero
    assert len(world.pods()) == 1
    revisions = k("rollout", "history", "deploy/codeforphilly").out.split()
    assert revisions[-4:] == ["1", "<none>", "2", "<none>"]
    current = f"codeforphilly-{world.pod().replicaset}"
    counts = {line.split()[0]: line.split()[1:4]
              for line in k("get", "rs", "--no-headers").out.splitlines()}
    assert counts.pop(current) == ["1", "1", "1"]
    assert list(counts.values()) == [["0", "0", "0"]]
