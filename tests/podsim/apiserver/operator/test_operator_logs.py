"""`kubectl logs` (current, previous, tail, -f, -l, a deployment) and `describe pod` /
`get events` against container restarts."""

from apiserver_rig import NS, Kubectl

from podsim.world import World

REF = "spec.containers{codeforphilly}: "
IMAGE = "ghcr.io/codeforphilly/codeforphilly-ng:sandbox"
SELECTOR = "app.kubernetes.io/name=codeforphilly"


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


def test_follow_ends_with_the_simulated_stream(world: World, k: Kubectl) -> None:
    world.advance(30)
    followed = k("logs", "-f", world.pod().name)
    assert (followed.code, followed.err) == (0, "")
    assert followed.out == k("logs", world.pod().name).out
    assert k("logs", "--follow", "--tail=1", world.pod().name).out == followed.out.splitlines(
        True)[-1]


def test_logs_by_label_selector_read_every_matching_pod(world: World, k: Kubectl) -> None:
    world.advance(30)
    by_label = k("logs", "-l", SELECTOR)
    assert (by_label.code, by_label.out) == (0, k("logs", world.pod().name).out)
    prefixed = k("logs", "-l", SELECTOR, "--prefix", "--tail=1").out
    assert prefixed.startswith(f"[pod/{world.pod().name}/codeforphilly] ")
    nobody = k("logs", "-l", "app=nobody")
    assert (nobody.code, nobody.out, nobody.err) == (
        0, "", f"No resources found in {NS} namespace.\n")


def test_logs_errors_use_kubectls_wording(world: World, k: Kubectl) -> None:
    name = world.pod().name
    wrong = k("logs", name, "-c", "api")
    assert (wrong.code, wrong.err) == (
        1, f"error: container api is not valid for pod {name} out of: codeforphilly\n")
    missing = k("logs", "nope")
    assert missing.err == ('error: error from server (NotFound): pods "nope" not found in '
                           f'namespace "{NS}"\n')
    assert k("logs", name, "--tail=-2").code == 1


def test_describe_shows_the_oom_kill_and_the_emptydir(world: World, k: Kubectl) -> None:
    world.advance(60 - world.now)  # killed at virtual second 60 (12:01:00)
    world.oom_kill()
    pod = world.pod()
    lines = k("describe", "pod", pod.name).out.splitlines()
    for expected in (
        f"Name:             {pod.name}",
        f"Namespace:        {NS}",
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
        "    Ready:          False",  # readiness waits 10 s after the restart
    ):
        assert expected in lines, expected
    assert lines.index("Containers:") < lines.index("Volumes:") < lines.index("Events:")
    assert lines[-1].endswith(f"{REF}Started container codeforphilly")
    assert "0s (x2 over 60s)" in lines[-1]


def test_describe_shows_a_crash_loop_with_ages_in_virtual_time(world: World, k: Kubectl) -> None:
    world.advance(30)  # the pod has served since virtual second 35; it crashes at 65
    for _ in range(3):
        world.crash()
        world.run_until(lambda w: w.pod().container.state == "running")
    world.advance(15)
    pod = world.pod()
    text = k("describe", "pod", pod.name).out
    kubelet = f"kubelet            {REF}"
    assert text[text.index("Events:"):].splitlines() == [
        "Events:",
        "  Type     Reason     Age                 From               Message",
        "  ----     ------     ----                ----               -------",
        "  Normal   Scheduled  110s                default-scheduler  "
        f"Successfully assigned {NS}/{pod.name} to {pod.node}",
        f"  Warning  BackOff    35s (x2 over 45s)   {kubelet}Back-off restarting failed container "
        f"codeforphilly in pod {pod.name}_{NS}({pod.uid})",
        f'  Normal   Pulling    15s (x4 over 110s)  {kubelet}Pulling image "{IMAGE}"',
        f'  Normal   Pulled     15s (x4 over 110s)  {kubelet}Successfully pulled image "{IMAGE}" '
        "in 1.843s (1.843s including waiting). Image size: 187342516 bytes.",
        f"  Normal   Created    15s (x4 over 110s)  {kubelet}Created container: codeforphilly",
        f"  Normal   Started    15s (x4 over 110s)  {kubelet}Started container codeforphilly",
    ]


def test_get_events_lists_the_same_events_in_virtual_time(world: World, k: Kubectl) -> None:
    world.advance(30)
    world.crash()
    world.run_until(lambda w: w.pod().container.state == "running")
    pod = world.pod()
    table = k("get", "events").out.splitlines()
    assert table[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rows = [line.split(None, 4) for line in table]
    reasons = [(row[0], row[2]) for row in rows[1:]]
    assert reasons[0][1] == "Scheduled" and ("Started" in {r for _, r in reasons})
    assert all(row[3].startswith(f"pod/{pod.name}") for row in rows[1:])
    by_field = k("get", "events", "--field-selector", "reason=Scheduled", "-o",
                 "jsonpath={.items[*].involvedObject.name}")
    assert (by_field.code, by_field.out) == (0, pod.name)
    wide = k("get", "events", "-A", "--no-headers").out.splitlines()
    assert len(wide) == len(rows) - 1 and wide[0].startswith(NS)


def test_describe_missing_pod(k: Kubectl) -> None:
    result = k("describe", "pod", "nope")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): pods "nope" not found\n'
