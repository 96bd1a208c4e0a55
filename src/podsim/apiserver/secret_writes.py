"""Writing a Secret as `kubectl apply` does: create (POST) when it is missing, otherwise
PATCH with the three-way strategic merge patch kubectl computes.

A Secret's fields are maps and scalars, so its strategic merge is a JSON merge patch (RFC
7386): a key set to null goes, any other replaces. The new data goes to the world
(World.write_secret), whose kubelet then carries it into the running pod. Strict field
validation, which kubectl asks for, refuses fields a Secret does not have, as the
apiserver does.
"""

import base64
import binascii
from typing import Any

from podsim.apiserver.secrets import KEPT_METADATA, read_metadata, secret_names, secret_object
from podsim.apiserver.secrets import write_metadata as save_metadata
from podsim.apiserver.status import ApiError, bad_request, not_found
from podsim.world import World

Obj = dict[str, Any]
PATCH_TYPES = ("application/strategic-merge-patch+json", "application/merge-patch+json")
_FIELDS = {"apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"}
_METADATA = {"name", "namespace", "uid", "resourceVersion", "creationTimestamp",
             "generateName", "managedFields", *KEPT_METADATA}


def create_secret(world: World, namespace: str, body: Obj, strict: bool) -> Obj:
    _in_namespace(world, namespace)
    name = str(body.get("metadata", {}).get("name", ""))
    if not name:
        raise ApiError(422, "Invalid", "Secret \"\" is invalid: metadata.name: Required value: "
                       "name or generateName is required")
    if name in secret_names(world):
        raise ApiError(409, "AlreadyExists", f'secrets "{name}" already exists',
                       {"name": name, "kind": "secrets"})
    return _write(world, name, body, strict, resource_version=1)


def patch_secret(world: World, namespace: str, name: str, patch: Obj, strict: bool) -> Obj:
    _in_namespace(world, namespace)
    if name not in secret_names(world):
        raise not_found("secrets", name)
    if any(str(key).startswith("$") for key in _keys(patch)):
        raise bad_request("podsim: strategic merge directives ($patch, $retainKeys, ...) are "
                          "not modelled for Secrets")
    current = secret_object(world, name)
    merged = merge_patch(current, patch)
    if merged.get("metadata", {}).get("name") != name:
        raise bad_request("the name of the object does not match the name on the URL")
    version = int(current["metadata"]["resourceVersion"]) + 1
    return _write(world, name, merged, strict, resource_version=version)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _write(world: World, name: str, body: Obj, strict: bool, resource_version: int) -> Obj:
    if strict:
        _refuse_unknown_fields(body)
    if body.get("kind", "Secret") != "Secret" or body.get("apiVersion", "v1") != "v1":
        raise bad_request(f"podsim: expected a v1 Secret, got {body.get('apiVersion')} "
                          f"{body.get('kind')}")
    if body.get("type", "Opaque") != "Opaque":
        raise ApiError(422, "Invalid", f'Secret "{name}" is invalid: type: podsim models '
                       "Opaque Secrets only")
    files = _decoded(name, body.get("data") or {})
    files.update({k: str(v).encode() for k, v in (body.get("stringData") or {}).items()})
    metadata = read_metadata(world, name)
    metadata.update({k: body["metadata"][k] for k in KEPT_METADATA
                     if k in body.get("metadata", {})})
    metadata["resourceVersion"] = resource_version
    world.write_secret(name, files)
    save_metadata(world, name, metadata)
    return secret_object(world, name)


def _decoded(name: str, data: Obj) -> dict[str, bytes]:
    files = {}
    for key, value in data.items():
        try:
            files[str(key)] = base64.b64decode(str(value), validate=True)
        except binascii.Error:
            raise ApiError(400, "BadRequest", f'Secret in version "v1" cannot be handled as a '
                           f"Secret: illegal base64 data in data.{key} of {name}") from None
    return files


def _refuse_unknown_fields(body: Obj) -> None:
    unknown = sorted(f for f in body if f not in _FIELDS)
    unknown += sorted(f"metadata.{f}" for f in body.get("metadata", {}) if f not in _METADATA)
    if unknown:
        fields = ", ".join(f'unknown field "{f}"' for f in unknown)
        raise bad_request(f"strict decoding error: {fields}")


def _in_namespace(world: World, namespace: str) -> None:
    if namespace != world.manifest.namespace:
        raise ApiError(404, "NotFound", f'namespaces "{namespace}" not found',
                       {"name": namespace, "kind": "namespaces"})


def _keys(obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return []
    return [*obj, *(k for v in obj.values() for k in _keys(v))]
