"""What the kubelet and the controller share: state, time, trace, manifest and paths."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podsim.api.context import ProcessConfig
from podsim.clock import Clock
from podsim.manifest import Manifest
from podsim.process import Process
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
    ssh_command: Callable[[], str]  # GIT_SSH_COMMAND that reaches the world's origin

    @property
    def deploy_dir(self) -> Path:
        return Path(self.state.deploy_dir)

    def process_config(self) -> ProcessConfig:
        return ProcessConfig(
            branch=self.manifest.env.get("CFP_DATA_BRANCH", "main"),
            remote_url=self.manifest.env.get("CFP_DATA_REMOTE"),
            git_version=self.state.git_version,
            sigterm_handler=self.state.sigterm_handler,
        )

    def pod(self, name: str) -> Pod | None:
        return next((p for p in self.state.pods if p.name == name), None)

    def record(self, kind: str, detail: str = "", **data: object) -> None:
        self.trace.record(self.clock.now, kind, detail, **data)

    def mounts(self, pod: Pod) -> dict[str, Path]:
        """Container mount path -> the directory in the world directory that backs it."""
        return {
            v.mount_path: self.root / pod.volumes[v.name]
            for v in self.manifest.volumes
            if v.mount_path and v.name in pod.volumes
        }

    def host_path(self, pod: Pod, container_path: str) -> Path:
        """Where a path inside the container lives in the world directory."""
        for mount, host in self.mounts(pod).items():
            if container_path == mount or container_path.startswith(mount + "/"):
                return host / container_path[len(mount) :].lstrip("/")
        raise ValueError(f"{container_path} is not on a volume of pod {pod.name}")
