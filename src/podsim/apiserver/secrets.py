"""Secrets: the world keeps each one's data as a directory of files under secrets/, and
what an apply adds to its metadata (labels, annotations, resourceVersion) in
secret-metadata/<name>.json."""

import base64
import json
from pathlib import Path
from typing import Any

from podsim.apiserver.clock_view import stamp
from podsim.apiserver.objects import Obj, uid
from podsim.world import World

KEPT_METADATA = ("labels", "annotations")  # what a write may set besides the data


def secret_names(world: World) -> list[str]:
    root = world.root / "secrets"
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []


def secret_object(world: World, name: str) -> Obj:
    folder = world.root / "secrets" / name
    data = {f.name: base64.b64encode(f.read_bytes()).decode()
            for f in sorted(folder.iterdir()) if f.is_file()}
    saved = read_metadata(world, name)
    metadata: Obj = {"name": name, "namespace": world.manifest.namespace,
                     "uid": uid("secret", name),
                     "resourceVersion": str(saved.get("resourceVersion", "1")),
                     "creationTimestamp": stamp(world, 0.0)}
    metadata.update({k: saved[k] for k in KEPT_METADATA if saved.get(k)})
    return {"kind": "Secret", "apiVersion": "v1", "metadata": metadata, "type": "Opaque",
            "data": data}


def read_metadata(world: World, name: str) -> dict[str, Any]:
    path = _metadata_file(world, name)
    return dict(json.loads(path.read_text())) if path.is_file() else {}


def write_metadata(world: World, name: str, metadata: dict[str, Any]) -> None:
    path = _metadata_file(world, name)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(metadata, sort_keys=True) + "\n")


def _metadata_file(world: World, name: str) -> Path:
    return world.root / "secret-metadata" / f"{name}.json"
