"""A world: origin, cluster and pods around real git repositories, in one directory.

The world directory holds `world.json` (cluster objects, virtual clock, event queue,
trace) next to the real repositories. Any process can open it; each public operation
takes a file lock, reloads what another process may have changed, and saves.
"""

import contextlib
import fcntl
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from podsim import persistence
from podsim.api.process import ApiProcess
from podsim.clock import DEFAULT_EPOCH, Clock
from podsim.cluster import Cluster
from podsim.errors import WorldError
from podsim.fates import classify
from podsim.gitenv import git_env
from podsim.kubelet import EXIT_SIGKILL
from podsim.manifest import Manifest, load_manifest
from podsim.origin import Origin
from podsim.persistence import STATE_FILE
from podsim.process import Process
from podsim.runtime import Runtime
from podsim.sample_writes import sample_record
from podsim.state import Deployment, Node, Pod, WorldState, Write
from podsim.trace import Trace

DEFAULT_DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"
NODES = ("sandbox-worker-1", "sandbox-worker-2")


class World:
    def __init__(self, root: Path, runtime: Runtime, origin: Origin) -> None:
        self.root = root
        self.rt = runtime
        self.origin = origin
        self.cluster = Cluster(runtime)
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
        git_version: tuple[int, int] = (2, 45),
        sigterm_handler: bool = False,
        process: Process | None = None,
    ) -> "World":
        root = Path(root).resolve()
        if (root / STATE_FILE).exists():
            raise WorldError(f"{root}: a world already exists here")
        root.mkdir(parents=True, exist_ok=True)
        manifest = load_manifest(deploy_dir)
        state = WorldState(
            seed=seed,
            deploy_dir=str(Path(deploy_dir).resolve()),
            git_version=git_version,
            sigterm_handler=sigterm_handler,
            deployment=Deployment(manifest.deployment, manifest.namespace),
            nodes=[Node(name) for name in NODES],
        )
        clock = Clock(DEFAULT_EPOCH)
        origin = Origin.create(root, random.Random(seed), clock.utc())
        world = cls(root, _runtime(root, state, clock, Trace(), manifest, origin, process), origin)
        with world.transaction(fresh=True):
            world.cluster.sync()
            world._run(0.0)
        return world

    @classmethod
    def open(cls, root: Path, process: Process | None = None) -> "World":
        root = Path(root).resolve()
        state, clock, trace = persistence.load(root)
        manifest = load_manifest(Path(state.deploy_dir))
        origin = Origin(root)
        world = cls(root, _runtime(root, state, clock, trace, manifest, origin, process), origin)
        world._stamp = persistence.stamp(root)
        return world

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
            if not fresh and persistence.stamp(self.root) != self._stamp:
                self.rt.state, self.rt.clock, self.rt.trace = persistence.load(self.root)
            self._depth = 1
            try:
                yield self
            finally:
                self._depth = 0
                if save:
                    self._save()

    def _save(self) -> None:
        self._stamp = persistence.save(self.root, self.rt.state, self.rt.clock, self.rt.trace)

    # -- time --------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.rt.clock.now

    @property
    def manifest(self) -> Manifest:
        return self.rt.manifest

    @property
    def trace(self) -> Trace:
        return self.rt.trace

    def advance(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass, processing every event due."""
        with self.transaction():
            self._run(self.rt.clock.now + seconds)

    def run_until(self, done: Callable[["World"], bool], limit_s: float = 86_400.0) -> float:
        """Process events until `done(world)` holds; returns the virtual time it took."""
        with self.transaction():
            start, deadline = self.rt.clock.now, self.rt.clock.now + limit_s
            while not done(self):
                event = self.rt.clock.next_due(deadline)
                if event is None:
                    raise WorldError(f"condition not reached within {limit_s:g} virtual seconds")
                self.cluster.handle(event)
            return self.rt.clock.now - start

    def _run(self, until: float) -> None:
        while (event := self.rt.clock.next_due(until)) is not None:
            self.cluster.handle(event)
        self.rt.clock.move_to(until)

    # -- looking at the cluster --------------------------------------------------------
    @property
    def state(self) -> WorldState:
        return self.rt.state

    def pods(self) -> list[Pod]:
        with self.transaction(save=False):
            return list(self.rt.state.pods)

    def pod(self, name: str | None = None) -> Pod:
        """The named pod, or the one serving pod (running, not terminating)."""
        with self.transaction(save=False):
            pods = self.rt.state.pods
            if name is not None:
                found = self.rt.pod(name)
                if found is None:
                    raise WorldError(f"no pod named {name!r}; pods: {_names(pods)}")
                return found
            serving = [p for p in pods if p.phase == "Running" and not p.terminating]
            if len(serving) != 1:
                raise WorldError(f"expected one serving pod, found {len(serving)}: {_names(pods)}")
            return serving[0]

    def data_dir(self, pod: Pod | None = None) -> Path:
        """The pod's /app/data in the world directory."""
        target = pod or self.pod()
        return self.rt.host_path(target, self.manifest.env.get("CFP_DATA_REPO_PATH", "/app/data"))

    def pod_git_env(self) -> dict[str, str]:
        """A clean environment for inspecting a pod's repository from outside."""
        return git_env(self.root / "inspector-home")

    # -- the API -----------------------------------------------------------------------
    def write(
        self,
        sheet: str = "people",
        record: dict[str, object] | None = None,
        user: str = "volunteer",
    ) -> str:
        """One API request that changes a record; returns the write's id once acknowledged."""
        with self.transaction():
            pod = self.pod()
            number = self.rt.state.next_number("writes")
            write_id = f"w-{number:04d}"
            record = record or sample_record(sheet, number)
            process = self._api()
            commit = process.write(self.cluster.kubelet.context(pod), sheet, record, write_id, user)
            if commit is None:
                raise WorldError(f"write {write_id} changed nothing in {sheet}")
            self.rt.state.writes.append(
                Write(write_id, pod.name, self.now, sheet, str(record.get("slug", "")), commit)
            )
            self._run(self.rt.clock.now)
            return write_id

    def daemon_status(self, pod: str | None = None) -> dict[str, object] | None:
        """The push daemon's status() in the serving (or named) pod."""
        with self.transaction(save=False):
            return self._api().status(self.cluster.kubelet.context(self.pod(pod)))

    def hot_reload(
        self, branch: str | None = None, commit_hash: str | None = None, pod: str | None = None
    ) -> dict[str, Any]:
        """POST /api/_internal/reload-data with a valid token: {"status": ..., "body": ...}."""
        with self.transaction():
            context = self.cluster.kubelet.context(self.pod(pod))
            response = self._api().hot_reload(context, branch, commit_hash)
            self._run(self.rt.clock.now)
            return response

    def fates(self) -> dict[str, str]:
        """Write id -> origin | conflict-branch | pod-only | lost."""
        with self.transaction(save=False):
            return classify(self.root, self.rt.state)

    def _api(self) -> ApiProcess:
        if not isinstance(self.rt.process, ApiProcess):
            raise WorldError(f"this world runs {type(self.rt.process).__name__}, not the API")
        return self.rt.process

    # -- faults ------------------------------------------------------------------------
    def oom_kill(self, pod: str | None = None) -> None:
        self._on_pod(pod, lambda p: self.cluster.kubelet.kill(p, "OOMKilled", EXIT_SIGKILL))

    def crash(self, pod: str | None = None, exit_code: int = 1) -> None:
        self._on_pod(pod, lambda p: self.cluster.kubelet.kill(p, "Error", exit_code))

    def hang(self, pod: str | None = None) -> None:
        """The process stops answering; liveness kills and restarts the container."""
        self._on_pod(pod, self.cluster.kubelet.hang)

    def delete_pod(
        self, pod: str | None = None, grace_s: float | None = None, force: bool = False
    ) -> None:
        self._on_pod(pod, lambda p: self.cluster.delete_pod(p, grace_s, force))

    def evict(
        self, pod: str | None = None, message: str = "The node was low on resource: memory."
    ) -> None:
        self._on_pod(pod, lambda p: self.cluster.evict(p, message))

    def rollout_restart(self) -> None:
        with self.transaction():
            self.cluster.rollout_restart()
            self._run(self.rt.clock.now)

    def fail_node(self, node: str | None = None) -> None:
        with self.transaction():
            self.cluster.fail_node(node or self.pod().node)

    def _on_pod(self, name: str | None, action: Callable[[Pod], Any]) -> None:
        with self.transaction():
            action(self.pod(name))
            self._run(self.rt.clock.now)  # let what happens at this instant happen


def _runtime(
    root: Path,
    state: WorldState,
    clock: Clock,
    trace: Trace,
    manifest: Manifest,
    origin: Origin,
    process: Process | None,
) -> Runtime:
    secret = next((v for v in manifest.volumes if v.kind == "secret"), None)
    key_dir = root / "secrets" / secret.source if secret else None
    key_file = key_dir / "id_ed25519" if key_dir else None
    return Runtime(
        root,
        state,
        clock,
        trace,
        manifest,
        process or ApiProcess(),
        lambda: origin.ssh_command(key_file),
    )


def _names(pods: list[Pod]) -> str:
    return ", ".join(p.name for p in pods) or "none"
