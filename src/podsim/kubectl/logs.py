"""`kubectl logs (POD | deploy/NAME) [-c C] [-p] [--tail N]` (docs/reference/sources.md#kubectl)."""

from podsim.errors import WorldError
from podsim.kubectl.args import Args
from podsim.kubectl.config import Binding
from podsim.kubectl.errors import KubectlError, bad_request, not_simulated
from podsim.kubectl.output import err, out
from podsim.kubectl.select import deployment_pods, for_logging, kind_of, namespace_pods
from podsim.state import Pod
from podsim.world import World

USAGE = ("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
         "POD or TYPE/NAME is a required argument for the logs command\n"
         "See 'kubectl logs -h' for help and examples")
POD_RUNNING_TIMEOUT_S = 20.0


def run(b: Binding, args: Args) -> int:
    if len(args.positionals) != 1:
        raise KubectlError(USAGE) if not args.positionals else not_simulated(
            "logs for several objects")
    tail = _tail(args.value("tail", "-1") or "-1")
    pod = resolve(b, args.positionals[0], "logs")
    container = args.value("container") or pod.container.name
    if container != pod.container.name:
        raise KubectlError(f"error: container {container} is not valid for pod {pod.name}")
    # The kubelet stores log lines with container paths already, as a container writes them.
    lines = _lines(pod, args.is_set("previous"))
    if tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    out("".join(line + "\n" for line in lines))
    return 0


def resolve(b: Binding, target: str, verb: str) -> Pod:
    """A pod name or TYPE/NAME (pods or deployments), as logs and exec take it."""
    kind, _, name = target.rpartition("/")
    kind = kind_of(kind) if kind else "pods"
    world, ns = b.world, b.namespace
    if kind == "pods":
        pod = next((p for p in namespace_pods(world, ns) if p.name == name), None)
        if pod is None:
            raise _missing(verb, "pods", name, ns)
        return pod
    if kind != "deployments":
        raise not_simulated(f"{verb} for {kind}")
    if ns != world.manifest.namespace or name != world.manifest.deployment:
        raise _missing(verb, "deployments.apps", name, ns)
    pods = _wait_for_pods(world, ns)
    chosen = for_logging(pods, world.now)
    if len(chosen) > 1:
        err(f"Found {len(chosen)} pods, using pod/{chosen[0].name}")
    return chosen[0]


def _wait_for_pods(world: World, ns: str) -> list[Pod]:
    """kubectl waits (--pod-running-timeout, 20 s) for a pod; here in virtual time."""
    if not deployment_pods(world, ns):
        try:
            world.run_until(lambda w: bool(deployment_pods(w, ns)), POD_RUNNING_TIMEOUT_S)
        except WorldError:
            raise KubectlError("error: timed out waiting for the condition") from None
    return deployment_pods(world, ns)


def _missing(verb: str, resource: str, name: str, ns: str) -> KubectlError:
    if verb == "logs":
        return KubectlError(f'error: error from server (NotFound): {resource} "{name}" not found '
                            f'in namespace "{ns}"')
    return KubectlError(f'Error from server (NotFound): {resource} "{name}" not found')


def _lines(pod: Pod, previous: bool) -> list[str]:
    """The kubelet's choice of container instance (validateContainerLogStatus)."""
    c = pod.container
    where = f'container "{c.name}" in pod "{pod.name}"'
    if previous:
        if c.last_terminated is None:
            raise bad_request(f'previous terminated container "{c.name}" in pod "{pod.name}" '
                              "not found")
        # While running, the previous instance's logs were kept aside; while waiting to
        # restart, the instance that just died is the previous one.
        return list(c.previous_logs if c.state == "running" else c.logs)
    if c.state == "waiting" and c.last_terminated is None:
        raise bad_request(f"{where} is waiting to start: {c.reason or 'ContainerCreating'}")
    return list(c.logs)


def _tail(raw: str) -> int:
    try:
        tail = int(raw)
    except ValueError:
        raise KubectlError(f'error: invalid argument "{raw}" for "--tail" flag: '
                           f'strconv.ParseInt: parsing "{raw}": invalid syntax\n'
                           "See 'kubectl logs --help' for usage.") from None
    if tail < -1:
        raise KubectlError("error: --tail must be greater than or equal to -1")
    return tail
