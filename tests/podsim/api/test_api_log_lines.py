"""Reconcile's log lines, line by line (level, msg, keys), at boot and on the webhook.

Upstream: codeforphilly apps/api/src/store/reconcile.ts logs to the logger it is given, the
reconcile plugin adds one line per outcome at boot, the internal route one per answer
(docs/reference/sources.md#reconcile). Both paths must log reconcile's own lines.
"""

import json
from collections.abc import Callable

import pytest
from apirig import BRANCH, Rig

Line = tuple[str, str, tuple[str, ...]]
LEVELS = {30: "info", 40: "warn", 50: "error", 60: "fatal"}
COMMON = {"level", "time", "pid", "hostname", "msg"}


def lines(rig: Rig) -> list[Line]:
    parsed = [json.loads(raw) for raw in rig.logs]
    return [(LEVELS[p["level"]], p["msg"], tuple(sorted(set(p) - COMMON))) for p in parsed]


def behind(rig: Rig) -> None:
    rig.commit_on(rig.origin, {"people/zed.toml": 'slug = "zed"\n'}, "import")


def ahead(rig: Rig) -> None:
    rig.commit_on(rig.pod, {"people/bo.toml": 'slug = "bo"\n'}, "local")


def ahead_push_refused(rig: Rig) -> None:
    ahead(rig)
    rig.reject_pushes()


def diverged(rig: Rig) -> None:
    ahead(rig)
    behind(rig)


def diverged_push_refused(rig: Rig) -> None:
    diverged(rig)
    rig.reject_pushes()


def conflicting(rig: Rig) -> None:
    rig.commit_on(rig.pod, {"people/ada-chen.toml": 'slug = "ada-chen"\nx = 1\n'}, "local")
    rig.commit_on(rig.origin, {"people/ada-chen.toml": 'slug = "ada-chen"\nx = 2\n'}, "import")


def conflicting_push_refused(rig: Rig) -> None:
    conflicting(rig)
    rig.reject_pushes()


def offline(rig: Rig) -> None:
    rig.cut_network()


PUSHED = ("info", "data-repo push succeeded", ("branch", "commit"))
DIVERGED = ("info", "data-repo diverged from remote — attempting rebase",
            ("ahead", "behind", "branch", "local", "remote"))
ESCAPE = ("error", "data-repo rebase conflicted — invoking escape hatch",
          ("ahead", "behind", "branch", "err", "local", "remote"))
REBASED = ("info", "data-repo rebase clean — pushing", ("ahead", "behind", "branch", "from", "to"))

# outcome -> (setup, reconcile's own lines, the boot plugin's line)
CASES: dict[str, tuple[Callable[[Rig], None], list[Line], Line]] = {
    "in-sync": (lambda rig: None,
                [("info", "data-repo in sync with remote", ("branch", "commit"))],
                ("info", "data-repo reconciled", ("branch", "newCommit", "oldCommit", "outcome"))),
    "fast-forwarded": (behind,
                       [("info", "data-repo behind remote — fast-forwarding",
                         ("behind", "branch", "from", "to"))],
                       ("info", "data-repo reconciled",
                        ("behind", "branch", "newCommit", "oldCommit", "outcome"))),
    "pushed-ahead": (ahead,
                     [("info", "data-repo ahead of remote — pushing",
                       ("ahead", "branch", "from", "to")), PUSHED],
                     ("info", "data-repo reconciled",
                      ("ahead", "branch", "newCommit", "oldCommit", "outcome"))),
    "pushed-ahead, push refused": (
        ahead_push_refused,
        [("info", "data-repo ahead of remote — pushing", ("ahead", "branch", "from", "to")),
         ("warn", "data-repo push failed during reconcile; push-daemon will retry",
          ("branch", "err"))],
        ("info", "data-repo reconciled", ("ahead", "branch", "newCommit", "oldCommit", "outcome"))),
    "rebased": (diverged,
                [DIVERGED, REBASED,
                 ("info", "data-repo push succeeded after rebase", ("branch", "commit"))],
                ("info", "data-repo reconciled",
                 ("ahead", "behind", "branch", "newCommit", "oldCommit", "outcome"))),
    "rebased, push refused": (
        diverged_push_refused,
        [DIVERGED, REBASED,
         ("warn", "data-repo push after rebase failed; push-daemon will retry", ("branch", "err"))],
        ("info", "data-repo reconciled",
         ("ahead", "behind", "branch", "newCommit", "oldCommit", "outcome"))),
    "conflict-escaped": (
        conflicting,
        [DIVERGED, ESCAPE,
         ("error", "data-repo divergent commits preserved on remote — operator must investigate",
          ("branch", "conflictBranch", "preservedCommit"))],
        ("error", "data-repo reconciliation invoked conflict escape hatch",
         ("ahead", "behind", "branch", "conflictBranch", "newCommit", "oldCommit"))),
    "conflict-escaped, push refused": (
        conflicting_push_refused,
        [DIVERGED, ESCAPE,
         ("error", "data-repo divergent commits preserved LOCALLY only (push failed) — operator "
          "must investigate", ("branch", "conflictBranch", "err", "preservedCommit"))],
        ("error", "data-repo reconciliation invoked conflict escape hatch",
         ("ahead", "behind", "branch", "conflictBranch", "newCommit", "oldCommit"))),
    "fetch-failed": (
        offline,
        [("warn", "data-repo fetch failed; continuing with local state",
          ("branch", "err", "remote"))],
        ("warn", "data-repo reconciliation: fetch failed; continuing with local state",
         ("branch", "commit"))),
}

BOOT_BEFORE = [("info", "data store opened", ("branch", "gitDir", "head"))]
BOOT_AFTER = [("info", "push-daemon started", ("branch", "remote")),
              ("info", "in-memory state loaded", ("commit", "records")),
              ("info", "Server listening at http://0.0.0.0:3001", ())]


@pytest.mark.parametrize("case", list(CASES))
def test_boot_logs_reconcile_s_lines_then_the_plugin_s(rig: Rig, case: str) -> None:
    setup, own, plugin_line = CASES[case]
    setup(rig)
    rig.boot()
    assert lines(rig) == [*BOOT_BEFORE, *own, plugin_line, *BOOT_AFTER]


@pytest.mark.parametrize("case", list(CASES))
def test_the_webhook_logs_reconcile_s_lines_then_the_route_s(rig: Rig, case: str) -> None:
    rig.boot()
    setup, own, _ = CASES[case]
    setup(rig)
    rig.logs.clear()
    response = rig.process.hot_reload(rig.container(), BRANCH)
    assert response["status"] == 200
    if case == "in-sync":
        route = [("info", "hot-reload: nothing to do (in-sync after fetch)",
                  ("branch", "commit", "outcome"))]
    else:
        conflict = ("conflictBranch",) if case.startswith("conflict") else ()
        keys = tuple(sorted(("branch", "durationMs", "newCommit", "oldCommit", "outcome",
                             *conflict)))
        route = [("info", "in-memory state loaded", ("commit", "records")),
                 ("info", "hot-reload: in-memory state + FTS rebuilt", keys)]
    assert lines(rig) == [*own, *route]
