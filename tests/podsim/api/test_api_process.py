"""ApiProcess: boot order, boot failures, writes, SIGTERM and the hot-reload webhook."""

import json

import pytest
from apirig import BRANCH, Rig, git, ident

from podsim.api.errors import NotListening
from podsim.durations import Durations
from podsim.seam import EXIT_SIGTERM, BootFailure, Exit

BOOT_LINES = ["data store opened", "data-repo in sync with remote", "data-repo reconciled",
              "push-daemon started", "in-memory state loaded",
              "Server listening at http://0.0.0.0:3001"]


def test_boot_runs_in_production_plugin_order(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(store_open_s=1, fetch_s=2, load_s=5))
    rig.boot()
    assert rig.log_msgs() == BOOT_LINES
    assert json.loads(rig.logs[2])["outcome"] == "in-sync"
    assert rig.state["phase"] == "listening"
    assert rig.state["memory"]["records"] == 1
    assert rig.clock.now == 1 + 2 + 5  # store, reconcile's fetch, services load
    assert [step.t for step in rig.trace.of_kind("api.listening")] == [8.0]


def test_the_backlog_check_is_scheduled_before_the_in_memory_load(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(load_s=5))
    rig.process.boot(rig.container())
    rig.run(0)  # store and reconcile end at 0; the daemon starts, services load until 5
    assert rig.state["phase"] == "booting"
    assert "push-daemon.backlog" in rig.kinds("")  # setImmediate ran before the load ended
    assert "memory" not in rig.state


def test_boot_without_a_remote_skips_reconcile_and_daemon(rig: Rig) -> None:
    rig.configure(remote_url=None)
    rig.boot()
    assert rig.log_msgs() == [
        "data store opened",
        "data-repo reconciliation skipped: CFP_DATA_REMOTE unset (dev mode)",
        "push-daemon disabled: CFP_DATA_REMOTE unset (local commits stay local)",
        *BOOT_LINES[4:]]
    assert rig.process.status(rig.container()) is None
    assert rig.write("bo", "w-1") == rig.tip(rig.pod)
    assert rig.clock.pending() == []


def test_remote_without_branch_refuses_to_guess(rig: Rig) -> None:
    rig.configure(branch="")
    with pytest.raises(BootFailure, match="refusing to guess") as caught:
        rig.boot()
    assert caught.value.exit_code == 1
    assert json.loads(rig.logs[-1])["level"] == 60


def test_a_non_bare_data_dir_fails_boot(rig: Rig) -> None:
    (rig.pod / ".git").mkdir()
    with pytest.raises(BootFailure, match="must be bare"):
        rig.boot()
    assert rig.state["phase"] == "failed"
    with pytest.raises(NotListening, match="not serving"):
        rig.write("bo", "w-1")


def test_a_throwing_reconcile_fails_boot(rig: Rig) -> None:
    local = rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "local")
    tree = rig.git(rig.origin, "rev-parse", f"{BRANCH}^{{tree}}")
    orphan = git(rig.env, rig.origin, "commit-tree", tree, "-m", "rewritten", extra=ident("X"))
    rig.git(rig.origin, "update-ref", f"refs/heads/{BRANCH}", orphan)  # no common history
    with pytest.raises(BootFailure, match="merge-base") as caught:
        rig.boot()
    assert caught.value.exit_code == 1
    assert json.loads(rig.logs[-1])["level"] == 60
    assert rig.tip(rig.pod) == local
    assert "push-daemon" not in rig.state


def test_in_memory_state_is_built_from_the_pre_reconcile_tree(rig: Rig) -> None:
    old = rig.tip(rig.pod)
    remote = rig.commit_on(rig.origin, {"people/zed.toml": 'slug = "zed"\n'}, "import")
    rig.boot()
    assert json.loads(rig.logs[2])["outcome"] == "fast-forwarded"
    assert rig.tip(rig.pod) == remote
    assert rig.state["memory"]["commit"] == old  # stale until a hot reload rebuilds
    assert rig.state["memory"]["records"] == 1


def test_boot_log_levels_per_outcome(rig: Rig) -> None:
    rig.cut_network()
    rig.boot()
    line = json.loads(rig.logs[2])
    assert (line["level"], line["msg"]) == (
        40, "data-repo reconciliation: fetch failed; continuing with local state")
    rig.state.clear()
    rig.restore_network()
    rig.configure(git_version=(2, 39))
    rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "local")
    rig.commit_on(rig.origin, {"people/zed.toml": 'slug = "zed"\n'}, "import")
    rig.logs.clear()
    rig.boot()
    escape = next(json.loads(x) for x in rig.logs if "reconciliation invoked" in x)
    assert (escape["level"], escape["conflictBranch"][:10]) == (50, "conflicts/")


