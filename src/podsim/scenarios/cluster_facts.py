"""The cluster facts every operator command relies on, read from the deploy/ manifests.

Namespace, deployment, container, pod label, the data volume and the branch: the values a
runbook's commands name. The site renders them as a table (never by hand), so a page and the
manifests the simulator runs cannot disagree.
"""

from dataclasses import asdict, dataclass, fields
from typing import Any

from podsim.manifest import Manifest

# The label kubectl's -l selectors use for the API's pods.
NAME_LABEL = "app.kubernetes.io/name"


class ClusterFactsError(ValueError):
    """The manifests lack a fact the cluster-facts table shows, or an export is malformed."""


@dataclass(frozen=True)
class ClusterFacts:
    namespace: str
    deployment: str
    container: str
    label: str  # key=value, as kubectl's -l takes it
    volume: str  # the volume holding the data repository
    volume_kind: str  # emptyDir, persistentVolumeClaim, ...
    data_path: str  # where the container mounts it (CFP_DATA_REPO_PATH)
    branch: str  # the branch the API serves and pushes (CFP_DATA_BRANCH)

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Any) -> "ClusterFacts":
        names = {f.name for f in fields(cls)}
        if not isinstance(raw, dict) or set(raw) != names:
            shown = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
            raise ClusterFactsError(f"cluster facts have fields {shown}; expected {sorted(names)}")
        return cls(**{name: str(raw[name]) for name in names})


def cluster_facts(manifest: Manifest) -> ClusterFacts:
    """The facts of `manifest` (see ClusterFacts), or one error naming what is missing."""
    where = manifest.source
    if NAME_LABEL not in manifest.selector:
        raise ClusterFactsError(f"{where}: the deployment's selector has no {NAME_LABEL} label")
    for key in ("CFP_DATA_REPO_PATH", "CFP_DATA_BRANCH"):
        if not manifest.env.get(key):
            raise ClusterFactsError(f"{where}: the container's environment has no {key}")
    data_path = manifest.env["CFP_DATA_REPO_PATH"]
    volume = manifest.volume_at(data_path)
    return ClusterFacts(
        namespace=manifest.namespace,
        deployment=manifest.deployment,
        container=manifest.container,
        label=f"{NAME_LABEL}={manifest.selector[NAME_LABEL]}",
        volume=volume.name,
        volume_kind=volume.kind,
        data_path=data_path,
        branch=manifest.env["CFP_DATA_BRANCH"],
    )
