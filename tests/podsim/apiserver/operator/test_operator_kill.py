"""`kubectl exec deploy/codeforphilly -- kill 1`: the container restarts, the pod stays."""

from apiserver_rig import Kubectl

from podsim.world import World


def test_kill_1_restarts_the_container_only(world: World, k: Kubectl) -> None:
    pod = world.pod().name
    done = k("exec", "deploy/codeforphilly", "--", "kill", "1")
    assert (done.code, done.out, done.err) == (0, "", "")
    assert world.pod().name == pod and world.pod().container.restart_count == 1
    assert world.mounts(world.pod()).host_path("/app/data").is_dir()  # the volume stays
    assert k("exec", "deploy/codeforphilly", "--", "kill", "-TERM", "1").code == 0
    container = world.pod().container
    assert container.restart_count == 1 and container.reason == "CrashLoopBackOff"
    assert container.last_terminated is not None
    assert container.last_terminated.exit_code == 143


def test_kill_spellings_and_refusals(world: World, k: Kubectl) -> None:
    name = world.pod().name
    assert k("exec", name, "--", "kill", "-s", "KILL", "1").code == 0  # init ignores it
    assert world.pod().container.restart_count == 0
    missing = k("exec", name, "--", "kill", "99")
    assert (missing.code, missing.err) == (
        1, "kill: can't kill pid 99: No such process\ncommand terminated with exit code 1\n")
    bad = k("exec", name, "--", "kill", "-FOO", "1")
    assert bad.err.startswith("kill: bad signal name 'FOO'\n")
    assert "does not run kill 'node'" in k("exec", name, "--", "kill", "node").err
    assert k("exec", name, "--", "kill", "-9", "7").code == 0
    assert world.pod().container.restart_count == 1
