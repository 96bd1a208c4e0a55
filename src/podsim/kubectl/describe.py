"""`kubectl describe pod`: describePod's field order, laid out by Go's tabwriter.

Upstream: kubectl pkg/describe; docs/reference/sources.md#kubectl.
"""

from typing import Any

from podsim.kubectl import events, objects
from podsim.kubectl.args import Args
from podsim.kubectl.config import Binding
from podsim.kubectl.errors import KubectlError, not_found, not_simulated
from podsim.kubectl.layout import go_duration, human_duration, rfc1123z, tabwrite
from podsim.kubectl.output import err, out
from podsim.kubectl.select import kind_of, namespace_pods
from podsim.manifest import Probe
from podsim.state import Pod, Terminated
from podsim.world import World

VOLUME_TYPES = {
    "emptyDir": "EmptyDir (a temporary directory that shares a pod's lifetime)",
    "persistentVolumeClaim":
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
    "secret": "Secret (a volume populated by a Secret)",
    "projected": "Projected (a volume that contains injected data from multiple sources)",
}


def run(b: Binding, args: Args) -> int:
    if not args.positionals:
        raise KubectlError("error: You must specify the type of resource to describe. "
                           'Use "kubectl api-resources" for a complete list of supported '
                           "resources.")
    first, *names = args.positionals
    if "/" in first:
        kind, name = first.split("/", 1)
        names = [name, *names]
    else:
        kind = first
    if kind_of(kind) != "pods":
        raise not_simulated(f"describe for {kind}")
    pods = namespace_pods(b.world, b.namespace)
    chosen: list[Pod] = []
    missing = []
    for name in names:
        match = [p for p in pods if p.name == name] or (
            [p for p in pods if p.name.startswith(name)] if "/" not in first else [])
        if match:
            chosen += match
        else:
            missing.append(name)
    if not names:
        chosen = pods
    if not chosen and not missing:
        err(f"No resources found in {b.namespace} namespace.")
        return 0
    out("\n\n".join(describe_pod(b.world, p) for p in chosen))
    for name in missing:
        err(not_found("pods", name).message)
    return 1 if missing else 0


def describe_pod(world: World, pod: Pod) -> str:
    m, now, c = world.manifest, world.now, pod.container
    obj = objects.pod_object(world, pod)
    spec = obj["spec"]
    lines = [
        f"Name:\t{pod.name}", f"Namespace:\t{m.namespace}", "Priority:\t0",
        "Service Account:\tdefault", f"Node:\t{pod.node}/{objects.host_ip(world, pod.node)}",
        f"Start Time:\t{rfc1123z(world.utc(pod.created_at))}",
    ]
    lines += _pairs("Labels", [f"{k}={v}" for k, v in sorted(pod.labels.items())])
    restarted = world.state.deployment.restarted_at
    notes = [f"kubectl.kubernetes.io/restartedAt: {restarted}"] if restarted else []
    lines += _pairs("Annotations", notes)
    if pod.terminating and pod.phase not in ("Succeeded", "Failed"):
        grace = pod.deletion_grace_s or 0.0
        lasts = human_duration(now - ((pod.deletion_at or 0.0) + grace))
        lines += [f"Status:\tTerminating (lasts {lasts})", f"Termination Grace Period:\t{grace:g}s"]
    else:
        lines.append(f"Status:\t{pod.phase}")
    lines += [f"Reason:\t{pod.reason}"] if pod.reason else []
    lines += [f"Message:\t{pod.message}"] if pod.message else []
    lines += [f"IP:\t{pod.ip}", "IPs:", f"  IP:\t{pod.ip}",
              f"Controlled By:\tReplicaSet/{m.deployment}-{pod.replicaset}", "Containers:"]
    container = spec["containers"][0]
    lines.append(f"  {c.name}:")
    if c.instance > 0:
        lines.append(f"    Container ID:\t{objects.container_id(pod)}")
    lines.append(f"    Image:\t{m.image}")
    if c.instance > 0:
        lines.append(f"    Image ID:\t{objects.image_id(m.image)}")
    ports = container.get("ports", [])
    lines += _ports(ports)
    lines += _state("State", c.state, c.reason, c.started_at, c.terminated, world)
    if c.last_terminated is not None:
        lines += _state("Last State", "terminated", "", None, c.last_terminated, world)
    lines += [f"    Ready:\t{c.is_ready(now)}", f"    Restart Count:\t{c.restart_count}"]
    for title in ("limits", "requests"):
        if m.resources.get(title):
            lines.append(f"    {title.capitalize()}:")
            lines += [f"      {k}:\t{_quantity(v)}" for k, v in sorted(m.resources[title].items())]
    for title, probe, key in (("Liveness", m.liveness, "livenessProbe"),
                              ("Readiness", m.readiness, "readinessProbe")):
        if probe is not None:
            lines.append(f"    {title}:\t{_probe(probe, container[key])}")
    if container.get("envFrom"):
        lines.append("    Environment Variables from:")
        for source in container["envFrom"]:
            kind = "ConfigMap" if "configMapRef" in source else "Secret"
            ref = source.get("configMapRef") or source.get("secretRef") or {}
            lines.append(f"      {ref.get('name')}\t{kind}\tOptional: false")
    env = container.get("env") or []
    lines += _pairs("    Environment", [], indent="    ") if not env else ["    Environment:"]
    lines += [f"      {e['name']}:\t{e.get('value', '')}" for e in env]
    lines.append("    Mounts:")
    for mount in sorted(container.get("volumeMounts", []), key=lambda v: v["mountPath"]):
        mode = "ro" if mount.get("readOnly") else "rw"
        lines.append(f"      {mount['mountPath']} from {mount['name']} ({mode})")
    lines += ["Conditions:", "  Type\tStatus"]
    lines += [f"  {cond['type']} \t{cond['status']} " for cond in obj["status"]["conditions"]]
    lines.append("Volumes:")
    for volume in spec["volumes"]:
        lines += _volume(volume)
    lines += [f"QoS Class:\t{objects.qos_class(world)}", "Node-Selectors:\t<none>"]
    lines += _pairs("Tolerations", [f"{t['key']}:{t['effect']} op=Exists for 300s"
                                    for t in spec["tolerations"]])
    rows = events.pod_events(pod, world.trace.entries, m, container, now)
    lines += events.describe_lines(rows, now)
    return tabwrite("\n".join(lines), minwidth=0, padding=2) + "\n"


