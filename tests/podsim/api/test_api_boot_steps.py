"""Boot in virtual time: faults at step boundaries, Fastify's pluginTimeout, a black hole."""

import json
from pathlib import Path

import pytest
from apirig import BRANCH, Rig

from podsim.api.boot_steps import PLUGIN_TIMEOUT_CODE
from podsim.durations import Durations
from podsim.seam import BootFailure


def local_commit(rig: Rig) -> str:
    return rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "local")


def blackhole(rig: Rig, tmp_path: Path) -> None:
    """Point the process's GIT_SSH_COMMAND at a world whose origin drops packets."""
    (tmp_path / "faults").mkdir()
    (tmp_path / "faults" / "blackhole").touch()
    rig.env["GIT_SSH_COMMAND"] = f"ssh -o PodsimWorld={tmp_path}"


def test_a_kill_during_the_fetch_leaves_the_repository_as_before(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(fetch_s=2, push_s=1))
    local = local_commit(rig)
    rig.process.boot(rig.container())
    rig.run(1.5)  # the store is open; reconcile's fetch is still on the wire
    rig.alive = False  # OOM kill: the process's timers die with it
    rig.run(60)
    assert rig.tip(rig.pod) == local
    assert rig.tip(rig.pod, f"refs/remotes/origin/{BRANCH}") == ""  # the fetch never landed
    assert rig.tip(rig.origin) != local


def test_a_kill_after_reconcile_s_boundary_keeps_its_push(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(fetch_s=2, push_s=1))
    local = local_commit(rig)
    rig.process.boot(rig.container())
    rig.run(2.5)  # reconcile's git work ran at 2 s; its push is charged until 3 s
    assert rig.tip(rig.origin) == local
    assert "push_daemon" not in rig.state  # the daemon plugin has not started
    assert rig.state["phase"] == "booting"


def test_a_blackholed_boot_fetch_outlives_the_plugin_timeout(rig: Rig, tmp_path: Path) -> None:
    local = local_commit(rig)
    blackhole(rig, tmp_path)
    with pytest.raises(BootFailure) as failure:
        rig.boot(limit_s=300)
    assert failure.value.exit_code == 1
    assert rig.clock.now == 30.0  # pluginTimeout, long before ssh's 127 s
    fatal = json.loads(rig.logs[-1])
    assert (fatal["level"], fatal["code"]) == (60, PLUGIN_TIMEOUT_CODE)
    assert fatal["msg"] == ("fastify-plugin: Plugin did not start in time: 'reconcile'. You "
                            "may have forgotten to call 'done' function or to resolve a Promise")
    assert rig.tip(rig.pod) == local and rig.tip(rig.origin) != local


def test_a_slow_in_memory_load_times_out_the_services_plugin(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(load_s=31))
    with pytest.raises(BootFailure, match="'services'"):
        rig.boot()
    assert rig.clock.now == 30.0


def test_a_plugin_that_finishes_in_time_leaves_no_timer_behind(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(load_s=29.9))
    rig.boot()
    assert rig.state["phase"] == "listening"
    assert [e.data["timer"] for e in rig.clock.pending()] == []
