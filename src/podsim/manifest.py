"""The deployment as the simulator runs it, read from deploy/kustomize.

Only what changes simulated behaviour is extracted: names, namespace, strategy, grace
period, probes, resources, volumes, env. Anything the simulator cannot interpret raises
ManifestError naming the file and the field.
"""

import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from podsim.errors import ManifestError

DEFAULT_GRACE_S = 30.0  # Kubernetes' terminationGracePeriodSeconds default
PROBE_DEFAULTS = {
    "initialDelaySeconds": 0,
    "periodSeconds": 10,
    "timeoutSeconds": 1,
    "failureThreshold": 3,
    "successThreshold": 1,
}


@dataclass(frozen=True)
class Probe:
    path: str
    initial_delay_s: float
    period_s: float
    timeout_s: float
    failure_threshold: int


@dataclass(frozen=True)
class Volume:
    name: str
    kind: str  # "emptyDir" | "persistentVolumeClaim" | "secret"
    source: str = ""  # claim or secret name
    mount_path: str = ""


@dataclass(frozen=True)
class Manifest:
    namespace: str
    deployment: str
    replicas: int
    strategy: str
    labels: dict[str, str]
    selector: dict[str, str]
    container: str
    image: str
    grace_s: float
    liveness: Probe | None
    readiness: Probe | None
    resources: dict[str, dict[str, str]]
    env: dict[str, str]
    volumes: tuple[Volume, ...] = field(default_factory=tuple)
    source: Path = Path()
    # RollingUpdate's bounds as pod counts (Kubernetes defaults: 25% each, surge rounded
    # up, unavailable rounded down); unused under Recreate.
    max_surge: int = 1
    max_unavailable: int = 0

    def volume(self, name: str) -> Volume:
        for volume in self.volumes:
            if volume.name == name:
                return volume
        raise ManifestError(f"{self.source}: no volume named {name!r}")

    def volume_at(self, mount_path: str) -> Volume:
        for volume in self.volumes:
            if volume.mount_path == mount_path:
                return volume
        raise ManifestError(f"{self.source}: nothing is mounted at {mount_path}")


# (deploy dir, overlay, the files' bytes) -> what they parsed to: parsing YAML costs tens of
# milliseconds, reading the files a few microseconds, so a world opened again (or another
# world of the same deploy/) reuses the parse until a file's content changes.
_PARSED: dict[tuple[str, str, tuple[bytes, ...]], "Manifest"] = {}


def load_manifest(deploy_dir: Path, overlay: str = "sandbox") -> Manifest:
    """Read base deployment + configmap, with the overlay's namespace."""
    base = deploy_dir / "kustomize" / "base"
    files = (base / "deployment.yaml", base / "configmap.yaml",
             deploy_dir / "kustomize" / "overlays" / overlay / "kustomization.yaml")
    try:
        key = (str(deploy_dir.resolve()), overlay, tuple(f.read_bytes() for f in files))
    except OSError:
        return _parse(deploy_dir, overlay)  # says which file is missing
    if key not in _PARSED:
        _PARSED[key] = _parse(deploy_dir, overlay)
    return _PARSED[key]


