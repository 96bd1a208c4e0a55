"""Choosing objects: resource types, label and field selectors, the pod a TYPE/NAME means."""

import re
from collections.abc import Callable

from podsim.kubectl.errors import KubectlError, not_simulated
from podsim.state import Pod
from podsim.world import World

# Canonical simulated kinds and every spelling kubectl accepts for them.
KINDS = {
    "pods": ("pods", "pod", "po"),
    "deployments": ("deployments", "deployment", "deploy", "deployments.apps",
                    "deployment.apps", "deploy.apps"),
    "secrets": ("secrets", "secret"),
}
# Real kinds the shim knows by name but does not simulate.
UNSIMULATED = {
    "services", "service", "svc", "configmaps", "configmap", "cm", "nodes", "node", "no",
    "namespaces", "namespace", "ns", "events", "event", "ev", "replicasets", "replicaset", "rs",
    "statefulsets", "sts", "persistentvolumeclaims", "pvc", "persistentvolumes", "pv",
    "ingresses", "ing", "jobs", "job", "cronjobs", "cj", "daemonsets", "ds", "endpoints", "ep",
    "serviceaccounts", "sa", "all",
}
PLURAL_RESOURCE = {"pods": "pods", "deployments": "deployments.apps", "secrets": "secrets"}
PHASE_ORDER = {"Running": 0, "Unknown": 1, "Pending": 2}


def kind_of(word: str) -> str:
    for kind, spellings in KINDS.items():
        if word.lower() in spellings:
            return kind
    if word.lower() in UNSIMULATED:
        return _raise(not_simulated(f'the resource type "{word}"'))
    return _raise(KubectlError(f'error: the server doesn\'t have a resource type "{word}"'))


def _raise(error: KubectlError) -> str:
    raise error


Labels = dict[str, str]


def label_matcher(selector: str) -> Callable[[Labels], bool]:
    """Equality-, set- and existence-based requirements, comma separated (all must hold)."""
    checks = [_requirement(term.strip()) for term in re.findall(r"(?:[^,(]|\([^)]*\))+", selector)]
    return lambda labels: all(check(labels) for check in checks)


def _requirement(term: str) -> Callable[[Labels], bool]:
    if m := re.fullmatch(r"([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)", term):
        key, op, value = m.groups()
        return lambda labels: (labels.get(key) == value) != (op == "!=")
    if m := re.fullmatch(r"([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)", term):
        key, op = m.group(1), m.group(2)
        values = {v.strip() for v in m.group(3).split(",")}
        return lambda labels: (labels.get(key) in values) != (op == "notin")
    if m := re.fullmatch(r"(!?)([\w./-]+)", term):
        negate, key = bool(m.group(1)), m.group(2)
        return lambda labels: (key in labels) != negate
    raise KubectlError(f"error: unable to parse requirement: {term!r}")


_POD_FIELDS: dict[str, Callable[[Pod, str], str]] = {
    "metadata.name": lambda p, ns: p.name,
    "metadata.namespace": lambda p, ns: ns,
    "status.phase": lambda p, ns: p.phase,
    "spec.nodeName": lambda p, ns: p.node,
    "spec.restartPolicy": lambda p, ns: "Always",
}


def pod_field_matcher(selector: str, label_selector: str) -> Callable[[Pod, str], bool]:
    """Pod field selectors the API server supports that the shim models."""
    checks = [_field(term.strip(), selector, label_selector)
              for term in selector.split(",") if term.strip()]
    return lambda pod, ns: all(check(pod, ns) for check in checks)


def _field(term: str, selector: str, label_selector: str) -> Callable[[Pod, str], bool]:
    m = re.fullmatch(r"([\w.]+)(==|=|!=)(.*)", term)
    if m is None or m.group(1) not in _POD_FIELDS:
        name = m.group(1) if m else term
        raise KubectlError(
            f'Error from server (BadRequest): Unable to find {{"" "v1" "pods"}} that match '
            f'label selector "{label_selector}", field selector "{selector}": '
            f"field label not supported: {name}"
        )
    get, negate, want = _POD_FIELDS[m.group(1)], m.group(2) == "!=", m.group(3)
    return lambda pod, ns: (get(pod, ns) == want) != negate


def for_logging(pods: list[Pod], now: float) -> list[Pod]:
    """podutils.ByLogging: scheduled, Running first, ready (longest), most restarts, oldest."""

    def key(p: Pod) -> tuple[int, int, int, float, int, float]:
        c = p.container
        ready = c.is_ready(now)
        ready_since = -(c.ready_at or 0.0) if ready else 0.0
        return (0 if p.node else 1, PHASE_ORDER.get(p.phase, 3), 0 if ready else 1,
                -ready_since, -c.restart_count, p.created_at)

    return sorted(pods, key=key)


def deployment_pods(world: World, namespace: str) -> list[Pod]:
    if namespace != world.manifest.namespace:
        return []
    selector = world.manifest.selector
    return [p for p in world.state.pods
            if all(p.labels.get(k) == v for k, v in selector.items())]


def namespace_pods(world: World, namespace: str) -> list[Pod]:
    if namespace != world.manifest.namespace:
        return []
    return sorted(world.pods(), key=lambda p: p.name)
