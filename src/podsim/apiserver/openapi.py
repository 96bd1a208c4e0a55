"""The OpenAPI v3 documents `kubectl apply` reads before it writes.

kubectl validates what it applies: it looks in `/openapi/v3` for the object's PATCH
operation, and when that operation takes the `fieldValidation` query parameter it leaves
validation to the server (sending `fieldValidation=Strict`); with no document at all it
refuses to apply ("failed to download openapi"). Only the Secret, the one object operators
apply, is described; its schema also gives kubectl's strategic merge its patch strategy
(a Secret's maps merge key by key).
"""

import hashlib
import json
from typing import Any

Obj = dict[str, Any]
CORE = "api/v1"
_SECRET_GVK = [{"group": "", "kind": "Secret", "version": "v1"}]
_SECRET = "#/components/schemas/io.k8s.api.core.v1.Secret"
_OBJECT_META = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_QUERY = [{"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
          for name in ("dryRun", "fieldManager", "fieldValidation")]
_BODY = {"content": {"application/json": {"schema": {"$ref": _SECRET}}}}


def _operation(action: str, body: Obj | None) -> Obj:
    op: Obj = {"parameters": _QUERY, "x-kubernetes-action": action,
               "x-kubernetes-group-version-kind": _SECRET_GVK[0],
               "responses": {"200": {"content": {"application/json": {
                   "schema": {"$ref": _SECRET}}}}}}
    if body is not None:
        op["requestBody"] = body
    return op


CORE_DOCUMENT: Obj = {
    "openapi": "3.0.0",
    "info": {"title": "Kubernetes", "version": "v1.37.1-podsim"},
    "paths": {
        "/api/v1/namespaces/{namespace}/secrets": {"post": _operation("post", _BODY)},
        "/api/v1/namespaces/{namespace}/secrets/{name}": {
            "get": _operation("get", None),
            "patch": _operation("patch", {"content": {
                "application/strategic-merge-patch+json": {"schema": {"type": "object"}},
                "application/merge-patch+json": {"schema": {"type": "object"}}}}),
        },
    },
    "components": {"schemas": {
        "io.k8s.api.core.v1.Secret": {
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "metadata": {"$ref": _OBJECT_META},
                "data": {"type": "object",
                         "additionalProperties": {"type": "string", "format": "byte"}},
                "stringData": {"type": "object", "additionalProperties": {"type": "string"}},
                "type": {"type": "string"}, "immutable": {"type": "boolean"},
            },
            "x-kubernetes-group-version-kind": _SECRET_GVK,
        },
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
            "type": "object",
            "properties": {
                **{name: {"type": "string"} for name in (
                    "name", "generateName", "namespace", "uid", "resourceVersion",
                    "creationTimestamp")},
                "labels": _STRING_MAP, "annotations": _STRING_MAP,
            },
        },
    }},
}
_HASH = hashlib.sha512(json.dumps(CORE_DOCUMENT, sort_keys=True).encode()).hexdigest()[:32]


def index() -> Obj:
    """`/openapi/v3`: where each group-version's document is."""
    return {"paths": {CORE: {"serverRelativeURL": f"/openapi/v3/{CORE}?hash={_HASH}"}}}
