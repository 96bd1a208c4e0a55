"""What the API process model sees of its container: the seam between process and cluster.

The cluster builds one `ProcessContext` per container instance. The process never touches
pods, nodes or volumes directly; it runs git in its data directory, schedules its own
timers, writes log lines and trace entries, and keeps its state in `state` (JSON-able,
saved with the world).
"""

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from podsim.api.backoff import DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, Backoff
from podsim.clock import Clock
from podsim.trace import Trace

# pino's numeric levels, as Fastify writes them.
LOG_LEVELS = {"debug": 20, "info": 30, "warn": 40, "error": 50, "fatal": 60}


@dataclass(frozen=True)
class ProcessConfig:
    """Knobs of the modelled production process."""

    branch: str = "published"
    remote: str = "origin"
    remote_url: str | None = None  # CFP_DATA_REMOTE; None disables reconcile and daemon
    git_version: tuple[int, int] = (2, 45)  # the modelled git, not this machine's
    sigterm_handler: bool = False  # production installs none; True models the fix
    backoff: Backoff = DEFAULT_BACKOFF
    max_attempts: float = DEFAULT_MAX_ATTEMPTS
    push_duration_s: float = 0.5  # virtual time one `git push` takes


@dataclass
class ProcessContext:
    gitdir: Path
    env: dict[str, str]
    clock: Clock
    trace: Trace
    config: ProcessConfig
    # Routes a timer back to the process; the cluster drops it if the container is gone.
    schedule_hook: Callable[[float, str, dict[str, Any]], None]
    state: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    hostname: str = "pod"
    # World path -> container path, so log lines show what the container sees.
    display_paths: dict[str, str] = field(default_factory=dict)

    @property
    def now(self) -> float:
        return self.clock.now

    def utc(self) -> datetime:
        return self.clock.utc()

    def schedule(self, delay: float, kind: str, **data: Any) -> None:
        self.schedule_hook(delay, kind, data)

    def git(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        """Run git in the data directory with the container's environment."""
        result = subprocess.run(
            ["git", *args],
            cwd=self.gitdir,
            env={**self.env, **(env or {})},
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

    def log(self, level: str, msg: str, **fields: Any) -> None:
        """Append one pino-style JSON log line to the container's current log."""
        line = {
            "level": LOG_LEVELS[level],
            "time": round(self.clock.utc().timestamp() * 1000),
            "pid": 1,
            "hostname": self.hostname,
            "msg": msg,
            **fields,
        }
        text = json.dumps(line, separators=(",", ":"), ensure_ascii=False)
        for host, container in self.display_paths.items():
            text = text.replace(host, container)
        self.logs.append(text)

    def record(self, kind: str, detail: str = "", **data: Any) -> None:
        self.trace.record(self.clock.now, kind, detail, **data)
