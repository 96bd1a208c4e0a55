"""`kubectl logs` and `kubectl describe pod` against container restarts."""

from kubectl_rig import NS, Kubectl

from podsim.world import World


def test_logs_current_previous_tail_and_deployment(world: World, k: Kubectl) -> None:
    name = world.pod().name
    first = k("logs", name)
    assert first.code == 0 and "Server listening" in first.out
    assert str(world.root) not in first.out  # container paths only
    none = k("logs", name, "--previous")
    assert (none.code, none.err) == (1, (
        'Error from server (BadRequest): previous terminated container "codeforphilly" in pod '
        f'"{name}" not found\n'))
    world.oom_kill()
    assert "[entrypoint] found a bare repository" in k("logs", name).out
    assert k("logs", "-p", name).out == first.out
    tail = k("logs", name, "--tail=1").out
    assert tail.count("\n") == 1 and tail == k("logs", name).out.splitlines(True)[-1]
    assert k("logs", "deploy/codeforphilly").out == k("logs", name).out


def test_logs_errors_use_kubectls_wording(world: World, k: Kubectl) -> None:
    name = world.pod().name
    wrong = k("logs", name, "-c", "api")
    assert (wrong.code, wrong.err) == (1, f"error: container api is not valid for pod {name}\n")
    missing = k("logs", "nope")
    assert missing.err == (f'error: error from server (NotFound): pods "nope" not found in '
                           f'namespace "{NS}"\n')
    assert k("logs", name, "--tail=-2").err == "error: --tail must be greater than or equal to -1\n"


def test_describe_shows_the_oom_kill_and_the_emptydir(world: World, k: Kubectl) -> None:
    world.advance(60)
    world.oom_kill()
    pod = world.pod()
    lines = k("describe", "pod", pod.name).out.splitlines()
    for expected in (
        f"Name:             {pod.name}",
        f"Namespace:        {NS}",
        f"Node:             {pod.node}/172.18.0.2",
        "Status:           Running",
        f"Controlled By:  ReplicaSet/codeforphilly-{pod.replicaset}",
        "    State:          Running",
        "      Started:      Sat, 15 Aug 2026 12:01:00 +0000",
        "    Last State:     Terminated",
        "      Reason:       OOMKilled",
        "      Exit Code:    137",
        "    Restart Count:  1",
        "      /app/data from data (rw)",
        "  data:",
        "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
        "    Medium:     ",
        "    SizeLimit:  <unset>",
        "    Ready:          False",  # readiness waits 10 s after the restart
        "  Ready                       False ",
        # The OOM kill itself makes no event; the restart repeats the start events.
        "  Normal  Scheduled  60s               default-scheduler  Successfully assigned "
        f"{NS}/{pod.name} to {pod.node}",
        "  Normal  Started    0s (x2 over 60s)  kubelet            "
        "spec.containers{codeforphilly}: Started container codeforphilly",
    ):
        assert expected in lines, expected
    assert lines.index("Containers:") < lines.index("Volumes:") < lines.index("Events:")
    assert lines[-1].startswith("  Normal  Started ")


def test_describe_missing_pod(k: Kubectl) -> None:
    result = k("describe", "pod", "nope")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): pods "nope" not found\n'
