"""The API process model: boot in production's plugin order, writes, timers, SIGTERM.

`ApiProcess` holds only its settings (the modelled production's knobs); every other
state lives in the container's `state` so the world can save it and another Python process
can resume it. Each call reads the configuration from the container's environment. Boot
order (codeforphilly apps/api/src/app.ts): open store → reconcile → push daemon → in-memory
load → listen. Each step is a timer (`boot_steps`) whose git work happens when it fires, so
boot takes virtual time (podsim.durations) and Fastify's pluginTimeout can fire. A step that
throws, or a plugin that outlives its deadline, logs fatal and raises `BootFailure`, which
the kubelet turns into a container exit; on SIGTERM the process says when it exits and with
which code.
"""

import math
import subprocess
from typing import Any

from podsim.api import boot_steps, push_daemon
from podsim.api.context import ApiSettings, ProcessContext
from podsim.api.errors import NotListening, ReconcileError, StoreError
from podsim.api.reconcile import fetch_phase_s, reconcile
from podsim.api.store import StoreHead, open_store, write_record
from podsim.seam import EXIT_SIGTERM, BootFailure, ContainerContext, Exit

LISTEN_LINE = "Server listening at http://0.0.0.0:3001"


class ApiProcess:
    """codeforphilly's API (apps/api) as far as the data repository is concerned."""

    def __init__(self, settings: ApiSettings | None = None) -> None:
        self.settings = settings or ApiSettings()

    def _context(self, container: ContainerContext) -> ProcessContext:
        return ProcessContext.of(container, self.settings)

    def boot(self, container: ContainerContext) -> None:
        """The kubelet started node: register the plugins; each runs as a timed step."""
        try:
            ctx = self._context(container)
        except BootFailure as failure:
            container.record("api.boot-failed", str(failure), pod=container.hostname)
            raise
        ctx.state["phase"] = "booting"
        ctx.record("api.boot", "plugins: store, reconcile, push-daemon, services")
        boot_steps.begin(ctx, "store", ctx.settings.durations.store_open_s)

    def handle(self, container: ContainerContext, kind: str, data: dict[str, Any]) -> None:
        """A timer this process scheduled has fired (a boot step, a plugin timeout, the daemon)."""
        ctx = self._context(container)
        if kind in boot_steps.TIMER_KINDS:
            self._boot_timer(ctx, kind, data)
        elif kind in push_daemon.TIMER_KINDS:
            push_daemon.handle(ctx, kind, data)
        else:
            raise ValueError(f"ApiProcess scheduled no timer of kind {kind!r}")

    def _boot_timer(self, ctx: ProcessContext, kind: str, data: dict[str, Any]) -> None:
        if kind == boot_steps.PLUGIN_TIMEOUT:
            plugin = boot_steps.timed_out(ctx, data)
            if plugin is not None:
                self._fail(ctx, boot_steps.plugin_timeout_error(plugin),
                           code=boot_steps.PLUGIN_TIMEOUT_CODE)
            return
        step = boot_steps.reached(ctx, data)
        if step is None:
            return
        try:
            self._step(ctx, step)
        except (StoreError, ReconcileError, subprocess.CalledProcessError) as err:
            message = str(err) if not isinstance(err, subprocess.CalledProcessError) else (
                f"Command failed: {' '.join(err.cmd)}\n{err.stderr}")
            self._fail(ctx, message)

    def _step(self, ctx: ProcessContext, step: str) -> None:
        """One boot step ends at its boundary: its git work happens now, the next is timed."""
        durations = ctx.settings.durations
        if step == "store":
            self._open(ctx)
            if self._reconcile_needed(ctx):
                boot_steps.begin(ctx, "reconcile", fetch_phase_s(ctx))
            else:
                self._start_daemon(ctx)
                boot_steps.begin(ctx, "services", durations.load_s)
        elif step == "reconcile":
            result = reconcile(ctx, ctx.config.branch)
            ctx.state["reconcile"] = result.to_dict()
            # The plugin finishes once the rest of reconcile's steps (and pushes) have run.
            boot_steps.then(ctx, "reconciled", result.after_fetch_s)
        elif step == "reconciled":
            _log_boot_outcome(ctx, ctx.state["reconcile"])
            self._start_daemon(ctx)
            boot_steps.begin(ctx, "services", durations.load_s)
        elif step == "services":
            boot_steps.finish(ctx)
            store = ctx.state["store"]
            self._load(ctx, StoreHead(store["branch"], store["commit"], store["tree"]))
            ctx.state["phase"] = "listening"
            ctx.container.listening()
            ctx.log("info", LISTEN_LINE)
            ctx.record("api.listening", LISTEN_LINE)
        else:
            raise ValueError(f"unknown boot step {step!r}")

    def _fail(self, ctx: ProcessContext, message: str, code: str | None = None) -> None:
        """buildApp() rejected: the process exits 1 (the kubelet restarts the container)."""
        boot_steps.finish(ctx)
        ctx.state["phase"] = "failed"
        ctx.log("fatal", message, **({"code": code} if code else {}))
        ctx.record("api.fatal", message.splitlines()[0])
        ctx.record("api.boot-failed", message, pod=ctx.container.hostname)
        raise BootFailure(message)

    def write(
        self, container: ContainerContext, sheet: str, record: dict[str, object], write_id: str,
        user: str = "anonymous",
    ) -> str | None:
        """One request write; the new commit (acknowledged), or None if nothing changed."""
        ctx = self._context(container)
        if ctx.state.get("phase") != "listening":
            raise NotListening(container.hostname, ctx.state.get("phase"))
        commit = write_record(ctx, sheet, record, write_id, user)
        if commit is not None:
            push_daemon.notify_commit(ctx, commit)  # the post-commit hook
        return commit

    def on_sigterm(self, container: ContainerContext) -> Exit:
        """When the process exits after SIGTERM, and with which code."""
        ctx = self._context(container)
        ctx.record("api.sigterm", "SIGTERM")
        if not self.settings.sigterm_handler:
            # No listener: node dies of the signal at once; onClose/stop() never run.
            return Exit(0.0, EXIT_SIGTERM)
        if container.hung:
            # The listener is JavaScript on the stuck event loop: it never runs, so node
            # lives on until the kubelet's SIGKILL at the end of the grace period.
            return Exit(math.inf, 0)
        ctx.log("info", "SIGTERM received; stopping push daemon")
        ctx.state["phase"] = "stopping"
        if push_daemon.STATE_KEY not in ctx.state:
            return Exit(0.0, 0)
        return Exit(push_daemon.stop(ctx), 0)

    def status(self, container: ContainerContext) -> dict[str, Any] | None:
        """The daemon's status(), or None when it is disabled (no code calls this in prod)."""
        ctx = self._context(container)
        return push_daemon.status(ctx) if push_daemon.STATE_KEY in ctx.state else None

    def hot_reload(
        self, container: ContainerContext, branch: str | None = None,
        commit_hash: str | None = None,
    ) -> dict[str, Any]:
        """POST /api/_internal/reload-data (authorised): {"status": code, "body": {...}}."""
        ctx = self._context(container)
        if ctx.state.get("phase") != "listening":
            raise NotListening(container.hostname, ctx.state.get("phase"))
        target = branch or ctx.config.branch
        if not target:
            return {"status": 400, "body": {"error": "no branch given or configured"}}
        step_s = ctx.settings.durations.git_step_s
        if commit_hash is not None:
            head = ctx.rev_parse("HEAD")
            known = ctx.git("merge-base", "--is-ancestor", commit_hash, head, check=False)
            if known.returncode == 0:
                ctx.log("info", "hot-reload short-circuit: commit already in local HEAD",
                        branch=target, commitHash=commit_hash, head=head)
                body = {"noChanges": True, "outcome": "in-sync", "head": head,
                        "durationMs": _ms(2 * step_s)}
                return {"status": 200, "body": body}
        try:
            result = reconcile(ctx, target)
        except ReconcileError as err:
            ctx.log("error", "hot-reload reconcile failed", err=str(err))
            return {"status": 500, "body": {"error": str(err)}}
        ctx.state["reconcile"] = result.to_dict()
        took = result.took_s + (2 * step_s if commit_hash is not None else 0.0)
        fields = {"outcome": result.outcome, "oldCommit": result.old_commit,
                  "newCommit": result.new_commit}
        if result.outcome == "in-sync":
            ctx.log("info", "hot-reload: nothing to do (in-sync after fetch)", branch=target,
                    commit=result.new_commit, outcome=result.outcome)
            return {"status": 200, "body": {"noChanges": True, **fields, "durationMs": _ms(took)}}
        try:
            self._load(ctx, open_store(ctx))
        except StoreError as err:
            ctx.log("error", "hot-reload: in-memory rebuild failed AFTER reconcile — pod is in an "
                    "undefined state, restart required", err=str(err), branch=target, **fields)
            error = "Hot-reload rebuild failed — pod restart required"
            return {"status": 500, "body": {"error": error}}
        took += ctx.settings.durations.store_open_s + ctx.settings.durations.load_s
        conflict = {"conflictBranch": result.conflict_branch} if result.conflict_branch else {}
        ctx.log("info", "hot-reload: in-memory state + FTS rebuilt", branch=target, **fields,
                **conflict, durationMs=_ms(took))
        body = {"noChanges": False, "rebuilt": True, **fields, **conflict, "durationMs": _ms(took)}
        return {"status": 200, "body": body}

    # -- boot steps ------------------------------------------------------------------------
    def _open(self, ctx: ProcessContext) -> StoreHead:
        head = open_store(ctx)
        ctx.state["store"] = {"branch": head.branch, "commit": head.commit, "tree": head.tree}
        ctx.log("info", "data store opened", gitDir=str(ctx.gitdir), branch=head.branch,
                head=head.commit)
        return head

    def _reconcile_needed(self, ctx: ProcessContext) -> bool:
        """The reconcile plugin's guards (apps/api/src/plugins/reconcile.ts)."""
        if ctx.config.remote_url is None:
            ctx.log("info", "data-repo reconciliation skipped: CFP_DATA_REMOTE unset (dev mode)")
            return False
        if not ctx.config.branch:
            raise ReconcileError("data-repo reconciliation: CFP_DATA_REMOTE set but "
                                 "CFP_DATA_BRANCH unset; refusing to guess")
        return True

    def _start_daemon(self, ctx: ProcessContext) -> None:
        """startPushDaemon schedules the backlog check (setImmediate) before services load."""
        if ctx.config.remote_url is None:
            ctx.log("info", "push-daemon disabled: CFP_DATA_REMOTE unset (local commits stay "
                    "local)")
            return
        push_daemon.start(ctx, ctx.config.remote, ctx.config.branch)
        ctx.log("info", "push-daemon started", remote=ctx.config.remote,
                branch=ctx.config.branch)

    def _load(self, ctx: ProcessContext, head: StoreHead) -> None:
        """Build the in-memory view from the tree the store was opened on.

        Upstream order: the store opens before reconcile (docs/reference/sources.md#reconcile).
        """
        records = _record_count(ctx, head.tree)
        ctx.state["memory"] = {"commit": head.commit, "tree": head.tree, "records": records,
                               "loaded_at": ctx.now}
        ctx.log("info", "in-memory state loaded", commit=head.commit, records=records)
        ctx.record("api.load", f"{records} records from {head.commit[:7]}",
                   commit=head.commit)


