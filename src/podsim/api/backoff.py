"""Push-daemon backoff parameters: the one place the model and the docs read them from.

gitsheets v1.4.1 `resolveBackoff('exponential')`: base 1000 ms, multiplier 2, cap 1 h,
no jitter. The delay after the n-th consecutive failure of a batch is
min(base * multiplier**(n-1), cap).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base_s: float = 1.0
    multiplier: float = 2.0
    cap_s: float = 3600.0

    def delay_after(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th consecutive failed attempt (1-based)."""
        if failures < 1:
            raise ValueError(f"failures must be >= 1, got {failures}")
        return float(min(self.base_s * self.multiplier ** (failures - 1), self.cap_s))

    def schedule(self, failures: int) -> list[float]:
        """Delays after failures 1..`failures`."""
        return [self.delay_after(n) for n in range(1, failures + 1)]

    def first_capped_failure(self) -> int:
        """The first failure number whose delay is the cap."""
        n = 1
        while self.delay_after(n) < self.cap_s:
            n += 1
        return n


DEFAULT_BACKOFF = Backoff()

# gitsheets' default maxRetries: unbounded. It counts attempts, not retries.
DEFAULT_MAX_ATTEMPTS: float = float("inf")

# Default timeout of the daemon's stop(), in seconds.
STOP_TIMEOUT_S = 30.0
