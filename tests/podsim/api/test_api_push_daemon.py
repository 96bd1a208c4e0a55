"""The push daemon against real git in virtual time (gitsheets v1.4.1 push-daemon.ts)."""

import itertools
import json

import pytest
from apirig import BRANCH, Rig

from podsim.api import push_daemon
from podsim.api.backoff import DEFAULT_BACKOFF
from podsim.api.store import write_record
from podsim.clock import Clock


def booted(rig: Rig) -> Rig:
    rig.boot()
    rig.run(0)  # the startup backlog check on the next tick
    return rig


def events(rig: Rig, event: str) -> list[dict[str, object]]:
    return [e.data for e in rig.trace.of_kind(f"push-daemon.{event}")]


def test_a_write_is_pushed_after_the_push_duration(rig: Rig) -> None:
    booted(rig)
    commit = rig.write("jane-doe", "w-1")
    rig.run(0.4)
    assert rig.tip(rig.origin) != commit
    assert rig.status()["currentAttempt"] == 1
    rig.run(0.5)
    assert rig.tip(rig.origin) == commit
    assert rig.status() == {"running": True, "lastPushAt": "2026-08-15T12:00:00.500Z",
                            "lastError": None, "pendingCommits": 0, "currentBackoffMs": None,
                            "currentAttempt": None}
    line = json.loads(rig.logs[-1])
    assert (line["level"], line["msg"], line["commit"], line["durationMs"]) == (
        30, "pushed commit to origin", commit, 500)


def test_backoff_is_deterministic_and_caps_at_an_hour(rig: Rig) -> None:
    booted(rig)
    rig.cut_network()
    rig.write("jane-doe", "w-1")
    rig.run(20_000)
    retries = events(rig, "retry")
    assert [r["nextDelayMs"] for r in retries[:14]] == [
        1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 512000, 1024000,
        2048000, 3600000, 3600000]
    assert [r["nextDelayMs"] / 1000 for r in retries] == DEFAULT_BACKOFF.schedule(len(retries))
    starts = [e.t for e in rig.trace.of_kind("push-daemon.attempt")]
    gaps = [later - earlier - rig.settings.durations.push_s
            for earlier, later in itertools.pairwise(starts)]
    assert gaps == DEFAULT_BACKOFF.schedule(len(gaps))
    assert starts[12] - 12 * 0.5 == 4095  # cumulative wait before attempt 13
    assert all(r["reason"] == "unknown" for r in retries)


def test_status_during_a_push_and_during_backoff(rig: Rig) -> None:
    booted(rig)
    rig.cut_network()
    rig.write("jane-doe", "w-1")
    assert (rig.status()["currentAttempt"], rig.status()["currentBackoffMs"]) == (1, None)
    rig.run(0.5)
    status = rig.status()
    assert (status["currentAttempt"], status["currentBackoffMs"]) == (1, 1000)
    assert status["pendingCommits"] == 1
    assert status["lastError"]["attempt"] == 1
    assert status["lastError"]["message"].startswith(f"Command failed: git push origin {BRANCH}\n")
    rig.run(1.6)
    assert (rig.status()["currentAttempt"], rig.status()["currentBackoffMs"]) == (2, None)


def test_notifies_during_a_push_coalesce_into_one_follow_up(rig: Rig) -> None:
    booted(rig)
    first = rig.write("p-1", "w-1")
    rig.run(0.1)
    for n in range(2, 6):
        rig.write(f"p-{n}", f"w-{n}")
    assert rig.status()["pendingCommits"] == 5
    rig.run(10)
    pushes = events(rig, "push")
    assert len(pushes) == 2
    assert pushes[0]["commit"] == first
    assert rig.tip(rig.origin) == rig.tip(rig.pod)
    assert rig.status()["pendingCommits"] == 0


def test_commits_during_backoff_ride_the_next_retry(rig: Rig) -> None:
    booted(rig)
    rig.cut_network()
    rig.write("p-1", "w-1")
    rig.run(0.6)  # attempt 1 failed, sleeping 1 s
    rig.write("p-2", "w-2")
    rig.write("p-3", "w-3")
    assert len(rig.trace.of_kind("push-daemon.attempt")) == 1
    rig.restore_network()
    rig.run(2.0)  # the retry at 1.5 s ships the whole branch
    assert rig.tip(rig.origin) == rig.tip(rig.pod)
    assert len(events(rig, "push")) == 1
    rig.run(10)  # the batch covered one notification, so a no-op follow-up push chains
    assert len(events(rig, "push")) == 2
    assert rig.status()["pendingCommits"] == 0


