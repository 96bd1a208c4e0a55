"""How much virtual time each git and boot step takes: the one table of defaults.

Every figure is documented on docs/reference/sources.md#durations with where it comes from
or that it is an assumption. The world's defaults are sized for the simulated data
repository and keep today's timelines; `Durations.production()` gives the figures measured
on production's data set where there are any. A black-holed connection
does not take the step's figure: it hangs until ssh gives up (`connect_timeout_s`).
"""

import shlex
from dataclasses import dataclass

# Linux's default net.ipv4.tcp_syn_retries (6) gives up on an unanswered connect after
# 1+2+4+8+16+32+64 = 127 s (kernel ip-sysctl docs). ssh waits that long unless
# `-o ConnectTimeout=N` is given; the deployment's GIT_SSH_COMMAND sets none.
KERNEL_TCP_CONNECT_TIMEOUT_S = 127.0

# Fastify's pluginTimeout as codeforphilly sets it (apps/api/src/app.ts).
PLUGIN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Durations:
    """Virtual seconds per step. The world's defaults keep boot and reconcile instant (the
    pages' timelines rest on that) and a push at 0.5 s; `production()` gives the measured
    figures. A black-holed connection takes ssh's whole wait whatever the figures say."""

    clone_s: float = 0.0  # the entrypoint's `git clone --bare`
    store_open_s: float = 0.0  # the store plugin: open the repository and the private store
    git_step_s: float = 0.0  # one local plumbing command of reconcile (rev-parse, ...)
    fetch_s: float = 0.0  # reconcile's `git fetch` and the daemon's startup fetch
    push_s: float = 0.5  # one `git push` (daemon or reconcile)
    load_s: float = 0.0  # the services plugin: in-memory state and full-text index

    @classmethod
    def production(cls) -> "Durations":
        """Measured where there is a measurement (clone about 10 s, in-memory load about
        20 s); the rest are assumptions (docs/reference/sources.md#durations)."""
        return cls(clone_s=10.0, store_open_s=0.5, git_step_s=0.01, fetch_s=1.0, push_s=1.0,
                   load_s=20.0)


DEFAULT_DURATIONS = Durations()


def entrypoint_s(output: list[str], ssh_command: str | None,
                 durations: Durations = DEFAULT_DURATIONS) -> float:
    """Virtual time the entrypoint took, from what it printed: a clone, a black-holed clone
    (ssh's whole wait), or nothing to clone. The kubelet runs the entrypoint and does not
    see the API's settings, so it charges the table's default clone figure."""
    if any("Connection timed out" in line for line in output):
        return connect_timeout_s(ssh_command)
    if any(line.startswith("Cloning into bare repository") for line in output):
        return durations.clone_s
    return 0.0


def connect_timeout_s(ssh_command: str | None) -> float:
    """How long ssh waits for a black-holed host: its ConnectTimeout, else the kernel's."""
    words = shlex.split(ssh_command or "")
    for word, following in zip(words, [*words[1:], ""], strict=True):
        option = word[2:] if word.startswith("-o") and len(word) > 2 else following
        if (word == "-o" or word.startswith("-o")) and option.startswith("ConnectTimeout="):
            value = option.removeprefix("ConnectTimeout=")
            try:
                seconds = float(value)
            except ValueError:
                raise ValueError(f"GIT_SSH_COMMAND: ConnectTimeout={value!r} is not a number "
                                 "of seconds") from None
            if seconds > 0:
                return seconds
    return KERNEL_TCP_CONNECT_TIMEOUT_S
