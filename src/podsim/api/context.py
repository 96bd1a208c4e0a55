"""What the API process works with: its container, its configuration, its settings.

The container hands the process a `ContainerContext` (podsim.seam). The process reads its
configuration from that environment, as the production API reads `process.env`
(`ProcessConfig.from_env`), and keeps the knobs of the modelled production that no
environment variable carries (git version, SIGTERM handler, push timing) in `ApiSettings`,
which belong to the `ApiProcess` instance. `ProcessContext` joins the three for one call.
"""

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from podsim import gitrefs
from podsim.api.backoff import DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, Backoff
from podsim.durations import (
    DEFAULT_DURATIONS,
    PLUGIN_TIMEOUT_S,
    Durations,
    connect_timeout_s,
)
from podsim.seam import BootFailure, ContainerContext
from podsim.state import from_data, to_data
from podsim.transport import connection_hangs

# pino's numeric levels, as Fastify writes them.
LOG_LEVELS = {"debug": 20, "info": 30, "warn": 40, "error": 50, "fatal": 60}


@dataclass(frozen=True)
class ApiSettings:
    """Knobs of the modelled production process that its environment does not carry."""

    # The world saves these under this key, next to (not inside) the cluster's state.
    KEY: ClassVar[str] = "api"

    git_version: tuple[int, int] = (2, 45)  # the modelled git, not this machine's
    sigterm_handler: bool = False  # production installs none; True models the fix
    backoff: Backoff = DEFAULT_BACKOFF
    max_attempts: float = DEFAULT_MAX_ATTEMPTS
    durations: Durations = DEFAULT_DURATIONS  # virtual time of each step (podsim.durations)
    # Drift switches (podsim.drifts); the defaults are production's behaviour.
    conflict_branch_push: bool = True  # the escape hatch pushes its conflict branch once
    ahead_push: bool = True  # reconcile pushes a branch that is only ahead of origin
    nff_terminal: bool = True  # a non-fast-forward ends the batch without retrying
    # classifyPushFailure takes any refusal, a `[remote rejected]` too, for a
    # non-fast-forward (production: only a plain `[rejected]` with NFF words)
    any_rejection_is_nff: bool = False
    plugin_timeout_s: float = PLUGIN_TIMEOUT_S  # Fastify's pluginTimeout over each plugin

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = to_data(self)
        return data

    @classmethod
    def from_data(cls, raw: Any) -> "ApiSettings":
        return from_data(cls, raw)


@dataclass(frozen=True)
class ProcessConfig:
    """What the API reads from its environment at start (apps/api's config)."""

    data_dir: Path  # CFP_DATA_REPO_PATH: the bare clone
    branch: str  # CFP_DATA_BRANCH
    remote_url: str | None  # CFP_DATA_REMOTE; None disables reconcile and daemon
    remote: str = "origin"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ProcessConfig":
        if not env.get("CFP_DATA_REPO_PATH"):
            raise BootFailure("CFP_DATA_REPO_PATH is not set; the API has no data repository")
        return cls(
            data_dir=Path(env["CFP_DATA_REPO_PATH"]),
            branch=env.get("CFP_DATA_BRANCH", "main"),  # the entrypoint's default too
            remote_url=env.get("CFP_DATA_REMOTE") or None,
        )


@dataclass
class ProcessContext:
    container: ContainerContext
    config: ProcessConfig
    settings: ApiSettings

    @classmethod
    def of(cls, container: ContainerContext, settings: ApiSettings) -> "ProcessContext":
        return cls(container, ProcessConfig.from_env(container.env), settings)

    @property
    def gitdir(self) -> Path:
        return self.config.data_dir

    @property
    def state(self) -> dict[str, Any]:
        return self.container.state

    @property
    def now(self) -> float:
        return self.container.now

    def utc(self) -> datetime:
        return self.container.utc()

    def schedule(self, delay: float, kind: str, **data: Any) -> None:
        self.container.schedule(delay, kind, **data)

    def record(self, kind: str, detail: str = "", **data: Any) -> None:
        self.container.record(kind, detail, **data)

    def network_s(self, figure_s: float) -> float:
        """How long a fetch or push started now takes: its figure, or ssh's whole wait when
        origin black-holes (the shim then fails with ssh's timeout text)."""
        ssh = self.container.env.get("GIT_SSH_COMMAND")
        return connect_timeout_s(ssh) if connection_hangs(ssh) else figure_s

    def git(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        """Run git in the data directory with the container's environment."""
        result = subprocess.run(
            ["git", *args],
            cwd=self.gitdir,
            env={**self.container.env, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise subprocess.CalledProcessError(
                result.returncode, result.args, result.stdout, result.stderr
            )
        return result

    def rev_parse(self, name: str) -> str:
        """`git rev-parse <name>` of a ref name: read from the ref files when they can say,
        else git's own answer (CalledProcessError when git cannot resolve it)."""
        known = gitrefs.resolve(self.gitdir, name)
        return known if known is not None else self.git("rev-parse", name).stdout.strip()

    def ref(self, name: str) -> str:
        """`git rev-parse --verify --quiet <name>`: its commit, or "" when there is none."""
        known = gitrefs.resolve(self.gitdir, name)
        if known is not None:
            return known
        return self.git("rev-parse", "--verify", "--quiet", name, check=False).stdout.strip()

    def log(self, level: str, msg: str, **fields: Any) -> None:
        """Write one pino-style JSON log line to the container's log."""
        line = {
            "level": LOG_LEVELS[level],
            "time": round(self.utc().timestamp() * 1000),
            "pid": self.container.pid,
            "hostname": self.container.hostname,
            "msg": msg,
            **fields,
        }
        self.container.write_log(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
