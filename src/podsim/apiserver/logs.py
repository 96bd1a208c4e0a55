"""`pods/{name}/log`: the container's output as the kubelet streams it.

Which instance's lines are served follows the kubelet: `previous` is the instance before
the current one, and a container that never ran has no log yet (a BadRequest).
"""

from podsim.apiserver.cluster_objects import kubelet_reachable, kubelet_unreachable
from podsim.apiserver.status import bad_request, not_found
from podsim.state import Pod
from podsim.world import World


def log_text(
    world: World, namespace: str, name: str, container: str | None, previous: bool,
    tail_lines: int | None,
) -> str:
    pod = next((p for p in world.state.pods if p.name == name), None)
    if pod is None or namespace != world.manifest.namespace:
        raise not_found("pods", name)
    c = pod.container
    if container not in (None, "", c.name):
        raise bad_request(f"container {container} is not valid for pod {pod.name}")
    if not kubelet_reachable(world, pod.node):
        query = "&".join(part for part, wanted in (
            ("previous=true", previous), (f"tailLines={tail_lines}", tail_lines is not None))
            if wanted)
        raise kubelet_unreachable(world, pod.node, 'Get "{kubelet}/containerLogs/'
                                  f'{namespace}/{name}/{c.name}{"?" if query else ""}{query}": ')
    lines = _lines(pod, previous)
    if tail_lines is not None:
        lines = lines[max(len(lines) - tail_lines, 0):]
    return "".join(line + "\n" for line in lines)


def _lines(pod: Pod, previous: bool) -> list[str]:
    c = pod.container
    if previous:
        if c.last_terminated is None:
            raise bad_request(
                f'previous terminated container "{c.name}" in pod "{pod.name}" not found')
        # While running, the previous instance's lines were kept aside; while waiting to
        # restart, the instance that just died is the previous one.
        return list(c.previous_logs if c.state == "running" else c.logs)
    if c.state == "waiting" and c.last_terminated is None:
        raise bad_request(f'container "{c.name}" in pod "{pod.name}" is waiting to start: '
                          f"{c.reason or 'ContainerCreating'}")
    return list(c.logs)


def parse_tail(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f'tailLines: invalid value "{raw}": must be an integer') from None
    if value < 0:
        raise bad_request("tailLines: Invalid value: must be greater than or equal to 0")
    return value
