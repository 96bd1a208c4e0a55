"""A world: origin, cluster and pods around real git repositories, in one directory.

The world directory holds `world.json` (cluster objects, virtual clock, event queue,
trace, the API's settings) next to the real repositories. Any process can open it. `World`
is a façade: every public read and operation takes the world's file lock and reloads what
another process (or another `World` handle) saved since; operations save at the end.
Nothing outside the world reaches behind it: the runtime is private.
"""

import contextlib
import copy
import dataclasses
import fcntl
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from podsim import persistence
from podsim.api.context import ApiSettings
from podsim.api.process import ApiProcess
from podsim.clock import DEFAULT_EPOCH, Clock, Event
from podsim.cluster import Cluster
from podsim.drifts import apply as apply_drifts
from podsim.drifts import from_environment as drift_names
from podsim.errors import WorldError
from podsim.fates import classify
from podsim.gitenv import git_env
from podsim.manifest import Manifest, copy_with_strategy, load_manifest
from podsim.origin import Origin
from podsim.persistence import STATE_FILE
from podsim.runtime import Runtime
from podsim.sample_writes import sample_record
from podsim.seam import EXIT_SIGKILL, Mounts, Process, signal_number
from podsim.secret_volumes import write_secret_files
from podsim.state import ClusterSettings, Deployment, Node, Pod, WorldState, Write
from podsim.trace import Trace

DEFAULT_DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"
NODES = ("sandbox-worker-1", "sandbox-worker-2")