def _parse(deploy_dir: Path, overlay: str) -> Manifest:
    base = deploy_dir / "kustomize" / "base"
    deployment_file = base / "deployment.yaml"
    doc = _read(deployment_file)
    config = _read(base / "configmap.yaml")
    overlay_doc = _read(deploy_dir / "kustomize" / "overlays" / overlay / "kustomization.yaml")
    spec = _get(doc, deployment_file, "spec")
    pod = _get(spec, deployment_file, "template", "spec")
    containers = _get(pod, deployment_file, "containers")
    if len(containers) != 1:
        raise ManifestError(f"{deployment_file}: expected one container, found {len(containers)}")
    container = containers[0]
    mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
    env = {k: str(v) for k, v in _get(config, base / "configmap.yaml", "data").items()}
    env.update({e["name"]: str(e["value"]) for e in container.get("env", [])})
    replicas = int(spec.get("replicas", 1))
    rolling = spec.get("strategy", {}).get("rollingUpdate", {}) or {}
    surge = _pods(rolling.get("maxSurge", "25%"), replicas, math.ceil, deployment_file)
    unavailable = _pods(rolling.get("maxUnavailable", "25%"), replicas, math.floor,
                        deployment_file)
    if surge == 0 and unavailable == 0:
        raise ManifestError(f"{deployment_file}: spec.strategy.rollingUpdate: maxSurge and "
                            "maxUnavailable cannot both be 0")
    return Manifest(
        namespace=str(_get(overlay_doc, deploy_dir / overlay, "namespace")),
        deployment=str(_get(doc, deployment_file, "metadata", "name")),
        replicas=replicas,
        strategy=str(spec.get("strategy", {}).get("type", "RollingUpdate")),
        labels=dict(_get(spec, deployment_file, "template", "metadata", "labels")),
        selector=dict(_get(spec, deployment_file, "selector", "matchLabels")),
        container=str(container["name"]),
        image=str(container["image"]),
        grace_s=float(pod.get("terminationGracePeriodSeconds", DEFAULT_GRACE_S)),
        liveness=_probe(container.get("livenessProbe"), deployment_file),
        readiness=_probe(container.get("readinessProbe"), deployment_file),
        resources={k: {r: str(q) for r, q in v.items()} for k, v in container["resources"].items()},
        env=env,
        volumes=tuple(_volume(v, mounts, deployment_file) for v in pod.get("volumes", [])),
        source=deployment_file,
        max_surge=surge,
        max_unavailable=unavailable,
    )


def _pods(raw: Any, replicas: int, rounding: Any, source: Path) -> int:
    """A maxSurge/maxUnavailable value (a count or "N%") as a number of pods."""
    text = str(raw)
    try:
        if text.endswith("%"):
            return int(rounding(replicas * int(text[:-1]) / 100))
        return int(text)
    except ValueError:
        raise ManifestError(f"{source}: spec.strategy.rollingUpdate: {raw!r} is neither a "
                            "count nor a percentage") from None


def copy_with_strategy(deploy_dir: Path, target: Path, strategy: str) -> Path:
    """A copy of `deploy_dir` at `target` whose Deployment uses `strategy` (Recreate, or
    RollingUpdate with Kubernetes' default bounds); returns the copy."""
    if strategy not in ("Recreate", "RollingUpdate"):
        raise ManifestError(f"strategy {strategy!r} is neither Recreate nor RollingUpdate")
    if deploy_dir.resolve() != target.resolve():
        shutil.copytree(deploy_dir, target, dirs_exist_ok=True)
    deployment_file = target / "kustomize" / "base" / "deployment.yaml"
    doc = _read(deployment_file)
    _get(doc, deployment_file, "spec")["strategy"] = {"type": strategy}
    deployment_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    return target


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ManifestError(f"{path}: manifest file is missing") from None
    except yaml.YAMLError as error:
        raise ManifestError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise ManifestError(f"{path}: expected a YAML mapping at the top")
    return loaded


def _get(node: Any, source: Path, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            raise ManifestError(f"{source}: missing field {'.'.join(keys)}")
        node = node[key]
    return node


def _probe(raw: dict[str, Any] | None, source: Path) -> Probe | None:
    if raw is None:
        return None
    if "httpGet" not in raw:
        raise ManifestError(f"{source}: only httpGet probes are simulated, got {sorted(raw)}")
    values = {**PROBE_DEFAULTS, **raw}
    return Probe(
        path=str(raw["httpGet"]["path"]),
        initial_delay_s=float(values["initialDelaySeconds"]),
        period_s=float(values["periodSeconds"]),
        timeout_s=float(values["timeoutSeconds"]),
        failure_threshold=int(values["failureThreshold"]),
    )


def _volume(raw: dict[str, Any], mounts: dict[str, str], source: Path) -> Volume:
    name = str(raw["name"])
    mount = mounts.get(name, "")
    if "emptyDir" in raw:
        return Volume(name, "emptyDir", "", mount)
    if "persistentVolumeClaim" in raw:
        return Volume(
            name, "persistentVolumeClaim", raw["persistentVolumeClaim"]["claimName"], mount
        )
    if "secret" in raw:
        return Volume(name, "secret", raw["secret"]["secretName"], mount)
    raise ManifestError(f"{source}: volume {name!r} has a type the simulator does not model")
