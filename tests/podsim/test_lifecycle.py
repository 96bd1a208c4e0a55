"""Pod, container and emptyDir lifecycle against real git (docs/reference/sources.md#kubernetes)."""

import itertools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from podsim.api.process import ApiProcess
from podsim.seam import ContainerContext, Exit
from podsim.world import DEFAULT_DEPLOY_DIR, World


def mark_local_commit(world: World) -> Path:
    """Leave a local-only ref in the serving pod's bare clone, standing for unpushed work."""
    data = world.data_dir()
    subprocess.run(
        ["git", "update-ref", "refs/heads/local-only", "HEAD"],
        cwd=data,
        check=True,
        env=world.pod_git_env(),
    )
    return data


def has_marker(world: World) -> bool:
    refs = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname)"],
        cwd=world.data_dir(),
        capture_output=True,
        text=True,
        check=True,
        env=world.pod_git_env(),
    )
    return "refs/heads/local-only" in refs.stdout.split()


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World.create(tmp_path / "world")


def test_fresh_pod_holds_a_bare_clone_on_an_emptydir(world: World) -> None:
    pod = world.pod()
    assert pod.phase == "Running" and pod.container.state == "running"
    assert world.manifest.volume("data").kind == "emptyDir"
    data = world.data_dir()
    assert (data / "objects").is_dir() and not (data / ".git").exists()
    head = subprocess.run(
        ["git", "symbolic-ref", "HEAD"],
        cwd=data,
        capture_output=True,
        text=True,
        check=True,
        env=world.pod_git_env(),
    )
    assert head.stdout.strip() == "refs/heads/published"


def test_oom_kill_restarts_the_container_in_the_same_pod_and_keeps_the_volume(world: World) -> None:
    before = world.pod()
    data = mark_local_commit(world)
    world.oom_kill()
    after = world.pod()
    assert after.name == before.name
    assert after.container.restart_count == 1
    assert after.container.last_terminated is not None
    assert after.container.last_terminated.reason == "OOMKilled"
    assert after.container.last_terminated.exit_code == 137
    assert any("Server listening" in line for line in after.container.previous_logs)
    assert world.data_dir() == data and has_marker(world)


def test_liveness_failure_restarts_after_three_failed_probes(world: World) -> None:
    world.advance(5)  # the world starts served 35 s after the container started
    data = mark_local_commit(world)
    world.hang()
    # Probes at 60, 90 and 120 s after the start fail, each when its 5 s timeout runs out;
    # the third failure (at 125 s) restarts it.
    world.advance(84)
    assert world.pod().container.restart_count == 0
    world.advance(1)
    pod = world.pod()
    assert pod.container.restart_count == 1
    assert pod.container.last_terminated is not None
    assert pod.container.last_terminated.exit_code == 143
    assert world.trace.of_kind("probe.liveness-failed")[0].t == 125
    assert world.data_dir() == data and has_marker(world)


def test_a_hung_process_with_a_sigterm_handler_is_killed_at_the_end_of_the_grace(
    tmp_path: Path,
) -> None:
    """Its listener is JavaScript on the stuck event loop, so SIGTERM changes nothing: the
    kubelet's SIGKILL ends it once the grace period is over (found by `podsim explore`:
    a push left in flight by the hang made the model schedule the exit in the past)."""
    world = World.create(tmp_path / "w", sigterm_handler=True)
    world.origin.set_network(False)
    world.write()  # its push is running when the process hangs
    world.hang()
    world.advance(200)
    sigterm = world.trace.of_kind("signal.sigterm")[0].t
    exit_ = world.trace.of_kind("container.exit")[0]
    assert exit_.t == sigterm + world.manifest.grace_s
    assert (exit_.data["reason"], exit_.data["exit_code"]) == ("Error", 137)
    assert world.pod().container.restart_count == 1


@pytest.mark.parametrize("fault", ["delete", "rollout", "evict", "force-delete"])
def test_pod_replacement_wipes_the_emptydir(world: World, fault: str) -> None:
    old = world.pod()
    old_data = mark_local_commit(world)
    boot_events = len(world.trace.entries)
    {
        "delete": lambda: world.delete_pod(),
        "force-delete": lambda: world.delete_pod(grace_s=0, force=True),
        "rollout": world.rollout_restart,
        "evict": lambda: world.evict(),
    }[fault]()
    new = world.pod()
    assert new.name != old.name
    assert not old_data.exists()
    assert (world.data_dir() / "objects").is_dir() and not has_marker(world)
    # The old pod's emptyDir goes once its container has stopped, and only then does the
    # replacement get a volume of its own (instant exit: nothing overlaps here).
    order = [(e.kind, e.data.get("pod")) for e in world.trace.entries[boot_events:]
             if e.kind in {"container.exit", "volume.wiped", "volume.created"}]
    assert order == [
        ("container.exit", old.name),
        ("volume.wiped", old.name),
        ("volume.created", new.name),
    ]


