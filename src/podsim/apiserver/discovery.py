"""Discovery: which groups, versions and resources the endpoint serves.

kubectl first asks for aggregated discovery (one document per /api and /apis) and falls
back to the per-version lists; both are built from the one RESOURCES table below.
"""

from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
SERVER_VERSION = {
    "major": "1", "minor": "37", "gitVersion": "v1.37.1-podsim", "gitCommit": "",
    "gitTreeState": "clean", "buildDate": "2026-08-15T12:00:00Z", "goVersion": "go1.25",
    "compiler": "gc", "platform": "linux/amd64",
}


@dataclass(frozen=True)
class Resource:
    group: str  # "" is the core group
    name: str
    kind: str
    singular: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # "all": listed by `kubectl get all`

    @property
    def version(self) -> str:
        return GROUPS.get(self.group, "v1")

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else "v1"

    @property
    def key(self) -> str:
        """What the store and printers know it by: `pods`, or `pods.metrics.k8s.io`."""
        return f"{self.name}.{self.group}" if self.group not in ("", "apps") else self.name


METRICS = "metrics.k8s.io"
GROUPS = {"apps": "v1", METRICS: "v1beta1"}  # named groups and the one version each serves
READ = ("get", "list")
ALL = ("all",)
RESOURCES = (
    Resource("", "pods", "Pod", "pod", True, (*READ, "delete"), ("po",), ("log", "exec"), ALL),
    Resource("", "nodes", "Node", "node", False, READ, ("no",)),
    Resource("", "namespaces", "Namespace", "namespace", False, READ, ("ns",)),
    Resource("", "secrets", "Secret", "secret", True, (*READ, "create", "patch")),
    Resource("", "events", "Event", "event", True, READ, ("ev",)),
    Resource("apps", "deployments", "Deployment", "deployment", True, (*READ, "patch"),
             ("deploy",), (), ALL),
    Resource("apps", "replicasets", "ReplicaSet", "replicaset", True, READ, ("rs",), (), ALL),
    Resource(METRICS, "pods", "PodMetrics", "", True, READ),
    Resource(METRICS, "nodes", "NodeMetrics", "", False, READ),
)


def wants_aggregated(accept: str) -> str | None:
    """The aggregated discovery version the client asks for first, if any."""
    first = accept.split(",")[0].replace(" ", "")
    for version in ("v2", "v2beta1"):
        if first == AGGREGATED.format(version=version):
            return version
    return None


def _resource_entry(r: Resource) -> Obj:
    return {
        "resource": r.name,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": list(r.verbs),
        **({"shortNames": list(r.short_names)} if r.short_names else {}),
        **({"categories": list(r.categories)} if r.categories else {}),
        "subresources": [
            {"subresource": sub, "responseKind": {"group": "", "version": r.version,
                                                   "kind": r.kind},
             "verbs": ["get"]}
            for sub in r.subresources
        ],
    }


def aggregated(group_names: tuple[str, ...], version: str) -> Obj:
    """APIGroupDiscoveryList for /api (core: ("",)) or /apis (the named groups)."""
    items = []
    for group in group_names:
        resources = [_resource_entry(r) for r in RESOURCES if r.group == group]
        items.append({
            "metadata": {"name": group, "creationTimestamp": None} if group
            else {"creationTimestamp": None},
            "versions": [{"version": GROUPS.get(group, "v1"), "resources": resources,
                          "freshness": "Current"}],
        })
    return {"kind": "APIGroupDiscoveryList", "apiVersion": f"apidiscovery.k8s.io/{version}",
            "metadata": {}, "items": items}


def api_versions(server_address: str) -> Obj:
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
        {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def group_list() -> Obj:
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
         "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
        for g, v in GROUPS.items()
    ]}


def resource_list(group: str) -> Obj:
    """APIResourceList for one group's version (subresources as `pods/log` entries)."""
    entries: list[Obj] = []
    for r in (r for r in RESOURCES if r.group == group):
        entry: Obj = {"name": r.name, "singularName": r.singular, "namespaced": r.namespaced,
                      "kind": r.kind, "verbs": list(r.verbs)}
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        entries.append(entry)
        entries += [{"name": f"{r.name}/{sub}", "singularName": "", "namespaced": r.namespaced,
                     "kind": r.kind, "verbs": ["get"]} for sub in r.subresources]
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{GROUPS[group]}" if group else "v1", "resources": entries}


def find(group: str, name: str) -> Resource | None:
    return next((r for r in RESOURCES if r.group == group and r.name == name), None)
