"""Label and field selectors as the apiserver parses and applies them.

A selector that does not parse is a BadRequest naming what was wrong, as kubectl shows it.
"""

import re
from collections.abc import Callable
from typing import Any

from podsim.apiserver.status import bad_request

Obj = dict[str, Any]
Match = Callable[[Obj], bool]

_REQUIREMENT = re.compile(
    r"^\s*(?P<neg>!)?\s*(?P<key>[A-Za-z0-9._/-]+)\s*"
    r"(?:(?P<op>==|=|!=|\s+in\s+|\s+notin\s+)\s*(?P<value>\([^)]*\)|[A-Za-z0-9._-]*))?\s*$"
)
# Fields each resource can be selected by, and where they live in the object.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "pods": {"metadata.name": ("metadata", "name"),
             "metadata.namespace": ("metadata", "namespace"),
             "spec.nodeName": ("spec", "nodeName"),
             "spec.restartPolicy": ("spec", "restartPolicy"),
             "spec.serviceAccountName": ("spec", "serviceAccountName"),
             "status.phase": ("status", "phase"), "status.podIP": ("status", "podIP")},
    "events": {"metadata.name": ("metadata", "name"),
               "metadata.namespace": ("metadata", "namespace"),
               **{f"involvedObject.{key}": ("involvedObject", key) for key in (
                   "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion",
                   "fieldPath")},
               "reason": ("reason",), "reportingComponent": ("reportingComponent",),
               "source": ("source", "component"), "type": ("type",)},
}
_DEFAULT_FIELDS = {"metadata.name": ("metadata", "name"),
                   "metadata.namespace": ("metadata", "namespace")}


def _split(selector: str) -> list[str]:
    """Commas separate requirements, except inside `in (a,b)` value sets."""
    parts, depth, current = [], 0, ""
    for char in selector:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def label_matcher(selector: str) -> Match:
    checks = [_label_requirement(part) for part in _split(selector)]
    return lambda obj: all(
        check(obj["metadata"].get("labels") or {}) for check in checks
    )


def _label_requirement(text: str) -> Callable[[dict[str, str]], bool]:
    found = _REQUIREMENT.match(text)
    if found is None or (found["neg"] and found["op"]):
        raise bad_request(f"unable to parse requirement: {text.strip()!r}")
    key, op, value = found["key"], (found["op"] or "").strip(), found["value"]
    if found["neg"]:
        return lambda labels: key not in labels
    if not op:
        return lambda labels: key in labels
    if op in ("in", "notin"):
        if not (value and value.startswith("(")):
            raise bad_request(f"unable to parse requirement: {text.strip()!r}: expected '('")
        values = {v.strip() for v in value[1:-1].split(",")}
        if op == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if op == "!=":
        return lambda labels: labels.get(key) != value
    return lambda labels: labels.get(key) == value


def field_matcher(resource: str, selector: str) -> Match:
    known = FIELDS.get(resource, _DEFAULT_FIELDS)
    checks: list[Match] = []
    for part in _split(selector):
        field, op, value = _field_requirement(part)
        if field not in known:
            # kubectl itself prefixes which resource and selectors were asked for.
            raise bad_request(f"field label not supported: {field}")
        checks.append(_field_check(known[field], value, op != "!="))
    return lambda obj: all(check(obj) for check in checks)


def _field_check(path: tuple[str, ...], value: str, equal: bool) -> Match:
    return lambda obj: (_at(obj, path) == value) == equal


def _field_requirement(text: str) -> tuple[str, str, str]:
    for op in ("!=", "==", "="):
        if op in text:
            field, _, value = text.partition(op)
            return field.strip(), op, value.strip()
    raise bad_request(f"invalid selector: '{text}'; can't understand '{text}'")


def _at(obj: Obj, path: tuple[str, ...]) -> str:
    node: Any = obj
    for key in path:
        node = node.get(key, "") if isinstance(node, dict) else ""
    return str(node)