def test_non_fast_forward_is_terminal_with_one_error_per_batch(rig: Rig) -> None:
    booted(rig)
    rig.commit_on(rig.origin, {"people/zed.toml": 'slug = "zed"\n'}, "importer merge")
    rig.write("jane-doe", "w-1")
    rig.run(100)
    errors = events(rig, "error")
    assert [(e["reason"], e["attempt"]) for e in errors] == [("non-fast-forward", 1)]
    assert "[rejected]" in str(errors[0]["err"]) and "fetch first" in str(errors[0]["err"])
    assert events(rig, "retry") == []
    status = rig.status()
    assert status["pendingCommits"] == 0 and status["currentAttempt"] is None
    assert status["lastError"]["reason"] == "non-fast-forward"
    line = json.loads(rig.logs[-1])
    assert (line["level"], line["msg"]) == (
        50, "push rejected non-fast-forward — manual reconciliation required")
    rig.write("bo", "w-2")
    rig.run(200)
    assert len(events(rig, "error")) == 2 and events(rig, "retry") == []


def test_remote_rejected_is_unknown_and_retried_until_fixed(rig: Rig) -> None:
    booted(rig)
    rig.reject_pushes()
    commit = rig.write("jane-doe", "w-1")
    rig.run(10)
    errors = events(rig, "error")
    assert len(errors) == 4 and {e["reason"] for e in errors} == {"unknown"}
    assert "[remote rejected]" in str(errors[0]["err"])
    assert len(events(rig, "retry")) == 4
    warn = json.loads(rig.logs[-2])
    assert (warn["level"], warn["msg"], warn["attempt"], warn["reason"]) == (
        40, "push attempt failed", 4, "unknown")
    rig.allow_pushes()
    rig.run(30)
    assert rig.tip(rig.origin) == commit
    status = rig.status()
    assert status["lastPushAt"] is not None
    assert status["lastError"]["attempt"] == 4  # never cleared on success


@pytest.mark.parametrize(("max_attempts", "attempts"), [(0, 1), (1, 1), (2, 2), (7, 7)])
def test_max_retries_counts_attempts(rig: Rig, max_attempts: int, attempts: int) -> None:
    rig.configure(max_attempts=max_attempts)
    booted(rig)
    rig.cut_network()
    rig.write("jane-doe", "w-1")
    rig.run(10_000)
    assert len(rig.trace.of_kind("push-daemon.attempt")) == attempts
    assert len(events(rig, "retry")) == attempts - 1
    assert len(events(rig, "error")) == attempts
    assert rig.status()["pendingCommits"] == 0  # gave up: counter advanced, commit unpushed
    assert rig.tip(rig.origin) != rig.tip(rig.pod)


def test_stop_during_backoff_makes_no_further_attempt(rig: Rig) -> None:
    booted(rig)
    rig.cut_network()
    rig.write("jane-doe", "w-1")
    rig.run(0.5)
    assert push_daemon.stop(rig.ctx()) == 30.0
    rig.restore_network()
    rig.run(5000)
    assert len(rig.trace.of_kind("push-daemon.attempt")) == 1
    assert rig.tip(rig.origin) != rig.tip(rig.pod)
    assert [e.t for e in rig.trace.of_kind("push-daemon.stopped")] == [30.5]
    assert rig.status() == {**rig.status(), "running": False, "pendingCommits": 1,
                            "currentAttempt": 1, "currentBackoffMs": 1000}  # stale values
    assert push_daemon.stop(rig.ctx()) == 0.0
    assert len(rig.trace.of_kind("push-daemon.stopped")) == 1  # idempotent


