"""`kubectl get pods|deployments|secrets`: tables, -o wide|name|json|yaml|jsonpath."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from podsim.kubectl import objects
from podsim.kubectl.args import Args
from podsim.kubectl.config import Binding
from podsim.kubectl.errors import KubectlError, not_found, not_simulated
from podsim.kubectl.jsonpath import render
from podsim.kubectl.layout import human_duration, table
from podsim.kubectl.output import err, out
from podsim.kubectl.select import (
    PLURAL_RESOURCE,
    kind_of,
    label_matcher,
    namespace_pods,
    pod_field_matcher,
)
from podsim.state import Pod
from podsim.world import World

REAL_FORMATS = ("custom-columns", "custom-columns-file", "go-template", "go-template-file",
                "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name", "template",
                "templatefile", "wide", "yaml")
NO_TYPE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
    "list of supported resources.\n\nerror: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource '
    "(e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
)
NAME_PREFIX = {"pods": "pod", "deployments": "deployment.apps", "secrets": "secret"}


@dataclass
class Item:
    name: str
    labels: dict[str, str]
    build: Callable[[], objects.Obj]
    row: Callable[[bool], list[str]]


def targets(positionals: list[str]) -> tuple[str, list[str]]:
    """`TYPE NAME...` or `TYPE/NAME...` (one type) as (kind, names)."""
    if not positionals:
        raise KubectlError(NO_TYPE)
    if "/" in positionals[0]:
        pairs = [word.split("/", 1) for word in positionals]
        kinds = {kind_of(kind) for kind, _ in pairs}
        if len(kinds) > 1:
            raise not_simulated("several resource types in one command")
        return kinds.pop(), [name for _, name in pairs]
    if "," in positionals[0]:
        raise not_simulated("several resource types in one command")
    return kind_of(positionals[0]), positionals[1:]


def run(b: Binding, args: Args) -> int:
    kind, names = targets(args.positionals)
    fmt = output_format(args.value("output"))
    selector, fields = args.value("selector"), args.value("field-selector")
    if names and (selector or fields):
        raise KubectlError("error: name cannot be provided when a selector is specified")
    items = _items(b.world, b.namespace, kind)
    if selector:
        matches = label_matcher(selector)
        items = [i for i in items if matches(i.labels)]
    if fields:
        if kind != "pods":
            raise not_simulated(f"field selectors on {kind}")
        match = pod_field_matcher(fields, selector or "")
        pods = {p.name: p for p in namespace_pods(b.world, b.namespace)}
        items = [i for i in items if match(pods[i.name], b.namespace)]
    errors = []
    if names:
        by_name = {i.name: i for i in items}
        found = []
        for name in names:
            if name in by_name:
                found.append(by_name[name])
            else:
                errors.append(not_found(PLURAL_RESOURCE[kind], name).message)
        items = found
    _print(kind, items, fmt, names=len(names), namespace=b.namespace)
    for message in errors:
        err(message)
    return 1 if errors else 0


def output_format(raw: str | None) -> str:
    if raw is None or raw in ("wide", "name", "json", "yaml"):
        return raw or ""
    if raw.startswith("jsonpath="):
        return raw
    if raw == "jsonpath":
        raise KubectlError("error: template format specified but no template given")
    if raw.split("=", 1)[0] in REAL_FORMATS:
        raise not_simulated(f'the output format "{raw}"')
    raise KubectlError(
        f'error: unable to match a printer suitable for the output format "{raw}", '
        f"allowed formats are: {','.join(REAL_FORMATS)}"
    )


def _print(kind: str, items: list[Item], fmt: str, names: int, namespace: str) -> None:
    if fmt in ("", "wide"):
        rows = [_HEADERS[kind] + (_WIDE[kind] if fmt else [])]
        rows += [i.row(fmt == "wide") for i in items]
        text = table(rows)
        if text:
            out(text)
        elif not names:
            err(f"No resources found in {namespace} namespace.")
        return
    if fmt == "name":
        out("".join(f"{NAME_PREFIX[kind]}/{i.name}\n" for i in items))
        return
    if names == 1 and items:
        obj = items[0].build()
    else:
        obj = objects.list_object([i.build() for i in items])
    if fmt == "json":
        out(json.dumps(obj, indent=4) + "\n")
    elif fmt == "yaml":
        out(yaml.safe_dump(obj, sort_keys=True, default_flow_style=False))
    else:
        out(render(fmt.removeprefix("jsonpath="), obj))


_HEADERS = {
    "pods": ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
    "deployments": ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
    "secrets": ["NAME", "TYPE", "DATA", "AGE"],
}
_WIDE = {
    "pods": ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    "deployments": ["CONTAINERS", "IMAGES", "SELECTOR"],
    "secrets": [],
}


def _items(world: World, namespace: str, kind: str) -> list[Item]:
    if namespace != world.manifest.namespace:
        return []
    if kind == "pods":
        return [_pod_item(world, p) for p in namespace_pods(world, namespace)]
    if kind == "deployments":
        return [_deployment_item(world)]
    return [_secret_item(world, name) for name in objects.secret_names(world)]


def _pod_item(world: World, p: Pod) -> Item:
    now = world.now

    def row(wide: bool) -> list[str]:
        cells = [p.name, objects.ready_cell(p, now), objects.status_cell(p, now),
                 objects.restarts_cell(p, now), human_duration(now - p.created_at)]
        return cells + ([p.ip or "<none>", p.node or "<none>", "<none>", "<none>"] if wide else [])

    return Item(p.name, p.labels, lambda: objects.pod_object(world, p), row)


def _deployment_item(world: World) -> Item:
    m = world.manifest
    raw = objects.raw_manifest(m.source)
    counts = objects.rollout_counts(world)
    selector = ",".join(f"{k}={v}" for k, v in m.selector.items())

    def row(wide: bool) -> list[str]:
        cells = [m.deployment, f"{counts.ready}/{counts.desired}", str(counts.updated),
                 str(counts.available), human_duration(world.now)]
        return cells + ([m.container, m.image, selector] if wide else [])

    labels = dict(raw["metadata"].get("labels", {}))
    return Item(m.deployment, labels, lambda: objects.deployment_object(world), row)


def _secret_item(world: World, name: str) -> Item:
    def row(wide: bool) -> list[str]:
        data = objects.secret_data(world, name)
        return [name, "Opaque", str(len(data)), human_duration(world.now)]

    return Item(name, {}, lambda: objects.secret_object(world, name), row)
