"""podsim: a simulated pod, node and emptyDir lifecycle around real git repositories."""

from podsim.errors import WorldError

__all__ = ["WorldError"]