def test_stop_during_a_push_lets_it_finish_but_chains_nothing(rig: Rig) -> None:
    booted(rig)
    first = rig.write("p-1", "w-1")
    rig.run(0.1)
    rig.write("p-2", "w-2")
    rig.run(0.2)
    assert push_daemon.stop(rig.ctx()) == pytest.approx(0.3)
    rig.run(100)
    assert rig.tip(rig.origin) == first
    assert [e.t for e in rig.trace.of_kind("push-daemon.stopped")] == [0.5]
    assert rig.status()["pendingCommits"] == 1
    assert rig.write("p-3", "w-3") is not None
    assert rig.status()["pendingCommits"] == 1  # a stopped daemon ignores notifications


def test_stop_during_a_failing_push_waits_out_the_next_sleep(rig: Rig) -> None:
    booted(rig)
    rig.cut_network()
    rig.write("p-1", "w-1")
    rig.run(0.2)
    push_daemon.stop(rig.ctx())
    rig.run(0.6)  # the running push fails at 0.5 s; its 1 s sleep is not cancelled
    rig.restore_network()
    rig.run(100)
    assert len(rig.trace.of_kind("push-daemon.attempt")) == 1
    assert [e.t for e in rig.trace.of_kind("push-daemon.stopped")] == [1.5]


def test_a_push_killed_mid_flight_never_reaches_origin(rig: Rig) -> None:
    booted(rig)
    rig.write("jane-doe", "w-1")
    rig.run(0.3)
    rig.alive = False
    rig.run(10)
    assert rig.tip(rig.origin) != rig.tip(rig.pod)


def test_startup_backlog_is_silent_without_a_tracking_ref(rig: Rig) -> None:
    ctx = rig.ctx()
    rig.state["phase"] = "listening"
    write_record(ctx, "people", {"slug": "jane"}, "w-1", "jane")  # local-only commit
    push_daemon.start(ctx, "origin", BRANCH)
    rig.run(100)
    assert rig.tip(rig.pod, f"refs/remotes/origin/{BRANCH}") == ""  # fetch set only FETCH_HEAD
    assert (rig.pod / "FETCH_HEAD").exists()
    assert rig.trace.of_kind("push-daemon.attempt") == []
    assert rig.status()["pendingCommits"] == 0
    assert rig.tip(rig.origin) != rig.tip(rig.pod)


def test_startup_backlog_pushes_again_after_pushed_ahead(rig: Rig) -> None:
    local = rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "local write")
    stale = rig.tip(rig.origin)
    rig.boot()  # reconcile: pushed-ahead, origin now has `local`
    assert rig.tip(rig.origin) == local
    assert rig.tip(rig.pod, f"refs/remotes/origin/{BRANCH}") == stale
    rig.run(10)
    pushes = events(rig, "push")
    assert len(pushes) == 1 and pushes[0]["commit"] == local  # redundant, "up-to-date"
    assert rig.tip(rig.pod, f"refs/remotes/origin/{BRANCH}") == stale  # still stale
    assert rig.trace.of_kind("push-daemon.backlog")[0].data["ahead"] == 1


def test_startup_fetch_failure_is_attempt_zero_then_backlog_retries(rig: Rig) -> None:
    rig.boot()  # in-sync: the tracking ref now exists
    rig.run(0)
    rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "local write")
    rig.state.clear()
    rig.cut_network()
    rig.boot()  # a restarted container: fetch-failed, daemon counts against the stale ref
    rig.run(2)
    errors = events(rig, "error")
    assert (errors[0]["commit"], errors[0]["attempt"]) == (None, 0)
    assert rig.status()["pendingCommits"] == 1
    assert len(events(rig, "retry")) >= 1


def test_state_survives_a_json_round_trip_mid_backoff(rig: Rig) -> None:
    booted(rig)
    rig.cut_network()
    rig.write("jane-doe", "w-1")
    rig.run(3)  # attempt 2 failed at 2.0 s; sleeping 2 s
    saved_state, saved_clock = json.dumps(rig.state), json.dumps(rig.clock.to_dict())
    rig.state.clear()
    rig.state.update(json.loads(saved_state))
    rig.clock = Clock.from_dict(json.loads(saved_clock))
    rig.restore_network()
    rig.run(10)
    assert [e.t for e in rig.trace.of_kind("push-daemon.attempt")] == [0.0, 1.5, 4.0]
    assert rig.tip(rig.origin) == rig.tip(rig.pod)