def _pairs(title: str, values: list[str], indent: str = "") -> list[str]:
    if not values:
        return [f"{title}:\t<none>"]
    return [f"{title}:\t{values[0]}", *(f"{indent}\t{v}" for v in values[1:])]


def _ports(ports: list[dict[str, Any]]) -> list[str]:
    if not ports:
        return ["    Port:\t<none>", "    Host Port:\t<none>"]
    plural = "s" if len(ports) > 1 else ""
    shown = [f"{p['containerPort']}/{p.get('protocol', 'TCP')}"
             + (f" ({p['name']})" if p.get("name") else "") for p in ports]
    hosts = [f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports]
    return [f"    Port{plural}:\t{', '.join(shown)}", f"    Host Port{plural}:\t{', '.join(hosts)}"]


def _state(title: str, state: str, reason: str, started: float | None,
           term: Terminated | None, world: World) -> list[str]:
    when = world.utc
    if state == "running" and started is not None:
        return [f"    {title}:\tRunning", f"      Started:\t{rfc1123z(when(started))}"]
    if state == "terminated" and term is not None:
        return [f"    {title}:\tTerminated", f"      Reason:\t{term.reason}",
                f"      Exit Code:\t{term.exit_code}",
                f"      Started:\t{rfc1123z(when(term.started_at))}",
                f"      Finished:\t{rfc1123z(when(term.finished_at))}"]
    return [f"    {title}:\tWaiting"] + ([f"      Reason:\t{reason}"] if reason else [])


def _probe(probe: Probe, raw: dict[str, Any]) -> str:
    get = raw.get("httpGet", {})
    url = f"{str(get.get('scheme', 'HTTP')).lower()}://{get.get('host', '')}:{get.get('port')}"
    success = int(raw.get("successThreshold", 1))
    return (f"http-get {url}{probe.path} delay={go_duration(probe.initial_delay_s)} "
            f"timeout={go_duration(probe.timeout_s)} period={go_duration(probe.period_s)} "
            f"#success={success} #failure={probe.failure_threshold}")


def _quantity(value: str) -> str:
    """The API server's canonical form for whole CPUs written in millicores (1000m -> 1)."""
    if value.endswith("m") and value[:-1].isdigit() and int(value[:-1]) % 1000 == 0:
        return str(int(value[:-1]) // 1000)
    return value


def _volume(volume: dict[str, Any]) -> list[str]:
    if "emptyDir" in volume:
        source = volume["emptyDir"] or {}
        fields = [("Type", VOLUME_TYPES["emptyDir"]), ("Medium", source.get("medium", "")),
                  ("SizeLimit", source.get("sizeLimit", "<unset>"))]
    elif "persistentVolumeClaim" in volume:
        claim = volume["persistentVolumeClaim"]
        fields = [("Type", VOLUME_TYPES["persistentVolumeClaim"]),
                  ("ClaimName", claim["claimName"]), ("ReadOnly", _bool(claim.get("readOnly")))]
    elif "secret" in volume:
        secret = volume["secret"]
        fields = [("Type", VOLUME_TYPES["secret"]), ("SecretName", secret["secretName"]),
                  ("Optional", _bool(secret.get("optional")))]
    else:
        fields = [("Type", VOLUME_TYPES["projected"]), ("TokenExpirationSeconds", "3607"),
                  ("ConfigMapName", "kube-root-ca.crt"), ("Optional", "false"),
                  ("DownwardAPI", "true")]
    return [f"  {volume['name']}:", *(f"    {key}:\t{value}" for key, value in fields)]


def _bool(value: object) -> str:
    return "true" if value else "false"