def test_sigterm_without_a_handler_exits_at_once(rig: Rig) -> None:
    rig.boot()
    rig.run(0)
    rig.write("bo", "w-1")
    assert rig.process.on_sigterm(rig.container()) == Exit(0.0, EXIT_SIGTERM)
    rig.alive = False  # the cluster drops the dead container's timers
    rig.run(10)
    assert rig.tip(rig.origin) != rig.tip(rig.pod)


def test_sigterm_with_the_handler_finishes_the_running_push(rig: Rig) -> None:
    rig.configure(sigterm_handler=True)
    rig.boot()
    rig.run(0)
    first = rig.write("bo", "w-1")
    rig.run(0.1)
    rig.write("cy", "w-2")
    answer = rig.process.on_sigterm(rig.container())
    assert answer.after_s == pytest.approx(0.4) and answer.code == 0
    rig.run(rig.clock.now + answer.after_s)
    assert rig.tip(rig.origin) == first  # w-2 stays local: stop() chains nothing
    assert rig.status()["running"] is False


def test_sigterm_with_the_handler_during_backoff_waits_the_stop_timeout(rig: Rig) -> None:
    rig.configure(sigterm_handler=True)
    rig.boot()
    rig.run(0)
    rig.cut_network()
    rig.write("bo", "w-1")
    rig.run(0.7)
    assert rig.process.on_sigterm(rig.container()) == Exit(30.0, 0)
    rig.restore_network()
    rig.run(40)
    assert len(rig.trace.of_kind("push-daemon.attempt")) == 1


def test_idle_sigterm_with_the_handler_exits_at_once(rig: Rig) -> None:
    rig.configure(sigterm_handler=True)
    rig.boot()
    rig.run(0)
    assert rig.process.on_sigterm(rig.container()) == Exit(0.0, 0)


def test_unknown_timer_kinds_fail_loudly(rig: Rig) -> None:
    rig.boot()
    with pytest.raises(ValueError, match="no timer of kind"):
        rig.process.handle(rig.container(), "bogus", {})


def test_hot_reload_short_circuits_on_a_known_commit(rig: Rig) -> None:
    rig.boot()
    head = rig.tip(rig.pod)
    response = rig.process.hot_reload(rig.container(), commit_hash=head[:7])
    assert response == {"status": 200, "body": {"noChanges": True, "outcome": "in-sync",
                                                "head": head, "durationMs": 0}}


def test_hot_reload_fast_forwards_and_rebuilds(rig: Rig) -> None:
    rig.boot()
    remote = rig.commit_on(rig.origin, {"people/zed.toml": 'slug = "zed"\n'}, "import")
    response = rig.process.hot_reload(rig.container(), commit_hash=remote)
    assert response["status"] == 200
    assert response["body"]["rebuilt"] is True
    assert response["body"]["outcome"] == "fast-forwarded"
    assert rig.state["memory"] == {**rig.state["memory"], "commit": remote, "records": 2}


def test_hot_reload_rebuilds_even_when_the_fetch_failed(rig: Rig) -> None:
    rig.boot()
    rig.cut_network()
    response = rig.process.hot_reload(rig.container())
    assert (response["status"], response["body"]["outcome"], response["body"]["rebuilt"]) == (
        200, "fetch-failed", True)


def test_hot_reload_push_failure_does_not_notify_the_daemon(rig: Rig) -> None:
    rig.boot()
    rig.run(0)
    rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "external commit")
    rig.reject_pushes()
    response = rig.process.hot_reload(rig.container())
    assert response["body"]["outcome"] == "pushed-ahead"
    rig.allow_pushes()
    rig.run(1000)
    assert rig.trace.of_kind("push-daemon.attempt") == []
    assert rig.status()["pendingCommits"] == 0


def test_a_boot_with_production_s_figures_listens_after_its_steps(rig: Rig) -> None:
    rig.configure(durations=Durations())
    rig.boot()
    fetch_phase = 3 * 0.01 + 1.0  # two config writes and rev-parse HEAD, then the fetch
    in_sync = 0.01  # rev-parse the fetched tip: equal, nothing to replay or push
    listening = 0.5 + fetch_phase + in_sync + 20.0  # store, reconcile, services
    assert rig.listening_at == pytest.approx(listening)
    assert [step.t for step in rig.trace.of_kind("api.listening")] == [rig.listening_at]
    assert rig.log_msgs() == BOOT_LINES


def test_the_process_tells_the_container_only_once_it_listens(rig: Rig) -> None:
    rig.configure(durations=Durations.instant(load_s=5))
    rig.process.boot(rig.container())
    rig.run(4.9)
    assert rig.listening_at is None
    with pytest.raises(NotListening, match="connection refused"):
        rig.write("bo", "w-1")
    with pytest.raises(NotListening, match="connection refused"):
        rig.process.hot_reload(rig.container())  # the webhook meets a closed port too
    rig.run(5)
    assert rig.listening_at == 5.0
    assert rig.write("bo", "w-1") == rig.tip(rig.pod)
