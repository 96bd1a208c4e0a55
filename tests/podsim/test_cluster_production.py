"""The cluster as production's behaves, against real git (docs/reference/sources.md#kubernetes):
Secret refresh delay, memory-pressure eviction, V8 heap abort, node-monitor grace,
RollingUpdate, liveness timeouts, tini and node as processes."""

import json
import subprocess
from pathlib import Path

import pytest

from podsim.errors import WorldError
from podsim.manifest import copy_with_strategy, load_manifest
from podsim.seam import NoSuchProcess
from podsim.world import DEFAULT_DEPLOY_DIR, World

KEY_PATH = "/etc/cfp-data-deploy-key/id_ed25519"


def mark_local_commit(world: World) -> None:
    """A local-only ref in the current pod's clone, standing for unpushed work."""
    subprocess.run(["git", "update-ref", "refs/heads/local-only", "HEAD"],
                   cwd=world.data_dir(), check=True, env=world.pod_git_env())


def has_marker(world: World) -> bool:
    refs = subprocess.run(["git", "for-each-ref", "--format=%(refname)"], cwd=world.data_dir(),
                          capture_output=True, text=True, check=True, env=world.pod_git_env())
    return "refs/heads/local-only" in refs.stdout.split()


def mounted_key(world: World) -> str:
    return world.mounts(world.pod()).host_path(KEY_PATH).read_text().strip()


def push_results(world: World, since: float) -> list[tuple[float, str]]:
    """(time, accept|reject) of every push origin answered since `since`."""
    return [(e.t, e.kind.split(".")[1]) for e in world.trace.entries
            if e.kind in ("origin.accept", "origin.reject") and e.t >= since]


