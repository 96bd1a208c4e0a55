"""The apiserver's defaulting: fields a stored object has that its manifest leaves out.

kubectl shows them (`describe` prints probe timeouts and port protocols, `-o yaml` prints
every field), so served objects carry what the apiserver would have filled in.
"""

from typing import Any

Obj = dict[str, Any]
PROBE_DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                  "failureThreshold": 3}


def pod_spec(spec: Obj) -> Obj:
    """Default a pod (template) spec in place; returns it."""
    for key, value in (("restartPolicy", "Always"), ("terminationGracePeriodSeconds", 30),
                       ("dnsPolicy", "ClusterFirst"), ("securityContext", {}),
                       ("schedulerName", "default-scheduler")):
        spec.setdefault(key, value)
    for container in spec.get("containers", []):
        _container(container)
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            volume["secret"].setdefault("defaultMode", 420)
    return spec


def _container(container: Obj) -> None:
    image = str(container.get("image", ""))
    tag = image.rsplit("/", 1)[-1].partition(":")[2]
    container.setdefault("imagePullPolicy", "Always" if tag in ("", "latest") else "IfNotPresent")
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in container.get("ports", []):
        port.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in container:
            for key, value in PROBE_DEFAULTS.items():
                container[probe].setdefault(key, value)
            if "httpGet" in container[probe]:
                container[probe]["httpGet"].setdefault("scheme", "HTTP")
    for amounts in container.get("resources", {}).values():
        for name, quantity in amounts.items():
            amounts[name] = canonical_quantity(quantity)


def canonical_quantity(raw: object) -> str:
    """A quantity as the apiserver re-serializes it: whole milli-cores as cores (1000m -> 1)."""
    text = str(raw)
    if text.endswith("m") and text[:-1].isdigit() and int(text[:-1]) % 1000 == 0:
        return str(int(text[:-1]) // 1000)
    return text


def deployment_spec(spec: Obj) -> Obj:
    """Default a Deployment spec in place (and its pod template); returns it."""
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
    if strategy.get("type") == "RollingUpdate":
        strategy.setdefault("rollingUpdate", {"maxSurge": "25%", "maxUnavailable": "25%"})
    pod_spec(spec["template"]["spec"])
    return spec
