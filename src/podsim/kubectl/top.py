"""`kubectl top pod`: synthetic but stable metrics from a simulated metrics-server.

The simulator models no CPU or memory use, so the numbers are fixed per pod (derived from
its uid): steady-state figures for a running container, never from the wall clock.
"""

from podsim.kubectl.args import Args
from podsim.kubectl.config import Binding
from podsim.kubectl.errors import KubectlError, not_simulated
from podsim.kubectl.layout import go_duration, table
from podsim.kubectl.objects import digest
from podsim.kubectl.output import err, out
from podsim.kubectl.select import kind_of, namespace_pods
from podsim.state import Pod

METRICS_CREATION_DELAY_S = 120.0  # kubectl's metricsCreationDelay
SCRAPE_DELAY_S = 15.0  # metrics-server reports a container after one resolution window


def run(b: Binding, args: Args) -> int:
    if not args.positionals or kind_of(args.positionals[0]) != "pods":
        what = args.positionals[0] if args.positionals else "top without a resource"
        raise not_simulated(f'"kubectl top {what}" (simulated: top pod)')
    world, ns = b.world, b.namespace
    pods = namespace_pods(world, ns)
    wanted = args.positionals[1:]
    if wanted:
        pods = [p for p in pods if p.name in wanted]
        missing = sorted(set(wanted) - {p.name for p in pods})
        if missing:
            raise KubectlError(f'Error from server (NotFound): podmetrics.metrics.k8s.io '
                               f'"{ns}/{missing[0]}" not found')
    now = world.now
    measured = [p for p in pods if _has_metrics(p, now)]
    if not measured:
        if not pods:
            err(f"No resources found in {ns} namespace.")
            return 0
        old = [p for p in pods if now - p.created_at > METRICS_CREATION_DELAY_S]
        if not old:
            raise KubectlError("error: metrics not available yet")
        raise KubectlError(f"error: Metrics not available for pod {ns}/{old[0].name}, "
                           f"age: {go_duration(now - old[0].created_at)}")
    rows = [["NAME", "CPU(cores)", "MEMORY(bytes)"]]
    rows += [[p.name, *_usage(p)] for p in measured]
    out(table(rows, trailing_tab=True))
    return 0


def _has_metrics(pod: Pod, now: float) -> bool:
    c = pod.container
    started = c.started_at
    return c.state == "running" and started is not None and now - started >= SCRAPE_DELAY_S


def _usage(pod: Pod) -> tuple[str, str]:
    seed = int(digest(pod.uid, 8), 16)
    return f"{2 + seed % 4}m", f"{300 + seed % 40}Mi"
