"""How much virtual time each git and boot step takes: the one table of defaults.

Every figure is documented on docs/reference/sources.md#durations with where it comes from
or that it is an assumption. The defaults are production's: a new world boots as long as the
production pod does, so a fault can strike in the middle of a boot. `Durations.instant()`
makes the boot and reconcile steps take no time, for a unit test about something else. A
black-holed connection does not take the step's figure: it hangs until ssh gives up
(`connect_timeout_s`).
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
    """Virtual seconds per step, production's by default: measured where there is a
    measurement (clone about 10 s, in-memory load about 20 s), assumptions for the rest
    (docs/reference/sources.md#durations). A black-holed connection takes ssh's whole wait
    whatever the figures say."""

    clone_s: float = 10.0  # the entrypoint's `git clone --bare`
    store_open_s: float = 0.5  # the store plugin: open the repository and the private store
    git_step_s: float = 0.01  # one local plumbing command of reconcile (rev-parse, ...)
    fetch_s: float = 1.0  # reconcile's `git fetch` and the daemon's startup fetch
    push_s: float = 1.0  # one `git push` (daemon or reconcile)
    load_s: float = 20.0  # the services plugin: in-memory state and full-text index

    @classmethod
    def production(cls) -> "Durations":
        """Production's figures: the defaults."""
        return cls()

    @classmethod
    def instant(cls, **figures: float) -> "Durations":
        """Boot and reconcile steps that take no time (a push keeps production's figure),
        with `figures` overriding any of them: for a unit test that is about something else
        than how long boot takes."""
        zero = {"clone_s": 0.0, "store_open_s": 0.0, "git_step_s": 0.0, "fetch_s": 0.0,
                "load_s": 0.0}
        return cls(**{**zero, **figures})


DEFAULT_DURATIONS = Durations()


def entrypoint_s(output: list[str], exit_code: int, ssh_command: str | None) -> float:
    """Virtual time the entrypoint took, from what it printed and how it ended: a clone, a
    black-holed clone (ssh's whole wait), or nothing to clone. A clone that failed without
    hanging is charged nothing: a refused or rejected connection fails at once (a clone
    killed half-way is charged nothing too, an approximation). The kubelet runs the
    entrypoint and does not see the API's settings, so it charges the table's default."""
    if any("Connection timed out" in line for line in output):
        return connect_timeout_s(ssh_command)
    cloned = any(line.startswith("Cloning into bare repository") for line in output)
    if cloned and exit_code == 0:
        return DEFAULT_DURATIONS.clone_s
    return 0.0


def connect_timeout_s(ssh_command: str | None) -> float:
    """How long ssh waits for a black-holed host: its ConnectTimeout, else the kernel's."""
    words = shlex.split(ssh_command or "")
    for word, following in zip(words, [*words[1:], ""][: len(words)], strict=True):
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
