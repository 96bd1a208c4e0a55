"""The API process model: boot in production's plugin order, writes, timers, SIGTERM.

`ApiProcess` holds only its settings (the modelled production's knobs); every other
state lives in the container's `state` so the world can save it and another Python process
can resume it. Each call reads the configuration from the container's environment. Boot
order (codeforphilly apps/api/src/app.ts): open store → reconcile → push daemon → in-memory
load → listen. A boot step that throws logs fatal and raises `BootFailure`, which the
kubelet turns into a container exit; on SIGTERM the process says when it exits and with
which code.
"""

import subprocess
from typing import Any

from podsim.api import push_daemon
from podsim.api.context import ApiSettings, ProcessContext
from podsim.api.errors import ReconcileError, StoreError
from podsim.api.reconcile import ReconcileResult, reconcile
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
        try:
            ctx = self._context(container)
        except BootFailure as failure:
            container.record("api.boot-failed", str(failure), pod=container.hostname)
            raise
        ctx.state["phase"] = "booting"
        ctx.record("api.boot", "plugins: store, reconcile, push-daemon, services")
        try:
            head = self._open(ctx)
            self._reconcile_at_boot(ctx)
            self._start_daemon(ctx)
        except (StoreError, ReconcileError, subprocess.CalledProcessError) as err:
            ctx.state["phase"] = "failed"
            message = str(err) if not isinstance(err, subprocess.CalledProcessError) else (
                f"Command failed: {' '.join(err.cmd)}\n{err.stderr}")
            ctx.log("fatal", message)
            ctx.record("api.fatal", message.splitlines()[0])
            ctx.record("api.boot-failed", message, pod=container.hostname)
            raise BootFailure(message) from err
        self._load(ctx, head)
        ctx.state["phase"] = "listening"
        ctx.log("info", LISTEN_LINE)
        ctx.record("api.listening", LISTEN_LINE)

    def handle(self, container: ContainerContext, kind: str, data: dict[str, Any]) -> None:
        """A timer this process scheduled has fired."""
        if kind not in push_daemon.TIMER_KINDS:
            raise ValueError(f"ApiProcess scheduled no timer of kind {kind!r}")
        push_daemon.handle(self._context(container), kind, data)

    def write(
        self, container: ContainerContext, sheet: str, record: dict[str, object], write_id: str,
        user: str = "anonymous",
    ) -> str | None:
        """One request write; the new commit (acknowledged), or None if nothing changed."""
        ctx = self._context(container)
        if ctx.state.get("phase") != "listening":
            raise RuntimeError(f"the API is not serving (phase {ctx.state.get('phase')!r})")
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
        target = branch or ctx.config.branch
        if not target:
            return {"status": 400, "body": {"error": "no branch given or configured"}}
        if commit_hash is not None:
            head = ctx.git("rev-parse", "HEAD").stdout.strip()
            known = ctx.git("merge-base", "--is-ancestor", commit_hash, head, check=False)
            if known.returncode == 0:
                body = {"noChanges": True, "outcome": "in-sync", "head": head, "durationMs": 0}
                return {"status": 200, "body": body}
        try:
            result = reconcile(ctx, target)
        except ReconcileError as err:
            ctx.log("error", "hot-reload reconcile failed", err=str(err))
            return {"status": 500, "body": {"error": str(err)}}
        ctx.state["reconcile"] = result.to_dict()
        fields = {"outcome": result.outcome, "oldCommit": result.old_commit,
                  "newCommit": result.new_commit, "durationMs": 0}
        if result.outcome == "in-sync":
            return {"status": 200, "body": {"noChanges": True, **fields}}
        try:
            self._load(ctx, open_store(ctx))
        except StoreError as err:
            ctx.log("error", "hot-reload rebuild failed", err=str(err))
            error = "Hot-reload rebuild failed — pod restart required"
            return {"status": 500, "body": {"error": error}}
        body = {"noChanges": False, "rebuilt": True, **fields}
        if result.conflict_branch:
            body["conflictBranch"] = result.conflict_branch
        return {"status": 200, "body": body}

    # -- boot steps ------------------------------------------------------------------------
    def _open(self, ctx: ProcessContext) -> StoreHead:
        head = open_store(ctx)
        ctx.state["store"] = {"branch": head.branch, "commit": head.commit, "tree": head.tree}
        ctx.log("info", "data store opened", gitDir=str(ctx.gitdir), branch=head.branch,
                head=head.commit)
        return head

    def _reconcile_at_boot(self, ctx: ProcessContext) -> None:
        if ctx.config.remote_url is None:
            ctx.log("info", "CFP_DATA_REMOTE unset; reconciliation skipped")
            return
        if not ctx.config.branch:
            raise ReconcileError("CFP_DATA_REMOTE is set but CFP_DATA_BRANCH is not; "
                                 "refusing to guess")
        result = reconcile(ctx, ctx.config.branch)
        ctx.state["reconcile"] = result.to_dict()
        _log_outcome(ctx, result)

    def _start_daemon(self, ctx: ProcessContext) -> None:
        if ctx.config.remote_url is None:
            ctx.log("info", "push-daemon disabled")
            return
        push_daemon.start(ctx, ctx.config.remote, ctx.config.branch)
        ctx.log("info", "push-daemon started", remote=ctx.config.remote,
                branch=ctx.config.branch)

    def _load(self, ctx: ProcessContext, head: StoreHead) -> None:
        """Build the in-memory view from the tree the store was opened on.

        Upstream order: the store opens before reconcile (docs/reference/sources.md#reconcile).
        """
        names = ctx.git("ls-tree", "-r", "--name-only", head.tree).stdout.split()
        records = sum(1 for n in names if n.endswith(".toml") and not n.startswith(".gitsheets/"))
        ctx.state["memory"] = {"commit": head.commit, "tree": head.tree, "records": records,
                               "loaded_at": ctx.now}
        ctx.log("info", "in-memory state loaded", commit=head.commit, records=records)
        ctx.record("api.load", f"{records} records from {head.commit[:7]}",
                   commit=head.commit)


def _log_outcome(ctx: ProcessContext, result: ReconcileResult) -> None:
    fields = result.to_dict()
    if result.outcome == "conflict-escaped":
        ctx.log("error", "data-repo reconciliation invoked conflict escape hatch", **fields)
    elif result.outcome == "fetch-failed":
        ctx.log("warn", "data-repo fetch failed; continuing with local state", **fields)
    else:
        ctx.log("info", "data-repo reconciled", **fields)
