"""Scenario setups where origin black-holes (packets dropped) instead of refusing."""

from podsim.world import World


def boot_brownout(world: World) -> None:
    """Writes wait during an outage; the container restarts into a GitHub brownout.

    Reconcile's fetch hangs for ssh's whole wait (the kernel's TCP timeout: the deployment
    sets no ConnectTimeout), so the reconcile plugin outlives pluginTimeout, boot fails and
    the container crash-loops. The backlog stays on the emptyDir; once origin answers again,
    the next start reconciles `pushed-ahead` and ships it.
    """
    world.origin.set_fault("refuse")  # an outage: the daemon's pushes are refused
    world.write()
    world.write()
    world.advance(5)
    world.origin.set_fault("blackhole")  # then a brownout: connections hang
    world.crash()  # the container restarts into it
    world.advance(600)  # boot after boot times out: CrashLoopBackOff
    world.origin.set_fault("up")
    world.advance(400)  # the next start (after at most 300 s of back-off) reconciles