# tree id -> records in it: a tree id names its whole content, so the count never changes.
_RECORDS: dict[str, int] = {}


def _record_count(ctx: ProcessContext, tree: str) -> int:
    """The records (TOML files outside .gitsheets/) in `tree`, counted once per tree id."""
    if tree not in _RECORDS:
        names = ctx.git("ls-tree", "-r", "--name-only", tree).stdout.split()
        _RECORDS[tree] = sum(1 for n in names
                             if n.endswith(".toml") and not n.startswith(".gitsheets/"))
    return _RECORDS[tree]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _log_boot_outcome(ctx: ProcessContext, result: dict[str, Any]) -> None:
    """The reconcile plugin's one line per outcome (apps/api/src/plugins/reconcile.ts)."""
    branch = ctx.config.branch
    counts = {k: result[k] for k in ("ahead", "behind") if k in result}
    if result["outcome"] == "conflict-escaped":
        ctx.log("error", "data-repo reconciliation invoked conflict escape hatch", branch=branch,
                conflictBranch=result.get("conflictBranch"), oldCommit=result["oldCommit"],
                newCommit=result["newCommit"], **counts)
    elif result["outcome"] == "fetch-failed":
        ctx.log("warn", "data-repo reconciliation: fetch failed; continuing with local state",
                branch=branch, commit=result["oldCommit"])
    else:
        ctx.log("info", "data-repo reconciled", branch=branch, outcome=result["outcome"],
                oldCommit=result["oldCommit"], newCommit=result["newCommit"], **counts)