# -- Secret refresh -------------------------------------------------------------------------
def test_a_rotated_key_reaches_the_running_pod_a_minute_later(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.origin.revoke_deploy_key()
    write = world.write()
    world.advance(16)  # five refused attempts; the daemon backs off 16 s
    world.origin.rotate_deploy_key()
    rotated_at = world.now
    assert mounted_key(world) == "podsim-deploy-key-1" != world.origin.deploy_key()
    world.advance(59)
    # Retries in the first minute still present the old key: git's push fails for real.
    early = push_results(world, rotated_at)
    assert early and {result for _, result in early} == {"reject"}
    assert world.fates()[write] == "pod-only"
    world.advance(1)  # the kubelet's next sync, 60 s after the change
    (refresh,) = world.trace.of_kind("secret.refreshed")
    assert refresh.t == rotated_at + 60
    assert mounted_key(world) == "podsim-deploy-key-2"
    world.advance(200)  # the next retry uses the new key
    (accepted,) = [t for t, result in push_results(world, rotated_at) if result == "accept"]
    assert accepted > refresh.t
    assert world.fates()[write] == "origin"
    assert world.pod().container.restart_count == 0


def test_the_refresh_delay_is_a_setting_saved_with_the_world(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w", secret_refresh_s=5)
    world.origin.revoke_deploy_key()
    write = world.write()
    world.advance(16)
    world.origin.rotate_deploy_key()
    world.advance(22)  # refreshed 5 s after the rotation; the retry 36 s in gets through
    assert World.open(tmp_path / "w").state.settings.secret_refresh_s == 5
    assert world.fates()[write] == "origin"
    with pytest.raises(WorldError, match="secret_refresh_s must be >= 0"):
        World.create(tmp_path / "bad", secret_refresh_s=-1)


def test_a_container_start_mounts_the_secret_as_it_is_now(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.origin.rotate_deploy_key()
    world.advance(1)
    assert mounted_key(world) == "podsim-deploy-key-1"
    world.crash()  # the restart's pod sync mounts the Secret again
    assert mounted_key(world) == "podsim-deploy-key-2"


# -- memory ---------------------------------------------------------------------------------
def test_memory_pressure_evicts_the_pod_and_its_volume(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    mark_local_commit(world)
    evicted = world.pod().name
    world.evict_for_memory(working_set="600Mi", available="90Mi")
    (failed,) = [p for p in world.pods() if p.name == evicted]
    assert (failed.phase, failed.reason) == ("Failed", "Evicted")
    assert failed.message == (
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi. "
        "Container codeforphilly was using 600Mi, request is 512Mi, has larger consumption "
        "of memory. ")
    assert world.pod().name != evicted and not has_marker(world)  # a fresh clone


def test_memory_pressure_eviction_needs_a_pod_over_its_request(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    with pytest.raises(WorldError, match="within the 512Mi request"):
        world.evict_for_memory(working_set="400Mi")
    with pytest.raises(WorldError, match="not a memory quantity"):
        world.evict_for_memory(working_set="lots")


def test_heap_abort_is_a_crash_not_an_oom_kill(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    mark_local_commit(world)
    pod = world.pod().name
    world.heap_abort()
    container = world.pod().container
    assert world.pod().name == pod and container.restart_count == 1 and has_marker(world)
    assert container.last_terminated is not None
    assert (container.last_terminated.reason, container.last_terminated.exit_code) == (
        "Error", 134)
    assert container.previous_logs[-1] == (
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory")


# -- nodes ----------------------------------------------------------------------------------
# The world starts served 35 s in; the node fails then: grace, then 300 s of toleration.
@pytest.mark.parametrize(("grace", "replaced_at"), [(None, 375.0), (50.0, 385.0)])
def test_node_monitor_grace_is_a_cluster_setting(tmp_path: Path, grace: float | None,
                                                 replaced_at: float) -> None:
    world = World.create(tmp_path / "w", node_monitor_grace_s=grace)
    assert World.open(tmp_path / "w").state.settings.node_monitor_grace_s == (grace or 40.0)
    failed = world.pod().name
    world.fail_node()
    world.run_until(lambda w: any(p.name != failed for p in w.pods()))
    assert world.now == replaced_at


# -- RollingUpdate --------------------------------------------------------------------------
def test_rolling_update_surges_one_pod_and_removes_the_old_one_once_the_new_is_ready(
    tmp_path: Path,
) -> None:
    deploy = copy_with_strategy(DEFAULT_DEPLOY_DIR, tmp_path / "deploy", "RollingUpdate")
    manifest = load_manifest(deploy)
    assert (manifest.strategy, manifest.max_surge, manifest.max_unavailable) == (
        "RollingUpdate", 1, 0)
    world = World.create(tmp_path / "w", deploy_dir=deploy)
    world.advance(20)
    old = world.pod().name
    world.rollout_restart()
    (new,) = [p.name for p in world.pods() if p.name != old]
    both = [p for p in world.pods() if not p.terminating]
    assert {p.name for p in both} == {old, new}
    assert all(p.container.state == "running" for p in both)
    assert world.serving_pod().name == old  # the new pod is not ready yet
    old_data, new_data = world.data_dir(world.pod(old)), world.data_dir(world.pod(new))
    assert old_data != new_data and (old_data / "objects").is_dir()  # two clones, two writers
    world.run_until(lambda w: w.pod(new).container.process.get("phase") == "listening")
    assert not world.pod(old).terminating  # listening is not ready yet
    ready_at = world.pod(new).container.ready_at
    assert ready_at is not None and ready_at > world.now
    assert ready_at == world.pod(new).container.started_at + 35  # probes at 10 s + 5 s steps
    world.advance(ready_at - world.now - 0.1)
    assert not world.pod(old).terminating
    world.advance(0.1)  # ready at the first readiness probe after it listens
    assert world.serving_pod().name == new
    assert old not in [p.name for p in world.pods()] and not old_data.exists()


def test_rolling_update_bounds_come_from_the_manifest(tmp_path: Path) -> None:
    deploy = copy_with_strategy(DEFAULT_DEPLOY_DIR, tmp_path / "deploy", "RollingUpdate")
    path = deploy / "kustomize" / "base" / "deployment.yaml"
    text = path.read_text().replace(
        "type: RollingUpdate",
        "type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0")
    path.write_text(text)
    with pytest.raises(WorldError, match="maxSurge and maxUnavailable cannot both be 0"):
        load_manifest(deploy)


# -- liveness timeouts ----------------------------------------------------------------------
def test_a_probe_answered_after_its_timeout_fails(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")  # served 35 s after the container started
    world.advance(5)
    world.respond_slowly(6)  # liveness timeoutSeconds is 5
    write = world.write()
    world.advance(2)
    assert world.fates()[write] == "origin"  # slow, not hung: its timers still run
    world.advance(82)  # probes at 60, 90 and 120 s each fail 5 s after they start
    assert world.pod().container.restart_count == 0
    world.advance(1)
    assert world.pod().container.restart_count == 1
    assert world.trace.of_kind("probe.liveness-failed")[0].t == 125


def test_a_probe_answered_within_its_timeout_passes(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.respond_slowly(5)
    world.advance(600)
    assert world.pod().container.restart_count == 0
    world.respond_slowly(30)
    world.respond_slowly(0)  # answering quickly again resets the failures
    world.advance(600)
    assert world.pod().container.restart_count == 0


# -- processes ------------------------------------------------------------------------------
def test_log_lines_carry_nodes_pid_not_tinis(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.write()
    lines = [json.loads(line) for line in world.pod().container.logs if line.startswith("{")]
    assert lines and {line["pid"] for line in lines} == {7}


def test_sigterm_to_pid_1_restarts_the_container_in_the_same_pod(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    mark_local_commit(world)
    pod = world.pod().name
    world.signal(1, "TERM")  # tini forwards it; node has no handler and dies of it
    container = world.pod().container
    assert world.pod().name == pod and container.restart_count == 1 and has_marker(world)
    assert container.last_terminated is not None
    assert container.last_terminated.exit_code == 143


def test_sigkill_reaches_node_but_not_tini(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.signal(1, "KILL")  # init of the PID namespace: dropped by the kernel
    assert world.pod().container.restart_count == 0
    world.signal(7, 9)
    container = world.pod().container
    assert container.restart_count == 1 and container.last_terminated is not None
    assert container.last_terminated.exit_code == 137


def test_signals_need_a_process_and_a_known_signal(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    with pytest.raises(NoSuchProcess, match="no process with pid 42"):
        world.signal(42)
    with pytest.raises(ValueError, match="signal 'USR1' is not simulated"):
        world.signal(1, "USR1")


def test_a_switched_strategy_is_seen_by_every_handle_and_rolls_nothing(tmp_path: Path) -> None:
    first = World.create(tmp_path / "w")
    second = World.open(first.root)
    pod = first.pod().name
    second.switch_strategy("RollingUpdate")
    assert first.manifest.strategy == "RollingUpdate"
    assert World.open(first.root).manifest.strategy == "RollingUpdate"
    assert [p.name for p in first.pods()] == [pod]  # the strategy is not in the template
    assert (DEFAULT_DEPLOY_DIR / "kustomize" / "base" / "deployment.yaml").read_text().count(
        "type: Recreate") == 1  # the project's manifest is untouched


def test_a_hung_process_stays_hung_whatever_its_response_time(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.hang()
    world.respond_slowly(0)  # a hung event loop answers nothing, fast or slow
    world.advance(125)
    assert world.pod().container.restart_count == 1
