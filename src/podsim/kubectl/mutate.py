"""Commands that change the world: `delete pod`, `rollout restart|status`.

Where real kubectl blocks (delete waits for the object to go, rollout status watches),
the world's virtual clock is advanced instead, event by event, until the condition holds.
"""

from collections.abc import Callable

from podsim.errors import WorldError
from podsim.kubectl import objects
from podsim.kubectl.args import Args
from podsim.kubectl.config import Binding
from podsim.kubectl.errors import KubectlError, not_found, not_simulated
from podsim.kubectl.layout import rfc3339
from podsim.kubectl.output import err, out
from podsim.kubectl.select import kind_of, namespace_pods
from podsim.world import World

DELETE_WAIT_LIMIT_S = 3600.0
PROGRESS_DEADLINE_S = 600.0  # progressDeadlineSeconds default
FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running "
                 "resource has been terminated. The resource may continue to run on the "
                 "cluster indefinitely.")


def delete(b: Binding, args: Args) -> int:
    words = args.positionals
    if not words:
        raise KubectlError("error: You must provide one or more resources by argument or "
                           "filename.\nExample resource specifications include:\n   '-f rsrc.yaml'"
                           "\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   "
                           "'<resource>'")
    if "/" in words[0]:
        pairs = [w.split("/", 1) for w in words]
        kinds, names = {kind_of(k) for k, _ in pairs}, [n for _, n in pairs]
    else:
        kinds, names = {kind_of(words[0])}, words[1:]
    if kinds != {"pods"}:
        raise not_simulated(f"deleting {', '.join(sorted(kinds))}")
    if not names:
        raise not_simulated("deleting every pod of a namespace")
    force = args.is_set("force")
    grace = _grace(args.value("grace-period"), force)
    if force and grace is not None and grace > 0:
        raise KubectlError("error: --force and --grace-period greater than 0 cannot be "
                           "specified together")
    if grace == 0 and not force:
        grace = 1.0  # kubectl turns --grace-period=0 without --force into 1 s
    world, code = b.world, 0
    pods = {p.name: p for p in namespace_pods(world, b.namespace)}
    if force:
        err(FORCE_WARNING)
    for name in names:
        pod = pods.get(name)
        if pod is None:
            err(not_found("pods", name).message)
            code = 1
            continue
        if not pod.terminating or force:
            world.delete_pod(name, grace, force)
        word = "force deleted" if force else "deleted"
        out(f'pod "{name}" {word} from {b.namespace} namespace\n')
        if args.is_set("wait", default=True):
            try:
                world.run_until(_gone(name), DELETE_WAIT_LIMIT_S)
            except WorldError:
                raise KubectlError(f"error: timed out waiting for the condition on pods/{name}")\
                    from None
    return code


def _gone(name: str) -> Callable[[World], bool]:
    return lambda w: all(p.name != name for p in w.pods())


def _grace(raw: str | None, force: bool) -> float | None:
    if raw is None:
        return 0.0 if force else None
    try:
        value = int(raw)
    except ValueError:
        raise KubectlError(f'error: invalid argument "{raw}" for "--grace-period" flag: '
                           f'strconv.ParseInt: parsing "{raw}": invalid syntax\n'
                           "See 'kubectl delete --help' for usage.") from None
    return None if value < 0 else float(value)


def rollout(b: Binding, args: Args) -> int:
    if not args.positionals:
        raise not_simulated("rollout without a subcommand (simulated: restart, status)")
    sub, *words = args.positionals
    if sub not in ("restart", "status"):
        raise not_simulated(f'"kubectl rollout {sub}" (simulated: restart, status)')
    name = _deployment_name(words)
    world = b.world
    if b.namespace != world.manifest.namespace or name != world.manifest.deployment:
        raise not_found("deployments.apps", name)
    if sub == "restart":
        stamp = rfc3339(world.utc())
        if world.state.deployment.restarted_at == stamp:
            raise KubectlError(f"error: failed to create patch for {name}: if restart has "
                               "already been triggered within the past second, please wait "
                               "before attempting to trigger another")
        world.rollout_restart()
        out(f"deployment.apps/{name} restarted\n")
        return 0
    return _status(world, name)


def _deployment_name(words: list[str]) -> str:
    if len(words) == 1 and "/" in words[0]:
        kind, name = words[0].split("/", 1)
    elif len(words) == 2:
        kind, name = words
    else:
        raise not_simulated("rollout without exactly one deployment (deploy/NAME)")
    if kind_of(kind) != "deployments":
        raise not_simulated(f"rollout for {kind}")
    return name


def _status(world: World, name: str) -> int:
    """Print DeploymentStatusViewer's line whenever it changes, until rolled out.

    Readiness arrives with time, not with an event, so the clock is moved to whichever
    comes first: the next queued event or the next moment a pod turns ready.
    """
    deadline = world.now + PROGRESS_DEADLINE_S
    shown = ""
    while True:
        line, done = _status_line(world, name)
        if line != shown:
            out(line + "\n")
            shown = line
        if done:
            return 0
        moment = _next_moment(world)
        if moment is None or moment > deadline:
            world.advance(deadline - world.now)
            raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
        world.advance(moment - world.now)


def _next_moment(world: World) -> float | None:
    now = world.now
    queued = world.next_event_at()
    moments = [] if queued is None else [queued]
    moments += [t for p in world.state.pods if (t := p.container.ready_at) is not None and t > now]
    return min(moments, default=None)


def _status_line(world: World, name: str) -> tuple[str, bool]:
    c = objects.rollout_counts(world)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if c.updated < c.desired:
        return f"{waiting}{c.updated} out of {c.desired} new replicas have been updated...", False
    if c.replicas > c.updated:
        return f"{waiting}{c.replicas - c.updated} old replicas are pending termination...", False
    if c.available < c.updated:
        return f"{waiting}{c.available} of {c.updated} updated replicas are available...", False
    return f'deployment "{name}" successfully rolled out', True
