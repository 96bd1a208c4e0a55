"""Secret volumes: each pod mounts its own copy of a Secret, refreshed some time after the
Secret changes (docs/reference/sources.md#secret-volumes).

The Secret object lives in `secrets/<name>/` of the world directory (what origin's key
rotation writes and `kubectl get secret` reads); a pod's volume is `volumes/<uid>-<volume>/`.
The kubelet copies the Secret into the volume when it mounts it (a container start) and,
after a change, on its next sync: `ClusterSettings.secret_refresh_s` later.
"""

import shutil
from pathlib import Path

from podsim.errors import WorldError
from podsim.runtime import Runtime
from podsim.state import Pod

REFRESH_EVENT = "kubelet.secret-sync"


class SecretVolumes:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def volume_dir(self, pod: Pod, volume: str) -> str:
        """Where the pod's copy of a Secret volume lives, relative to the world directory."""
        return f"volumes/{pod.uid}-{volume}"

    def project(self, pod: Pod) -> None:
        """Copy every Secret the pod mounts into its volume (a mount or a sync)."""
        for volume, source, target in self._secret_volumes(pod):
            if not _same_files(source, target):
                refresh = target.exists()  # not the first mount
                _copy_atomically(source, target)
                if refresh:
                    self.rt.record("secret.refreshed", f"{source.name} in {pod.name}",
                                   pod=pod.name, volume=volume)

    def notice_changes(self) -> None:
        """Schedule a sync for every pod whose mounted copy differs from its Secret."""
        delay = self.rt.state.settings.secret_refresh_s
        for pod in self.rt.state.pods:
            stale = any(not _same_files(s, t) for _, s, t in self._secret_volumes(pod))
            if stale and not self.rt.clock.pending(REFRESH_EVENT, pod=pod.name):
                self.rt.clock.schedule(delay, REFRESH_EVENT, pod=pod.name)

    def remove(self, pod: Pod) -> None:
        """The kubelet unmounts a released pod's Secret volumes."""
        self.rt.clock.cancel(REFRESH_EVENT, pod=pod.name)
        for _, _, target in self._secret_volumes(pod):
            shutil.rmtree(target, ignore_errors=True)

    def _secret_volumes(self, pod: Pod) -> list[tuple[str, Path, Path]]:
        return [
            (v.name, self.rt.root / "secrets" / v.source, self.rt.root / pod.volumes[v.name])
            for v in self.rt.manifest.volumes
            if v.kind == "secret" and v.name in pod.volumes
        ]


def write_secret_files(folder: Path, files: dict[str, bytes]) -> None:
    """Make `folder` hold exactly `files` (a Secret's data, owner-read-only as ssh wants its
    key), swapped in at once so a reader sees the old data or the new."""
    for name in files:
        if not name or "/" in name or name.startswith("."):
            raise WorldError(f"not a Secret data key: {name!r}")
    staging = folder.with_name(f".{folder.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, content in files.items():
        (staging / name).write_bytes(content)
        (staging / name).chmod(0o400)
    retired = folder.with_name(f".{folder.name}.retired")
    shutil.rmtree(retired, ignore_errors=True)
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)


def _same_files(source: Path, target: Path) -> bool:
    names = sorted(p.name for p in source.iterdir()) if source.is_dir() else []
    if names != (sorted(p.name for p in target.iterdir()) if target.is_dir() else []):
        return False
    return all((source / n).read_bytes() == (target / n).read_bytes() for n in names)


def _copy_atomically(source: Path, target: Path) -> None:
    """Replace the volume's files at once, as the kubelet swaps its `..data` link."""
    staging = target.with_name(target.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, staging)
    else:
        staging.mkdir(parents=True)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
