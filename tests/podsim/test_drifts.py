"""The drift catalogue applies: each drift changes the behaviour it names, in a world made
while `PODSIM_DRIFTS` names it, and the world keeps it when reopened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from podsim import drifts
from podsim.checks import pod_git
from podsim.scenarios.runner import run_scenario
from podsim.world import World


def _scenario(name: str) -> Callable[[Path], World]:
    return lambda root: run_scenario(name, root).world


def _fates(world: World) -> set[str]:
    return set(world.fates().values())


def _longest_retry_wait(outage_s: float) -> Callable[[Path], float]:
    # One write while origin is refused for `outage_s`: the daemon's longest wait, in s.
    def observe(root: Path) -> float:
        world = World.create(root)
        world.origin.set_network(False)
        world.write()
        world.advance(outage_s)
        retries = world.trace.of_kind("push-daemon.retry")
        return max(e.data["nextDelayMs"] for e in retries) / 1000
    return observe


def _new_pod_starts_before_old_is_removed(world: World) -> bool:
    starts = world.trace.of_kind("container.start")
    removed = world.trace.of_kind("pod.removed")
    first_pod = starts[0].data["pod"]
    new_start = next(e for e in starts if e.data["pod"] != first_pod)
    old_removed = next(e for e in removed if e.data["pod"] == first_pod)
    return bool(new_start.t < old_removed.t)


def _secret_refreshed_after_rotation(root: Path) -> bool:
    world = World.create(root)
    world.origin.rotate_deploy_key()
    world.advance(600)
    return bool(world.trace.of_kind("secret.refreshed"))


def _nff_retries(world: World) -> int:
    return sum(1 for e in world.trace.of_kind("push-daemon.retry")
               if e.data["reason"] == "non-fast-forward")


def _attempts_before_fix_and_fates_after(root: Path) -> tuple[int, set[str]]:
    # Two writes refused by a protection rule for two hours, then the rule is lifted and an
    # hour passes: how many pushes were tried while refused, and where the writes end up.
    world = run_scenario("protected-branch", root).world
    attempts = len(world.trace.of_kind("push-daemon.attempt"))
    world.origin.protect_branch(False)
    world.advance(3600)
    return attempts, _fates(world)


def _fates_after_hot_reload_once_origin_is_back(root: Path) -> set[str]:
    # Writes made while origin was unreachable; origin is back, the daemon still sleeps.
    world = World.create(root)
    world.origin.set_network(False)
    world.write()
    world.advance(600)
    world.origin.set_network(True)
    world.hot_reload()
    return _fates(world)


def _protected_branch_refusal(world: World) -> tuple[object, bool]:
    # How the daemon classified the `[remote rejected]` refusal, and whether it retried.
    status = world.daemon_status()
    assert status is not None and isinstance(status["lastError"], dict)
    return status["lastError"]["reason"], bool(world.trace.of_kind("push-daemon.retry"))


def _fate_one_second_after_a_write(root: Path) -> str:
    world = World.create(root)
    written = world.write()
    world.advance(1)
    return world.fates()[written]


def _boot_timed_out(world: World) -> bool:
    return bool(world.trace.of_kind("api.plugin-timeout"))


def _pods_400_s_after_a_node_failure(root: Path) -> int:
    world = World.create(root)
    world.fail_node()
    world.advance(400)
    return len(world.pods())


def _reconcile_outcomes(world: World) -> list[str]:
    return [str(e.data["outcome"]) for e in world.trace.of_kind("reconcile.outcome")]


# drift -> (what to observe in a world made at the given root, production's value, drifted)
OBSERVED: dict[str, tuple[Callable[[Path], Any], Any, Any]] = {
    "restart-wipes-emptydir": (lambda r: _fates(_scenario("oom-kill")(r)),
                               {"origin"}, {"origin", "lost"}),
    "volume-is-pvc": (lambda r: _fates(_scenario("pod-delete")(r)),
                      {"origin", "lost"}, {"origin"}),
    "rolling-update": (lambda r: _new_pod_starts_before_old_is_removed(
        _scenario("graceful-rollout")(r)), False, True),
    "sigterm-drains": (lambda r: _fates(_scenario("rollout-mid-push")(r)),
                       {"lost"}, {"origin"}),
    "backoff-cap-halved": (_longest_retry_wait(4 * 3600), 3600.0, 1800.0),
    "retry-every-second": (_longest_retry_wait(60), 32.0, 1.0),
    "reconcile-skips-conflict-push": (lambda r: _fates(_scenario("diverged-conflict")(r)),
                                      {"conflict-branch"}, {"pod-only"}),
    "reconcile-skips-ahead-push": (_fates_after_hot_reload_once_origin_is_back,
                                   {"origin"}, {"pod-only"}),
    "nff-retried": (lambda r: _nff_retries(_scenario("stranded-on-pod")(r)) > 0, False, True),
    "push-gives-up-after-five-attempts": (_attempts_before_fix_and_fates_after,
                                          (13, {"origin"}), (10, {"pod-only"})),
    "remote-rejected-terminal": (lambda r: _protected_branch_refusal(
        _scenario("protected-branch")(r)), ("unknown", True), ("non-fast-forward", False)),
    "git-below-2-40": (lambda r: "rebased" in _reconcile_outcomes(
        _scenario("non-fast-forward")(r)), True, False),
    "secret-mount-frozen": (_secret_refreshed_after_rotation, True, False),
    "push-takes-2s": (_fate_one_second_after_a_write, "origin", "pod-only"),
    "operator-git-allows-ext": (lambda r: drifts.operator_git_config(
        World.create(r).state.settings.drifts), [], [("protocol.ext.allow", "always")]),
    "clone-not-bare": (lambda r: pod_git(World.create(r), "rev-parse", "--is-bare-repository"),
                       "true", "false"),
    "clone-has-fetch-refspec": (lambda r: pod_git(World.create(r), "config", "--get",
                                                  "remote.origin.fetch"),
                                None, "+refs/heads/*:refs/remotes/origin/*"),
    "secret-change-rolls-out": (lambda r: len(_scenario("deploy-key-revoked")(r).trace
                                              .of_kind("rollout.restart")), 0, 1),
    "plugin-timeout-ten-minutes": (lambda r: _boot_timed_out(_scenario("boot-brownout")(r)),
                                   True, False),
    "node-monitor-grace-ten-minutes": (_pods_400_s_after_a_node_failure, 2, 1),
    "namespace-is-codeforphilly": (lambda r: World.create(r).state.deployment.namespace,
                                   "codeforphilly-rewrite-sandbox", "codeforphilly"),
    "container-named-api": (lambda r: World.create(r).manifest.container,
                            "codeforphilly", "api"),
}


def test_every_drift_of_the_catalogue_has_a_behaviour_test() -> None:
    assert set(OBSERVED) == set(drifts.DRIFTS)


def test_every_description_is_plain_text() -> None:
    # The site puts it in a title attribute of a Markdown attribute list (the claim chip).
    marked = {d.name: d.description for d in drifts.DRIFTS.values()
              if set(d.description) & set("`[]<>")}
    assert not marked


@pytest.mark.parametrize("name", list(OBSERVED))
def test_a_drift_changes_the_behaviour_it_names(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    observe, production, drifted = OBSERVED[name]
    monkeypatch.delenv(drifts.ENV, raising=False)
    assert observe(tmp_path / "production") == production
    monkeypatch.setenv(drifts.ENV, name)
    assert observe(tmp_path / "drifted") == drifted


def test_a_world_keeps_its_drifts_when_reopened(tmp_path: Path) -> None:
    World.create(tmp_path / "w", drifts=["volume-is-pvc", "sigterm-drains"])
    reopened = World.open(tmp_path / "w")
    assert reopened.state.settings.drifts == ("volume-is-pvc", "sigterm-drains")
    assert reopened.api_settings.sigterm_handler
    assert reopened.manifest.volume("data").kind == "persistentVolumeClaim"


def test_an_unknown_drift_is_refused_with_the_closest_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(drifts.ENV, "volume-is-pv")
    with pytest.raises(drifts.UnknownDrift, match="did you mean 'volume-is-pvc'"):
        World.create(tmp_path / "w")
