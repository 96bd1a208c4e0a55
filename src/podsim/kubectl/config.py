"""Which world a kubectl call talks to: a kubeconfig whose cluster names a world directory.

The file has real kubeconfig shape (apiVersion v1, kind Config, clusters, contexts, users,
current-context). The cluster entry carries the world in an extension named `podsim`:

    clusters:
    - name: podsim-sandbox
      cluster:
        server: https://podsim-sandbox.invalid:6443
        extensions:
        - name: podsim
          extension: {world: /abs/path/to/world}

It is found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from podsim.errors import WorldError
from podsim.kubectl.errors import KubectlError
from podsim.world import World

CLUSTER = "podsim-sandbox"
SERVER = "https://podsim-sandbox.invalid:6443"
NO_CONFIG_SERVER = "http://localhost:8080"  # what kubectl dials with no kubeconfig at all


@dataclass
class Binding:
    world: World
    namespace: str


def write_kubeconfig(path: Path, world_root: Path, namespace: str | None = None) -> Path:
    """Write a kubeconfig that binds kubectl to the world at `world_root`."""
    context: dict[str, Any] = {"cluster": CLUSTER, "user": "podsim-operator"}
    if namespace:
        context["namespace"] = namespace
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{
            "name": CLUSTER,
            "cluster": {
                "server": SERVER,
                "extensions": [
                    {"name": "podsim", "extension": {"world": str(Path(world_root).resolve())}}
                ],
            },
        }],
        "contexts": [{"name": CLUSTER, "context": context}],
        "current-context": CLUSTER,
        "preferences": {},
        "users": [{"name": "podsim-operator", "user": {}}],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def bind(kubeconfig: str | None, namespace: str | None) -> Binding:
    """Open the world the kubeconfig names; fail as kubectl does when no server answers."""
    path = _config_path(kubeconfig)
    if path is None:
        raise _refused(NO_CONFIG_SERVER)
    doc = _load(path)
    context = _named(doc, "contexts", doc.get("current-context"), "context")
    cluster = _named(doc, "clusters", context.get("cluster"), "cluster")
    server = str(cluster.get("server") or NO_CONFIG_SERVER)
    world_dir = next(
        (
            (ext.get("extension") or {}).get("world")
            for ext in cluster.get("extensions") or []
            if isinstance(ext, dict) and ext.get("name") == "podsim"
        ),
        None,
    )
    if not world_dir:
        raise _refused(server)
    try:
        world = World.open(Path(world_dir))
    except WorldError:
        raise _refused(server) from None
    return Binding(world, namespace or str(context.get("namespace") or "default"))


def _config_path(explicit: str | None) -> Path | None:
    if explicit:
        if not Path(explicit).is_file():
            raise KubectlError(
                f'error: stat {explicit}: no such file or directory'
            )
        return Path(explicit)
    for entry in os.environ.get("KUBECONFIG", "").split(os.pathsep):
        if entry and Path(entry).is_file():
            return Path(entry)
    default = Path(os.environ.get("HOME", "/nonexistent")) / ".kube" / "config"
    return default if default.is_file() else None


def _load(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise KubectlError(f'error: error loading config file "{path}": {error}') from None
    if not isinstance(doc, dict):
        raise KubectlError(f'error: error loading config file "{path}": not a kubeconfig')
    return doc


def _named(doc: dict[str, Any], section: str, name: object, key: str) -> dict[str, Any]:
    for entry in doc.get(section) or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            return dict(entry.get(key) or {})
    return {}


def _refused(server: str) -> KubectlError:
    parts = urlsplit(server)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return KubectlError(
        f"The connection to the server {parts.hostname}:{port} was refused"
        " - did you specify the right host or port?"
    )