class World:
    def __init__(self, root: Path, runtime: Runtime, origin: Origin) -> None:
        self.root = root
        self.origin = origin
        origin.now = self.utc  # deploy keys added now carry the world's virtual time
        self._rt = runtime
        self._cluster = Cluster(runtime)
        self._stamp: persistence.Stamp | None = None
        self._depth = 0

    # -- creating and opening ----------------------------------------------------------
    @classmethod
    def create(
        cls,
        root: Path,
        *,
        seed: int = 0,
        deploy_dir: Path = DEFAULT_DEPLOY_DIR,
        git_version: tuple[int, int] | None = None,
        sigterm_handler: bool | None = None,
        process: Process | None = None,
        node_monitor_grace_s: float | None = None,
        secret_refresh_s: float | None = None,
        drifts: Sequence[str] | None = None,
    ) -> "World":
        """A new world running the API (with these settings) or `process`.

        The cluster's own knobs (saved with its state; None keeps the default of
        `ClusterSettings`): `node_monitor_grace_s`, how long the control plane waits before
        it marks a silent node (40 s; newer releases 50 s), and `secret_refresh_s`, how long
        a changed Secret takes to reach a running pod's volume. `drifts` names departures
        from production (podsim.drifts); None takes them from `PODSIM_DRIFTS`."""
        root = Path(root).resolve()
        if (root / STATE_FILE).exists():
            raise WorldError(f"{root}: a world already exists here")
        if process is not None and (git_version, sigterm_handler) != (None, None):
            raise WorldError("give git_version and sigterm_handler to the process, not with it")
        if process is None:
            defaults = ApiSettings()
            process = ApiProcess(
                ApiSettings(
                    git_version=defaults.git_version if git_version is None else git_version,
                    sigterm_handler=bool(sigterm_handler),
                )
            )
        root.mkdir(parents=True, exist_ok=True)
        knobs: dict[str, Any] = {"node_monitor_grace_s": node_monitor_grace_s,
                                 "secret_refresh_s": secret_refresh_s}
        try:
            settings = ClusterSettings(**{k: v for k, v in knobs.items() if v is not None})
        except ValueError as error:
            raise WorldError(str(error)) from None
        api = process.settings if isinstance(process, ApiProcess) else None
        drifted = apply_drifts(drift_names() if drifts is None else drifts, root, deploy_dir,
                               api, settings)
        deploy_dir, settings = drifted.deploy_dir, drifted.cluster
        if drifted.api is not None and drifted.api != api:
            process = ApiProcess(drifted.api)
        manifest = load_manifest(deploy_dir)
        state = WorldState(
            seed=seed,
            deploy_dir=str(Path(deploy_dir).resolve()),
            deployment=Deployment(manifest.deployment, manifest.namespace),
            nodes=[Node(name) for name in NODES],
            settings=settings,
        )
        clock = Clock(DEFAULT_EPOCH)
        origin = Origin.create(root, random.Random(seed), clock.utc())
        world = cls(root, _runtime(root, state, clock, Trace(), manifest, origin, process), origin)
        with world.transaction(fresh=True):
            world._cluster.sync()
            world._run(0.0)
            world._run_first_boot()
        return world

    @classmethod
    def open(cls, root: Path, process: Process | None = None) -> "World":
        """The world saved in `root`; its API runs with the settings it was created with."""
        root = Path(root).resolve()
        saved, stamp = cls._load_locked(root)
        manifest = load_manifest(Path(saved.state.deploy_dir))
        if process is None:
            settings = saved.process.get(ApiSettings.KEY)
            process = ApiProcess(None if settings is None else ApiSettings.from_data(settings))
        origin = Origin(root)
        runtime = _runtime(root, saved.state, saved.clock, saved.trace, manifest, origin, process)
        world = cls(root, runtime, origin)
        world._stamp = stamp
        return world

    @staticmethod
    def _load_locked(root: Path) -> tuple[persistence.Saved, persistence.Stamp | None]:
        # Read and stamp under the lock, so a save cannot land between the two.
        if not root.is_dir():
            return persistence.load(root), None  # the clear "no world here" error
        with (root / "world.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return persistence.load(root), persistence.stamp(root)

    # -- persistence -------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self, fresh: bool = False, save: bool = True) -> Iterator["World"]:
        """Hold the world's lock; reload if another process saved since; save at the end
        (readers pass save=False: looking changes nothing worth writing)."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with (self.root / "world.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = persistence.stamp(self.root)
            if not fresh and current != self._stamp:
                saved = persistence.load(self.root)
                if saved.state.deploy_dir != self._rt.state.deploy_dir:  # switch_strategy
                    self._rt.manifest = load_manifest(Path(saved.state.deploy_dir))
                self._rt.state, self._rt.clock, self._rt.trace = saved[:3]
                self._stamp = current  # the lock is held: the file is still what was read
            self._depth = 1
            try:
                yield self
            finally:
                self._depth = 0
                if save:
                    self._save()

    def _save(self) -> None:
        process: dict[str, Any] = {}
        if isinstance(self._rt.process, ApiProcess):
            process[ApiSettings.KEY] = self._rt.process.settings.to_data()
        self._stamp = persistence.save(
            self.root, persistence.Saved(self._rt.state, self._rt.clock, self._rt.trace, process)
        )

    # -- time --------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Virtual seconds since the world's epoch."""
        with self.transaction(save=False):
            return self._rt.clock.now

    def utc(self, t: float | None = None) -> datetime:
        """The wall-clock moment of virtual time `t` (default: now)."""
        with self.transaction(save=False):
            return self._rt.clock.utc(t)

    def next_event_at(self) -> float | None:
        """The virtual time of the next queued event (a timer, a start, an exit), if any."""
        with self.transaction(save=False):
            pending = self._rt.clock.pending()
            return pending[0].t if pending else None

    def pending_events(self) -> list[Event]:
        """The queued events in the order they will run (copies: changing one changes
        nothing)."""
        with self.transaction(save=False):
            return [dataclasses.replace(e, data=copy.deepcopy(e.data))
                    for e in self._rt.clock.pending()]

    @property
    def manifest(self) -> Manifest:
        with self.transaction(save=False):
            return self._rt.manifest

    @property
    def trace(self) -> Trace:
        with self.transaction(save=False):
            return self._rt.trace

    def advance(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass, processing every event due."""
        with self.transaction():
            self._run(self._rt.clock.now + seconds)

    def run_until(self, done: Callable[["World"], bool], limit_s: float = 86_400.0) -> float:
        """Process events until `done(world)` holds; returns the virtual time it took.

        Besides events, time stops where a pod turns ready (its first readiness probe
        after its process listens), so a condition on readiness holds from that moment."""
        with self.transaction():
            start, deadline = self._rt.clock.now, self._rt.clock.now + limit_s
            self._cluster.kubelet.secrets.notice_changes()
            while not done(self):
                if not self._step(deadline):
                    raise WorldError(f"condition not reached within {limit_s:g} virtual seconds")
            return self._rt.clock.now - start

    def wait_until_serving(self, pod: str | None = None, limit_s: float = 3600.0) -> float:
        """Let virtual time pass until the named pod (default: any pod of the deployment)
        answers requests: Running, not terminating, its process listening and seen ready
        by a readiness probe. Returns the virtual seconds waited (0 if it already serves);
        WorldError if that does not happen within `limit_s`."""
        def serving(world: "World") -> bool:
            now, pods = world._rt.clock.now, world._rt.state.pods
            if pod is not None:
                return _serving(world.pod(pod), now)
            return any(_serving(p, now) for p in pods)
        return self.run_until(serving, limit_s)

    def _step(self, deadline: float) -> bool:
        """Move to the next moment something changes before `deadline`: handle the next
        event, or stop where a pod turns ready first. False when nothing is due."""
        now = self._rt.clock.now
        pending = self._rt.clock.pending()
        ready = [t for p in self._rt.state.pods
                 if p.container.state == "running" and (t := p.container.ready_at) is not None
                 and now < t <= deadline]
        if ready and (not pending or min(ready) < pending[0].t):
            self._rt.clock.move_to(min(ready))
            return True
        event = self._rt.clock.next_due(deadline)
        if event is None:
            return False
        self._cluster.handle(event)
        return True

    def _run_first_boot(self) -> None:
        """Let time pass until a pod serves, or until no container is booting any more (a
        first boot that fails is left as it is): a new world starts served.

        Boot takes virtual time (podsim.durations); without this a page's first write would
        meet a process that is not listening yet."""
        def booting() -> bool:
            now = self._rt.clock.now
            return any(p.container.state == "running" and (
                p.container.process.get("phase") == "booting"
                or (p.container.ready_at or 0.0) > now
                or self._rt.clock.pending("kubelet.exec", pod=p.name))
                for p in self._rt.state.pods)
        while booting() and not any(_serving(p, self._rt.clock.now) for p in self._rt.state.pods):
            if not self._step(float("inf")):
                return

    def _run(self, until: float) -> None:
        # A Secret changed from outside (origin's key rotation) starts its way to the pods.
        self._cluster.kubelet.secrets.notice_changes()
        while (event := self._rt.clock.next_due(until)) is not None:
            self._cluster.handle(event)
        self._rt.clock.move_to(until)

    # -- looking at the cluster --------------------------------------------------------
    @property
    def state(self) -> WorldState:
        with self.transaction(save=False):
            return self._rt.state

    def pods(self) -> list[Pod]:
        with self.transaction(save=False):
            return list(self._rt.state.pods)

    def pod(self, name: str | None = None) -> Pod:
        """The named pod, or the deployment's current pod: started (phase Running) and not
        terminating, whether or not its container is up (it may be in CrashLoopBackOff).
        `serving_pod()` is the one that answers requests."""
        with self.transaction(save=False):
            pods = self._rt.state.pods
            if name is not None:
                found = self._rt.pod(name)
                if found is None:
                    raise WorldError(f"no pod named {name!r}; pods: {_names(pods)}")
                return found
            current = [p for p in pods if p.phase == "Running" and not p.terminating]
            if len(current) != 1:
                raise WorldError(
                    f"expected one current pod, found {len(current)}: "
                    f"{_states(pods, self._rt.clock.now)}"
                )
            return current[0]

    def serving_pod(self) -> Pod:
        """The one pod that answers requests: Running, ready and not terminating."""
        with self.transaction(save=False):
            pods, now = self._rt.state.pods, self._rt.clock.now
            serving = [p for p in pods if _serving(p, now)]
            if len(serving) != 1:
                raise WorldError(
                    f"expected one serving pod (Running, ready, not terminating), "
                    f"found {len(serving)}: {_states(pods, now)}"
                )
            return serving[0]

    def data_dir(self, pod: Pod | None = None) -> Path:
        """The pod's /app/data (default: the current pod's) in the world directory."""
        with self.transaction(save=False):
            target = pod or self.pod()
            path = self._rt.manifest.env.get("CFP_DATA_REPO_PATH", "/app/data")
            return self._rt.mounts(target).host_path(path)

    def mounts(self, pod: Pod) -> Mounts:
        """The pod's volumes: container paths <-> directories in the world directory."""
        with self.transaction(save=False):
            return self._rt.mounts(pod)

    def pod_git_env(self) -> dict[str, str]:
        """A clean environment for inspecting a pod's repository from outside."""
        return git_env(self.root / "inspector-home")

    # -- the API -----------------------------------------------------------------------
    def write(
        self,
        sheet: str = "people",
        record: dict[str, object] | None = None,
        user: str = "volunteer",
        pod: str | None = None,
    ) -> str:
        """One API request that changes a record; returns the write's id once acknowledged.

        It reaches the current (or named) pod directly, readiness aside; the process refuses
        it as a closed port would (`NotListening`) while it boots. After a restart, wait with
        `wait_until_serving()` first."""
        with self.transaction():
            pod_ = self.pod(pod)
            number = self._rt.state.next_number("writes")
            write_id = f"w-{number:04d}"
            record = record or sample_record(sheet, number)
            context = self._cluster.kubelet.context(pod_)
            commit = self._api().write(context, sheet, record, write_id, user)
            if commit is None:
                raise WorldError(f"write {write_id} changed nothing in {sheet}")
            self._rt.state.writes.append(
                Write(
                    write_id,
                    pod_.name,
                    self._rt.clock.now,
                    sheet,
                    str(record.get("slug", "")),
                    commit,
                )
            )
            self._run(self._rt.clock.now)
            return write_id

    def daemon_status(self, pod: str | None = None) -> dict[str, object] | None:
        """The push daemon's status() in the current (or named) pod."""
        with self.transaction(save=False):
            return self._api().status(self._cluster.kubelet.context(self.pod(pod)))

    def hot_reload(
        self, branch: str | None = None, commit_hash: str | None = None, pod: str | None = None
    ) -> dict[str, Any]:
        """POST /api/_internal/reload-data with a valid token: {"status": ..., "body": ...}."""
        with self.transaction():
            context = self._cluster.kubelet.context(self.pod(pod))
            response = self._api().hot_reload(context, branch, commit_hash)
            self._run(self._rt.clock.now)
            return response

    def fates(self) -> dict[str, str]:
        """Write id -> origin | conflict-branch | pod-only | lost."""
        with self.transaction(save=False):
            return classify(self.root, self._rt.state, self.data_dir)

    @property
    def api_settings(self) -> ApiSettings:
        """The modelled production's knobs this world's API runs with (git version, ...)."""
        return self._api().settings

    def _api(self) -> ApiProcess:
        if not isinstance(self._rt.process, ApiProcess):
            raise WorldError(f"this world runs {type(self._rt.process).__name__}, not the API")
        return self._rt.process

    # -- faults ------------------------------------------------------------------------
    def oom_kill(self, pod: str | None = None) -> None:
        self._on_pod(pod, lambda p: self._cluster.kubelet.kill(p, "OOMKilled", EXIT_SIGKILL))

    def crash(self, pod: str | None = None, exit_code: int = 1) -> None:
        self._on_pod(pod, lambda p: self._cluster.kubelet.kill(p, "Error", exit_code))

    def hang(self, pod: str | None = None) -> None:
        """The process stops answering; liveness kills and restarts the container."""
        self._on_pod(pod, self._cluster.kubelet.hang)

    def respond_slowly(self, seconds: float, pod: str | None = None) -> None:
        """The process answers HTTP only after `seconds` (its timers still run). Longer than
        the liveness probe's timeoutSeconds, every probe fails and liveness restarts the
        container; within it (or back at 0), probes pass."""
        self._on_pod(pod, lambda p: self._cluster.kubelet.respond_slowly(p, seconds))

    def heap_abort(self, pod: str | None = None) -> None:
        """V8 runs out of heap: node prints `FATAL ERROR: ... JavaScript heap out of memory`
        and aborts (exit 134 through tini). A crash, not OOMKilled: same pod, volume kept."""
        self._on_pod(pod, self._cluster.kubelet.heap_abort)

    def signal(self, pid: int, signal: str | int = "TERM", pod: str | None = None) -> None:
        """Send `signal` (TERM, SIGTERM, 15, INT, HUP, QUIT, KILL) to `pid` inside the
        current (or named) pod's container, as `kubectl exec POD -- kill -SIG PID` does.

        PID 1 is tini: it forwards the signal to node (pid 7), node dies of it (no handler
        in production), tini exits with node's status and the kubelet restarts the
        container in the same pod, volume kept. SIGKILL to PID 1 from inside the container
        is dropped by the kernel. Raises NoSuchProcess (a WorldError) for another pid or a
        container that is not running, ValueError for a signal not simulated."""
        number = signal_number(signal)
        self._on_pod(pod, lambda p: self._cluster.kubelet.signal(p, pid, number))

    def delete_pod(
        self, pod: str | None = None, grace_s: float | None = None, force: bool = False
    ) -> None:
        self._on_pod(pod, lambda p: self._cluster.delete_pod(p, grace_s, force))

    def evict(
        self, pod: str | None = None, message: str = "The node was low on resource: memory."
    ) -> None:
        self._on_pod(pod, lambda p: self._cluster.evict(p, message))

    def evict_for_memory(
        self, pod: str | None = None, working_set: str = "600Mi", available: str = "90Mi"
    ) -> None:
        """Node memory pressure: the kubelet evicts this Burstable pod, which uses
        `working_set` (over its memory request) while the node has `available` left. The pod
        fails with reason Evicted and the kubelet's message; its emptyDir goes with it."""
        self._on_pod(
            pod, lambda p: self._cluster.evict_for_memory(p, working_set, available)
        )

    def switch_strategy(self, strategy: str) -> None:
        """Apply the Deployment with another `spec.strategy.type` (Recreate or
        RollingUpdate), as `kubectl apply` of an edited manifest would. The strategy is not
        part of the pod template, so nothing rolls until the next rollout. The world keeps
        its edited copy of deploy/ in its own directory."""
        with self.transaction():
            copy = copy_with_strategy(
                self._rt.deploy_dir, self.root / "applied-deploy", strategy
            )
            self._rt.manifest = load_manifest(copy)
            self._rt.state.deploy_dir = str(copy)

    def write_secret(self, name: str, files: dict[str, bytes]) -> None:
        """Replace Secret `name`'s data (what an apply through the API does); the kubelet
        carries it into each pod that mounts it on its next sync."""
        if not name or "/" in name or name.startswith("."):
            raise WorldError(f"not a Secret name: {name!r}")
        with self.transaction():
            write_secret_files(self.root / "secrets" / name, files)
            self._cluster.kubelet.secrets.notice_changes()

    def rollout_restart(self) -> None:
        with self.transaction():
            self._cluster.rollout_restart()
            self._run(self._rt.clock.now)

    def fail_node(self, node: str | None = None) -> None:
        with self.transaction():
            self._cluster.fail_node(node or self.pod().node)

    def _on_pod(self, name: str | None, action: Callable[[Pod], Any]) -> None:
        with self.transaction():
            action(self.pod(name))
            self._run(self._rt.clock.now)  # let what happens at this instant happen


def _runtime(
    root: Path,
    state: WorldState,
    clock: Clock,
    trace: Trace,
    manifest: Manifest,
    origin: Origin,
    process: Process,
) -> Runtime:
    secret = next((v for v in manifest.volumes if v.kind == "secret"), None)
    key_dir = root / "secrets" / secret.source if secret else None
    key_file = key_dir / "id_ed25519" if key_dir else None

    def ssh_command(key: Path | None) -> str:
        return origin.ssh_command(key or key_file)

    return Runtime(root, state, clock, trace, manifest, process, ssh_command)


def _serving(pod: Pod, now: float) -> bool:
    return pod.phase == "Running" and not pod.terminating and pod.container.is_ready(now)


def _names(pods: list[Pod]) -> str:
    return ", ".join(p.name for p in pods) or "none"


def _states(pods: list[Pod], now: float) -> str:
    """Each pod with what decides whether it serves, e.g. `NAME (phase Running, container
    waiting: CrashLoopBackOff, not ready)`."""
    described = []
    for p in pods:
        c = p.container
        container = f"container {c.state}" + (f": {c.reason}" if c.reason else "")
        words = [f"phase {p.phase}", "terminating" if p.terminating else "", container,
                 "ready" if c.is_ready(now) else "not ready"]
        described.append(f"{p.name} ({', '.join(w for w in words if w)})")
    return "; ".join(described) or "none"