def test_evicted_pod_stays_listed_as_failed(world: World) -> None:
    old = world.pod().name
    world.evict()
    evicted = world.pod(old)
    assert (evicted.phase, evicted.reason) == ("Failed", "Evicted")


class SlowToExit(ApiProcess):
    """A process that takes 20 s to exit after SIGTERM, to show the overlap."""

    def on_sigterm(self, ctx: ContainerContext) -> Exit:
        return Exit(20.0, 0)


def test_delete_replaces_at_once_while_the_old_pod_still_terminates(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w", process=SlowToExit())
    old = world.pod().name
    world.delete_pod()
    pods = {p.name: p for p in world.pods()}
    assert len(pods) == 2 and pods[old].terminating
    world.advance(20)
    assert old not in {p.name for p in world.pods()}


def test_recreate_rollout_waits_for_the_old_pod_to_be_gone(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w", process=SlowToExit())
    old = world.pod()
    world.rollout_restart()
    assert [p.name for p in world.pods()] == [old.name]
    world.advance(20)
    (new,) = world.pods()
    assert new.name != old.name and new.replicaset != old.replicaset


def test_node_failure_replaces_the_pod_after_grace_plus_toleration(world: World) -> None:
    old = world.pod()
    mark_local_commit(world)
    world.fail_node()
    world.advance(339)
    assert [p.name for p in world.pods()] == [old.name]
    world.advance(1)
    pods = {p.name: p for p in world.pods()}
    assert pods[old.name].terminating
    (new,) = (p for p in pods.values() if p.name != old.name)
    assert new.node != old.node and new.container.state == "running"
    # The replacement cloned afresh; the old volume is out of reach on the dead node.
    assert (world.data_dir(new) / "objects").is_dir() and not has_marker(world)


def test_crash_loop_back_off_doubles_to_the_cap(world: World) -> None:
    world.origin.set_network(False)
    world.delete_pod()  # the replacement cannot clone while origin is unreachable
    world.advance(2000)
    starts = [e.t for e in world.trace.of_kind("container.start")][1:]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps[:8] == [0, 10, 20, 40, 80, 160, 300, 300]
    assert world.pod().container.reason == "CrashLoopBackOff"


def test_back_off_resets_after_ten_minutes_of_running(world: World) -> None:
    world.crash()
    world.crash()  # second crash in a row: 10 s back-off
    world.advance(10)
    world.advance(600)
    world.crash()
    assert len(world.trace.of_kind("container.backoff")) == 1  # the third restart is immediate
    assert world.pod().container.restart_count == 3


def test_interrupted_clone_crash_loops_until_the_pod_is_replaced(world: World) -> None:
    world.origin.interrupt_next_clone(True)
    world.delete_pod()
    world.advance(60)
    pod = world.pod()
    assert pod.container.restart_count >= 2
    assert (world.data_dir(pod) / "objects").is_dir()
    # Every container of the pod skips the clone and then fails to open the store.
    assert pod.container.logs[-2] == (
        "[entrypoint] found a bare repository at /app/data; skipping clone"
    )
    fatal = json.loads(pod.container.logs[-1])
    assert (fatal["level"], fatal["msg"]) == (
        60,
        "HEAD of /app/data (refs/heads/master) does not resolve",
    )
    world.origin.interrupt_next_clone(False)
    world.delete_pod()
    assert world.pod().container.state == "running"


def pvc_deploy_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "deploy"
    shutil.copytree(DEFAULT_DEPLOY_DIR, copy)
    manifest = copy / "kustomize" / "base" / "deployment.yaml"
    doc: dict[str, Any] = yaml.safe_load(manifest.read_text())
    for volume in doc["spec"]["template"]["spec"]["volumes"]:
        if volume["name"] == "data":
            volume.pop("emptyDir")
            volume["persistentVolumeClaim"] = {"claimName": "codeforphilly-data"}
    manifest.write_text(yaml.safe_dump(doc))
    return copy


def test_with_a_pvc_the_data_survives_pod_replacement(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w", deploy_dir=pvc_deploy_dir(tmp_path))
    old = world.pod().name
    mark_local_commit(world)
    world.delete_pod()
    assert world.pod().name != old and has_marker(world)
