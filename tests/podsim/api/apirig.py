"""A tiny world for the API process model: a bare origin, a pod's bare clone, one clock.

Everything is real git in tmp_path with a clean environment. Timers the process schedules
go onto the clock; `Rig.run(until)` delivers them the way the cluster does (and drops them
once the container is dead).
"""

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from podsim.api.context import ApiSettings, ProcessContext
from podsim.api.process import ApiProcess
from podsim.clock import Clock
from podsim.durations import Durations
from podsim.gitenv import git_env
from podsim.seam import BootFailure, ContainerContext, Mounts
from podsim.seed import render_toml, sheet_config
from podsim.trace import Trace

BRANCH = "published"
# The rig's tests time the push daemon and reconcile from a boot that takes no time, with a
# half-second push; boot's own timing is tested with production's figures (`Durations()`).
RIG_DURATIONS = Durations.instant(push_s=0.5)
SEED_DATE = "@1786190400 +0000"  # 2026-08-07T12:00:00Z, a week before the clock's epoch


def git(env: dict[str, str], cwd: Path, *args: str, stdin: str = "",
        extra: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env={**env, **(extra or {})}, input=stdin,
                            capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout.strip()


def ident(name: str) -> dict[str, str]:
    """Author and committer `name`, dated SEED_DATE."""
    email = f"{name.lower()}@example.org"
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": SEED_DATE,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": SEED_DATE}


def person(slug: str, **fields: object) -> dict[str, object]:
    return {"slug": slug, "first_name": slug.split("-")[0].title(), **fields}


@dataclass
class Rig:
    root: Path
    env: dict[str, str]
    origin: Path
    pod: Path
    clock: Clock = field(default_factory=Clock)
    trace: Trace = field(default_factory=Trace)
    state: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    alive: bool = True
    listening_at: float | None = None  # when the process told the container it listens
    process: ApiProcess = field(
        default_factory=lambda: ApiProcess(ApiSettings(durations=RIG_DURATIONS)))

    # -- process plumbing ------------------------------------------------------------
    def container(self) -> ContainerContext:
        """The container's side of the seam: the API reads its config from this env."""
        def schedule(delay: float, kind: str, data: dict[str, Any]) -> None:
            self.clock.schedule(delay, "timer", timer=kind, data=data)

        def listening() -> None:
            self.listening_at = self.clock.now

        return ContainerContext(self.env, Mounts({"/app/data": self.pod}), self.clock,
                                self.trace, schedule, listening, self.state, self.logs,
                                hostname="api-0")

    def ctx(self) -> ProcessContext:
        """The API's own view (what its internal functions take)."""
        return ProcessContext.of(self.container(), self.settings)

    @property
    def settings(self) -> ApiSettings:
        return self.process.settings

    def configure(self, **changes: Any) -> None:
        """Change the environment (branch, remote_url; None unsets) or the API's settings."""
        for key, name in (("branch", "CFP_DATA_BRANCH"), ("remote_url", "CFP_DATA_REMOTE")):
            if key in changes:
                value = changes.pop(key)
                if value is None:
                    self.env.pop(name, None)
                else:
                    self.env[name] = value
        self.process.settings = replace(self.process.settings, **changes)

    def boot(self, limit_s: float = 60.0) -> None:
        """Start the process and run its boot steps until it listens; a failure raises
        BootFailure (the container is then dead)."""
        self.process.boot(self.container())
        deadline = self.clock.now + limit_s
        while self.state.get("phase") == "booting":
            event = self.clock.next_due(deadline)
            assert event is not None, f"boot not finished within {limit_s:g} virtual seconds"
            try:
                self.process.handle(self.container(), event.data["timer"], event.data["data"])
            except BootFailure:
                self.alive = False
                raise

    def run(self, until: float) -> None:
        """Deliver due timers up to virtual time `until`, then move the clock there."""
        while (event := self.clock.next_due(until)) is not None:
            if self.alive:
                self.process.handle(self.container(), event.data["timer"], event.data["data"])
        self.clock.move_to(max(self.clock.now, until))

    def write(self, slug: str, write_id: str, **fields: object) -> str | None:
        return self.process.write(self.container(), "people", person(slug, **fields), write_id,
                                  user=f"{slug}-owner")

    def status(self) -> dict[str, Any]:
        status = self.process.status(self.container())
        assert status is not None
        return status

    def kinds(self, prefix: str = "push-daemon.") -> list[str]:
        return [k.removeprefix(prefix) for k in self.trace.kinds() if k.startswith(prefix)]

    def log_msgs(self) -> list[str]:
        import json

        return [json.loads(line)["msg"] for line in self.logs]

    # -- git helpers ------------------------------------------------------------------
    def git(self, repo: Path, *args: str, check: bool = True) -> str:
        return git(self.env, repo, *args, check=check)

    def tip(self, repo: Path, ref: str = BRANCH) -> str:
        return self.git(repo, "rev-parse", "--verify", "--quiet", ref, check=False)

    def commit_on(self, repo: Path, files: dict[str, str], message: str,
                  author: str = "Importer", ref: str = BRANCH) -> str:
        """Commit `files` on top of `ref` in a bare repo (another writer, or local history)."""
        parent = self.tip(repo, ref)
        with tempfile.TemporaryDirectory() as tmp:
            idx = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            git(self.env, repo, "read-tree", parent, extra=idx)
            for path, text in files.items():
                blob = git(self.env, repo, "hash-object", "-w", "--stdin", stdin=text)
                git(self.env, repo, "update-index", "--add", "--cacheinfo",
                    f"100644,{blob},{path}", extra=idx)
            tree = git(self.env, repo, "write-tree", extra=idx)
        commit = git(self.env, repo, "commit-tree", tree, "-p", parent, "-m", message,
                     extra=ident(author))
        git(self.env, repo, "update-ref", f"refs/heads/{ref}", commit, parent)
        return commit

    def reject_pushes(self, message: str = "protected branch hook declined") -> None:
        hook = self.origin / "hooks" / "pre-receive"
        hook.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit 1\n")
        hook.chmod(0o755)

    def allow_pushes(self) -> None:
        (self.origin / "hooks" / "pre-receive").unlink()

    def cut_network(self) -> None:
        self.git(self.pod, "remote", "set-url", "origin", str(self.root / "unreachable.git"))

    def restore_network(self) -> None:
        self.git(self.pod, "remote", "set-url", "origin", str(self.origin))


