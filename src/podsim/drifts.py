"""Named drifts: behaviours the pages' claims must notice when the world stops having them.

Each drift is either a patch to a copy of `deploy/` (the world then reads the copy) or a
switch of the model (the API's settings or the cluster's). `nox -s sensitivity` runs each
claim's checks once per drift its claim names (`breaks-if="..."`) and expects them to fail:
a check that passes whatever the world does proves nothing.

A world created while `PODSIM_DRIFTS` (comma-separated names) is set carries those drifts,
records their names (`World.drifts`) and keeps them across processes, since every effect
lives in the saved state or in the world's own deploy copy.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from podsim.api.backoff import DEFAULT_BACKOFF
from podsim.api.context import ApiSettings
from podsim.durations import DEFAULT_DURATIONS
from podsim.errors import WorldError
from podsim.manifest import copy_with_strategy
from podsim.state import ClusterSettings

ENV = "PODSIM_DRIFTS"
DEPLOYMENT = Path("kustomize") / "base" / "deployment.yaml"
OVERLAY = Path("kustomize") / "overlays" / "sandbox" / "kustomization.yaml"
ENTRYPOINT = Path("docker") / "entrypoint.sh"
# A Secret change that never reaches the pod within any page's horizon (a year).
FROZEN_SECRET_S = 365 * 86_400.0
# A node-monitor grace period far past any page's wait for a failed node's replacement.
LONG_NODE_MONITOR_GRACE_S = 600.0
# A maxRetries a service might plausibly configure; production's is unbounded.
GIVE_UP_AFTER_ATTEMPTS = 5
# A pluginTimeout longer than ssh's whole wait on a black-holed connection (127 s).
LONG_PLUGIN_TIMEOUT_S = 600.0


class UnknownDrift(WorldError):
    """A drift name that is not in the catalogue."""

    def __init__(self, name: str) -> None:
        close = difflib.get_close_matches(name, DRIFTS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        super().__init__(f"unknown drift {name!r}{hint} (known: {', '.join(DRIFTS)})")
        self.name = name


@dataclass(frozen=True)
class Drift:
    """One named departure from the modelled production and how it is applied."""

    name: str
    # What the world does differently, as the site shows it: plain text, since it goes into
    # a claim chip's title attribute, where Markdown (a backtick, a bracket) breaks the chip.
    description: str
    deploy: Callable[[Path], None] | None = None  # patches a deploy/ copy in place
    api: Callable[[ApiSettings], ApiSettings] | None = None
    cluster: Callable[[ClusterSettings], ClusterSettings] | None = None
    # Settings in the operator's global git config; the world only records the name, the
    # glue that makes the operator's sandbox (the root conftest.py) writes them.
    operator_git_config: tuple[tuple[str, str], ...] = ()


def _edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    doc = yaml.safe_load(path.read_text())
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _pod_spec(doc: Any) -> Any:
    return doc["spec"]["template"]["spec"]


def _data_on_pvc(deploy: Path) -> None:
    def change(doc: Any) -> None:
        data = next(v for v in _pod_spec(doc)["volumes"] if v["name"] == "data")
        data.pop("emptyDir", None)
        data["persistentVolumeClaim"] = {"claimName": "codeforphilly-data"}
    _edit_yaml(deploy / DEPLOYMENT, change)


def _rolling_update(deploy: Path) -> None:
    copy_with_strategy(deploy, deploy, "RollingUpdate")


def _namespace_codeforphilly(deploy: Path) -> None:
    _edit_yaml(deploy / OVERLAY, lambda doc: doc.__setitem__("namespace", "codeforphilly"))


def _container_named_api(deploy: Path) -> None:
    def change(doc: Any) -> None:
        _pod_spec(doc)["containers"][0]["name"] = "api"
    _edit_yaml(deploy / DEPLOYMENT, change)


def _edit_entrypoint(deploy: Path, old: str, new: str) -> None:
    path = deploy / ENTRYPOINT
    text = path.read_text()
    if new not in text:  # a world copied from a drifted world has it already
        if text.count(old) != 1:
            raise WorldError(f"{path}: cannot apply the drift, {old!r} is not there once")
        path.write_text(text.replace(old, new))


def _clone_not_bare(deploy: Path) -> None:
    _edit_entrypoint(deploy, 'git clone --bare --branch', 'git clone --branch')


def _clone_with_fetch_refspec(deploy: Path) -> None:
    _edit_entrypoint(deploy, '\nexec "$@"\n',
                     '\ngit --git-dir="$repo" config remote.origin.fetch '
                     '"+refs/heads/*:refs/remotes/origin/*"\nexec "$@"\n')


def _api(**changes: Any) -> Callable[[ApiSettings], ApiSettings]:
    return lambda settings: dataclasses.replace(settings, **changes)


def _cluster(**changes: Any) -> Callable[[ClusterSettings], ClusterSettings]:
    return lambda settings: dataclasses.replace(settings, **changes)


_CATALOGUE = (
    Drift("restart-wipes-emptydir",
          "a container restart empties the data volume, as if the emptyDir lived only as "
          "long as the container",
          cluster=_cluster(restart_wipes_emptydir=True)),
    Drift("volume-is-pvc",
          "the data clone sits on a PersistentVolumeClaim, which outlives the pod",
          deploy=_data_on_pvc),
    Drift("rolling-update",
          "the Deployment rolls out with RollingUpdate: the new pod starts before the old "
          "one stops",
          deploy=_rolling_update),
    Drift("clone-not-bare",
          "the entrypoint clones the data repository with a working tree instead of bare",
          deploy=_clone_not_bare),
    Drift("clone-has-fetch-refspec",
          "the entrypoint gives the clone a remote.origin.fetch refspec, so pushes move "
          "refs/remotes/origin/*",
          deploy=_clone_with_fetch_refspec),
    Drift("sigterm-drains",
          "node installs a SIGTERM handler that stops the push daemon, draining a push in "
          "flight",
          api=_api(sigterm_handler=True)),
    Drift("backoff-cap-halved",
          "the push daemon's back-off stops doubling at 30 minutes instead of one hour",
          api=_api(backoff=dataclasses.replace(DEFAULT_BACKOFF,
                                               cap_s=DEFAULT_BACKOFF.cap_s / 2))),
    Drift("retry-every-second",
          "the push daemon retries a failed push every second, without doubling the wait",
          api=_api(backoff=dataclasses.replace(DEFAULT_BACKOFF, multiplier=1.0))),
    Drift("reconcile-skips-conflict-push",
          "reconcile's escape hatch parks divergent commits on a conflict branch but never "
          "pushes it",
          api=_api(conflict_branch_push=False)),
    Drift("reconcile-skips-ahead-push",
          "reconcile finds the pod only ahead of origin and reports pushed-ahead, but never "
          "pushes: the commits wait for the push daemon's next attempt",
          api=_api(ahead_push=False)),
    Drift("nff-retried",
          "a non-fast-forward rejection is retried with back-off like any other failure",
          api=_api(nff_terminal=False)),
    Drift("push-gives-up-after-five-attempts",
          "the push daemon gives up on a batch after five failed attempts (gitsheets' "
          "maxRetries set to 5) instead of retrying it forever: its commits wait on the pod "
          "until the next write starts a new batch",
          api=_api(max_attempts=GIVE_UP_AFTER_ATTEMPTS)),
    Drift("remote-rejected-terminal",
          "the push daemon takes a push refused as remote rejected (by a branch protection "
          "rule or a hook) for a non-fast-forward: it logs an error and gives up on those "
          "commits after one attempt instead of retrying them with back-off",
          api=_api(any_rejection_is_nff=True)),
    Drift("git-below-2-40",
          "the pod's git predates 2.40, so reconcile cannot replay and every divergence "
          "escapes to a conflict branch",
          api=_api(git_version=(2, 39))),
    Drift("secret-mount-frozen",
          "a changed Secret never reaches the running pod's mounted copy",
          cluster=_cluster(secret_refresh_s=FROZEN_SECRET_S)),
    Drift("push-takes-2s",
          "one git push takes two seconds instead of one",
          api=_api(durations=dataclasses.replace(DEFAULT_DURATIONS,
                                                 push_s=2 * DEFAULT_DURATIONS.push_s))),
    Drift("operator-git-allows-ext",
          "the operator's global git config allows ext:: remotes (protocol.ext.allow=always)",
          operator_git_config=(("protocol.ext.allow", "always"),)),
    Drift("secret-change-rolls-out",
          "a changed Secret rolls the Deployment out once it reaches the pod (as a reloader "
          "controller does), replacing the pod",
          cluster=_cluster(secret_change_rolls_out=True)),
    Drift("plugin-timeout-ten-minutes",
          "Fastify's pluginTimeout is ten minutes, longer than ssh waits on a hanging "
          "connection: a fetch that hangs at boot fails reconcile, not the boot",
          api=_api(plugin_timeout_s=LONG_PLUGIN_TIMEOUT_S)),
    Drift("node-monitor-grace-ten-minutes",
          "the controller manager waits ten minutes before it marks a silent node NotReady, "
          "so a failed node's pod keeps being the only one listed for that long",
          cluster=_cluster(node_monitor_grace_s=LONG_NODE_MONITOR_GRACE_S)),
    Drift("namespace-is-codeforphilly",
          "the sandbox overlay deploys into namespace codeforphilly",
          deploy=_namespace_codeforphilly),
    Drift("container-named-api",
          "the pod's one container is named api",
          deploy=_container_named_api),
)
DRIFTS: dict[str, Drift] = {drift.name: drift for drift in _CATALOGUE}


def lookup(names: Iterable[str]) -> tuple[Drift, ...]:
    """The drifts named, in catalogue order; UnknownDrift for a name not in it."""
    wanted = set(names)
    for name in sorted(wanted):
        if name not in DRIFTS:
            raise UnknownDrift(name)
    return tuple(drift for drift in _CATALOGUE if drift.name in wanted)


def operator_git_config(names: Iterable[str]) -> list[tuple[str, str]]:
    """The operator git settings the drifts `names` call for, in catalogue order."""
    return [item for drift in lookup(names) for item in drift.operator_git_config]


def from_environment() -> tuple[str, ...]:
    """The drift names in `PODSIM_DRIFTS` (empty when unset), each checked."""
    names = [name.strip() for name in os.environ.get(ENV, "").split(",") if name.strip()]
    return tuple(drift.name for drift in lookup(names))


@dataclass(frozen=True)
class Drifted:
    """What a new world is made from once its drifts are applied."""

    deploy_dir: Path
    api: ApiSettings | None
    cluster: ClusterSettings


def apply(
    names: Iterable[str], root: Path, deploy_dir: Path, api: ApiSettings | None,
    cluster: ClusterSettings,
) -> Drifted:
    """Apply the drifts `names` to a world about to be created at `root`: deploy patches to a
    copy under `root` (the world reads that copy), switches to its settings. `api` is None
    when the world runs another process than the API, which API drifts cannot change."""
    drifts = lookup(names)
    if not drifts:
        return Drifted(deploy_dir, api, cluster)
    patches = [drift for drift in drifts if drift.deploy is not None]
    if patches:
        copy = root / "deploy-drifted"
        shutil.copytree(deploy_dir, copy)
        deploy_dir = copy
        for drift in patches:
            assert drift.deploy is not None
            drift.deploy(copy)
    for drift in drifts:
        if drift.api is not None:
            if api is None:
                raise WorldError(f"drift {drift.name!r} changes the API, which this world "
                                 "does not run")
            api = drift.api(api)
        if drift.cluster is not None:
            cluster = drift.cluster(cluster)
    cluster = dataclasses.replace(cluster, drifts=tuple(drift.name for drift in drifts))
    return Drifted(deploy_dir, api, cluster)
