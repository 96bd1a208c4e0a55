"""Virtual time as the API shows it: RFC 3339 stamps and the human durations of ages.

Stamps are whole seconds, as an apiserver stores them; the printers measure every age from
the world's virtual "now" (see printers.py), never from the wall clock.
"""

import math
from datetime import datetime

from podsim.world import World


def utc(world: World, t: float) -> datetime:
    """The wall-clock moment of virtual second `t` (the one place that reads the clock)."""
    return world.utc(t)


def stamp(world: World, t: float | None) -> str | None:
    """metav1.Time as JSON: RFC 3339 in UTC, truncated to the second."""
    if t is None:
        return None
    return utc(world, math.floor(t)).strftime("%Y-%m-%dT%H:%M:%SZ")


def human_duration(seconds_elapsed: float) -> str:
    """apimachinery's duration.HumanDuration: coarser units as the span grows."""
    seconds = int(seconds_elapsed)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    years = days // 365
    if hours < 24 * 365 * 8:
        rest = days % 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{years}y"