@pytest.fixture(scope="session")
def rig_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Origin (one seed commit on `published`) and the pod's bare clone, built once."""
    root = tmp_path_factory.mktemp("rig-template")
    env = git_env(root)
    origin = root / "origin.git"
    git(env, root, "init", "--quiet", "--bare", f"--initial-branch={BRANCH}", str(origin))
    files = {".gitsheets/people.toml": sheet_config("people"),
             "people/ada-chen.toml": render_toml(person("ada-chen"))}
    with tempfile.TemporaryDirectory() as tmp:
        idx = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        for path, text in files.items():
            blob = git(env, origin, "hash-object", "-w", "--stdin", stdin=text)
            git(env, origin, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}",
                extra=idx)
        tree = git(env, origin, "write-tree", extra=idx)
    seed = git(env, origin, "commit-tree", tree, "-m", "Seed data", extra=ident("Seed"))
    git(env, origin, "update-ref", f"refs/heads/{BRANCH}", seed)
    git(env, root, "clone", "--quiet", "--bare", str(origin), str(root / "pod.git"))
    return root


@pytest.fixture
def rig(tmp_path: Path, rig_template: Path) -> Iterator[Rig]:
    """A fresh copy of the template: the pod's `origin` remote points at this copy."""
    home = tmp_path / "home"
    home.mkdir()
    env = git_env(home)
    origin, pod = tmp_path / "origin.git", tmp_path / "pod.git"
    shutil.copytree(rig_template / "origin.git", origin, symlinks=True)
    shutil.copytree(rig_template / "pod.git", pod, symlinks=True)
    git(env, pod, "remote", "set-url", "origin", str(origin))
    container_env = {**env, "CFP_DATA_REPO_PATH": str(pod), "CFP_DATA_BRANCH": BRANCH,
                     "CFP_DATA_REMOTE": "origin"}
    yield Rig(tmp_path, container_env, origin, pod)
