"""Secrets: the world keeps each one as a directory of files under secrets/."""

import base64

from podsim.apiserver.clock_view import stamp
from podsim.apiserver.objects import Obj, uid
from podsim.world import World


def secret_names(world: World) -> list[str]:
    root = world.root / "secrets"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def secret_object(world: World, name: str) -> Obj:
    folder = world.root / "secrets" / name
    data = {f.name: base64.b64encode(f.read_bytes()).decode()
            for f in sorted(folder.iterdir()) if f.is_file()}
    return {
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": name, "namespace": world.manifest.namespace,
                     "uid": uid("secret", name), "resourceVersion": "1",
                     "creationTimestamp": stamp(world, 0.0)},
        "type": "Opaque",
        "data": data,
    }
