"""The world behind the endpoint, read afresh for every request.

One World object is kept per server; each request reads it inside the world's lock, which
reloads whatever another process saved since, so kubectl sees every change at once.
"""

import contextlib
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from podsim.apiserver import objects
from podsim.apiserver.cluster_objects import namespace_names, namespace_object, node_object
from podsim.apiserver.deployment_objects import (
    deployment_object,
    replicaset_hashes,
    replicaset_object,
)
from podsim.apiserver.events import event_objects
from podsim.apiserver.metrics import pod_metrics, pod_metrics_missing
from podsim.apiserver.secrets import secret_names, secret_object
from podsim.apiserver.status import not_found, world_unavailable
from podsim.errors import WorldError
from podsim.world import World

Obj = objects.Obj


class WorldStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._world: World | None = None
        self._lock = threading.Lock()  # one reader at a time shares the World object

    @contextlib.contextmanager
    def session(self, save: bool = False) -> Iterator[World]:
        """The world under its lock, reloaded if another process saved since; requests
        that change it pass save=True. A world that cannot be opened is one clear Status."""
        with self._lock, contextlib.ExitStack() as stack:
            try:
                if self._world is None:
                    self._world = World.open(self.root)
                world = stack.enter_context(self._world.transaction(save=save))
            except (WorldError, OSError) as error:
                self._world = None  # reopen next time: the directory may come back
                raise world_unavailable(str(error)) from None
            yield world


def _in(world: World, namespace: str | None) -> bool:
    return namespace is None or namespace == world.manifest.namespace


def list_objects(
    world: World, resource: str, namespace: str | None, wall_now: datetime | None = None
) -> list[Obj]:
    """Every object of `resource` in `namespace` (None: all namespaces), in name order;
    `wall_now` is the wall-clock moment events' timestamps are mapped against."""
    if resource == "nodes":
        return [node_object(world, n.name) for n in world.state.nodes]
    if resource == "secrets":
        inside = _in(world, namespace)
        return [secret_object(world, n) for n in secret_names(world)] if inside else []
    if resource == "namespaces":
        return [namespace_object(world, n) for n in namespace_names(world)]
    if not _in(world, namespace):
        return []
    if resource == "pods.metrics.k8s.io":
        return pod_metrics(world, namespace)
    if resource == "nodes.metrics.k8s.io":
        return []  # node usage is not simulated: kubectl reports the nodes without metrics
    if resource == "events":
        return event_objects(world, wall_now)
    if resource == "pods":
        found = [objects.pod_object(world, p) for p in world.state.pods]
    elif resource == "deployments":
        found = [deployment_object(world)]
    elif resource == "replicasets":
        found = [replicaset_object(world, h) for h in replicaset_hashes(world)]
    else:
        raise ValueError(f"no store for resource {resource!r}")
    return sorted(found, key=lambda o: str(o["metadata"]["name"]))


def get_object(
    world: World, resource: str, namespace: str | None, name: str,
    wall_now: datetime | None = None,
) -> Obj:
    for obj in list_objects(world, resource, namespace, wall_now):
        if obj["metadata"]["name"] == name:
            return obj
    if resource == "pods.metrics.k8s.io":
        raise pod_metrics_missing(namespace or "", name)
    group = "apps" if resource in ("deployments", "replicasets") else ""
    raise not_found(resource, name, group)
