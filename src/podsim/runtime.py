"""What the kubelet and the controller share: state, time, trace, manifest and volumes."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podsim.clock import Clock
from podsim.manifest import Manifest
from podsim.seam import Mounts, Process
from podsim.state import Pod, WorldState
from podsim.trace import Trace


@dataclass
class Runtime:
    root: Path  # the world directory
    state: WorldState
    clock: Clock
    trace: Trace
    manifest: Manifest
    process: Process
    # GIT_SSH_COMMAND that reaches the world's origin with a key file (None: the Secret's)
    ssh_command: Callable[[Path | None], str]

    @property
    def deploy_dir(self) -> Path:
        return Path(self.state.deploy_dir)

    def pod(self, name: str) -> Pod | None:
        return next((p for p in self.state.pods if p.name == name), None)

    def record(self, kind: str, detail: str = "", **data: object) -> None:
        self.trace.record(self.clock.now, kind, detail, **data)

    def mounts(self, pod: Pod) -> Mounts:
        """The pod's volumes as its container sees them, backed by the world directory."""
        return Mounts(
            {
                v.mount_path: self.root / pod.volumes[v.name]
                for v in self.manifest.volumes
                if v.mount_path and v.name in pod.volumes
            }
        )
