"""The simulated GitHub: a bare `origin.git` in the world directory, and its faults.

Origin is real git. Faults live in files under the world directory because the ssh shim
and the pre-receive hook run in other processes and read them at connection time:

- `faults/network-down`: refuse; the shim fails at once as ssh does when the host is
  unreachable.
- `faults/blackhole`: packets dropped; the shim fails with ssh's connect timeout, and the
  process charges the virtual time ssh would have waited (podsim.durations).
- `faults/protected-branch`: the pre-receive hook declines pushes to `published`.
- `faults/interrupt-next-clone`: the shim SIGKILLs the next cloning git (one shot).
- deploy key revoked: the key in the pod's mounted secret is no deploy key with write
  access (podsim.deploy_keys keeps GitHub's list and the files the shim reads).

The simulated GitHub REST API (podsim.apiserver.github) changes deploy keys and branch
protection through this class, as `gh` does on the real one.
"""

import random
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from podsim import gitrefs
from podsim.deploy_keys import DeployKey, DeployKeys, key_identity
from podsim.errors import GitError, WorldError
from podsim.fast_import import commit_files, run
from podsim.gitenv import git_env, skip_housekeeping
from podsim.seed import seed_files
from podsim.transport import BLACKHOLE, NETWORK_DOWN, ORIGIN_URL, ssh_command

__all__ = ["BRANCH", "IMPORTER", "ORIGIN_URL", "OTHER_WRITER", "Origin"]

BRANCH = "published"
IMPORTER = ("Code for Philly Importer", "importer@users.noreply.codeforphilly.org")
OTHER_WRITER = ("Code for Philly Volunteer", "volunteer@users.noreply.codeforphilly.org")

PROTECTED_BRANCH = "protected-branch"
INTERRUPT_NEXT_CLONE = "interrupt-next-clone"
DEPLOY_KEY_REVOKED = "deploy-key-revoked"
BRANCH_CREATION_RESTRICTED = "branch-creation-restricted"

REACHABILITY = ("up", "refuse", "blackhole")

_KEY_PATTERN = re.compile(r"podsim-deploy-key-(\d+)")
DEPLOY_KEY_TITLE = "codeforphilly-api"  # what the world's deploy key is called on GitHub

# GitHub-style branch protection. Git prefixes each stderr line with "remote: " and then
# reports "[remote rejected] ... (pre-receive hook declined)" itself.
_PRE_RECEIVE_HOOK = """#!/bin/sh
# podsim: branch protection for published while <world>/faults/protected-branch exists.
faults="$(cd "${GIT_DIR:-.}/.." && pwd)/faults"
status=0
while read -r old new ref; do
  if [ "$ref" = refs/heads/published ] && [ -e "$faults/protected-branch" ]; then
    echo "error: GH006: Protected branch update failed for $ref." >&2
    echo "error: Changes must be made through a pull request." >&2
    status=1
  fi
  # A ruleset that forbids creating branches (e.g. conflicts/*) while the flag exists.
  if [ "$old" = 0000000000000000000000000000000000000000 ] && \
     [ -e "$faults/branch-creation-restricted" ]; then
    echo "error: GH013: Repository rule violations found for $ref." >&2
    echo "error: - Cannot create ref due to creations being restricted." >&2
    status=1
  fi
done
exit $status
"""


class Origin:
    """Operations on `<world>/origin.git` and the faults that shape access to it."""

    def __init__(self, world_dir: Path) -> None:
        self.world_dir = world_dir
        self.git_dir = world_dir / "origin.git"
        self.faults_dir = world_dir / "faults"
        self.key_file = world_dir / "secrets" / "codeforphilly-data-deploy-key" / "id_ed25519"
        self.keys = DeployKeys(world_dir / "origin-keys")
        self.authorized_keys = self.keys.directory / "authorized_keys"
        # GitHub stamps keys it adds; a world sets its virtual clock here (World.__init__).
        self.now: Callable[[], datetime] = self._tip_time
        # Origin's own git commands get a home that is never created or written to.
        self._env = git_env(world_dir / "origin-home")
        if not (self.git_dir / "HEAD").is_file():
            raise WorldError(f"no origin repository at {self.git_dir}")

    @classmethod
    def create(cls, world_dir: Path, rng: random.Random, when: datetime) -> "Origin":
        """Make origin.git with one deterministic seed commit, its hook and deploy key."""
        git_dir = world_dir / "origin.git"
        if git_dir.exists():
            raise WorldError(f"origin repository already exists at {git_dir}")
        world_dir.mkdir(parents=True, exist_ok=True)
        # No template: the sample hooks cost time and origin needs only its own hook.
        run(
            [
                "git",
                "init",
                "--quiet",
                "--bare",
                "--template=",
                f"--initial-branch={BRANCH}",
                str(git_dir),
            ],
            git_env(world_dir / "origin-home"),
        )
        skip_housekeeping(git_dir / "config")
        (git_dir / "hooks").mkdir()  # the pre-receive hook goes here while a rule is on
        (world_dir / "faults").mkdir(exist_ok=True)
        origin = cls(world_dir)
        origin._commit(when, seed_files(rng), "Import seed data", IMPORTER, parent=None)
        origin.key_file.parent.mkdir(parents=True, exist_ok=True)
        key = "podsim-deploy-key-1"
        _write_atomically(origin.key_file, key + "\n", mode=0o400)
        origin.keys.add(DEPLOY_KEY_TITLE, key, read_only=False, created_at=github_time(when))
        return origin

    # -- another writer ------------------------------------------------------------

    def advance(
        self,
        when: datetime,
        path: str,
        content: str,
        message: str,
        author: tuple[str, str] = OTHER_WRITER,
    ) -> str:
        """Commit `content` at `path` onto published, as a writer other than the pod."""
        return self._commit(when, {path: content}, message, author, parent=self.tip())

    def replace_history(
        self,
        when: datetime,
        files: dict[str, str],
        message: str,
        author: tuple[str, str] = OTHER_WRITER,
    ) -> str:
        """Force published onto a new root commit holding only `files`.

        Stands for another writer's `git push --force` of unrelated history (a wrong
        repository's branch, a rewrite from scratch): the old tip is no ancestor of the new.
        """
        return self._commit(when, files, message, author, parent=None, root=True)

    # -- faults --------------------------------------------------------------------

    def set_network(self, up: bool) -> None:
        """False: origin refuses connections at once (the `refuse` fault)."""
        self._set_flag(NETWORK_DOWN, not up)

    def blackhole(self, on: bool) -> None:
        """True: connections to origin hang until ssh gives up (a brownout)."""
        self._set_flag(BLACKHOLE, on)

    def set_fault(self, fault: str) -> None:
        """One of `up`, `refuse` or `blackhole` for how origin answers connections."""
        if fault not in REACHABILITY:
            raise WorldError(f"unknown origin fault {fault!r}; valid: {', '.join(REACHABILITY)}")
        self._set_flag(NETWORK_DOWN, fault == "refuse")
        self._set_flag(BLACKHOLE, fault == "blackhole")

    def protect_branch(self, on: bool) -> None:
        self._set_flag(PROTECTED_BRANCH, on)
        self._sync_hook()

    def restrict_branch_creation(self, on: bool) -> None:
        """Refuse pushes that create a branch (a ruleset); updates of published still pass."""
        self._set_flag(BRANCH_CREATION_RESTRICTED, on)
        self._sync_hook()

    def interrupt_next_clone(self, on: bool) -> None:
        """Arm (or disarm) a SIGKILL of the next `git clone`; firing disarms it."""
        self._set_flag(INTERRUPT_NEXT_CLONE, on)

    def branch_protected(self, branch: str = BRANCH) -> bool:
        """Whether a protection rule refuses pushes to `branch` (only published has one)."""
        return branch == BRANCH and (self.faults_dir / PROTECTED_BRANCH).exists()

    def authorize_key(self, key: str) -> None:
        """Let another key in, e.g. an operator's own; the deploy key is unaffected."""
        self.keys.authorize_user_key(key)

    def add_deploy_key(self, title: str, key: str, read_only: bool) -> DeployKey:
        """GitHub's "add deploy key": `key` is the identity (podsim.deploy_keys)."""
        return self.keys.add(title, key, read_only, github_time(self.now()))

    def revoke_deploy_key(self) -> None:
        """Delete the key the pod mounts from the repository's deploy keys."""
        current = self.deploy_key()
        for key in self.keys.entries():
            if key.key == current:
                self.keys.delete(key.id)

    def rotate_deploy_key(self) -> str:
        """Issue a new key: add it as a deploy key with write access, delete the old one
        and write the new key into the mounted secret."""
        match = _KEY_PATTERN.fullmatch(self.deploy_key())
        if match is None:
            raise WorldError(f"unexpected deploy key format in {self.key_file}")
        old, new = match.group(0), f"podsim-deploy-key-{int(match.group(1)) + 1}"
        # Add first, so a push racing the rotation never sees an unknown key.
        self.add_deploy_key(DEPLOY_KEY_TITLE, new, read_only=False)
        for key in self.keys.entries():
            if key.key == old:
                self.keys.delete(key.id)
        _write_atomically(self.key_file, new + "\n", mode=0o400)
        return new

    def deploy_key(self) -> str:
        """The identity of the key in the pod's mounted secret (podsim.deploy_keys)."""
        return key_identity(self.key_file)

    def active_faults(self) -> list[str]:
        flags = {path.name for path in self.faults_dir.iterdir()}
        if not self.keys.may_push(self.deploy_key()):
            flags.add(DEPLOY_KEY_REVOKED)
        return sorted(flags)

    # -- reading -------------------------------------------------------------------

    def tip(self, branch: str = BRANCH) -> str:
        """The commit `branch` names (from the ref files; git answers when they cannot)."""
        known = gitrefs.resolve(self.git_dir, f"refs/heads/{branch}")
        if known is not None:
            return known
        return self._git("rev-parse", "--verify", f"refs/heads/{branch}^{{commit}}").strip()

    def branches(self) -> dict[str, str]:
        """Every branch on origin: short name -> commit sha."""
        known = gitrefs.branches(self.git_dir)
        if known is not None:
            return {name.removeprefix("refs/heads/"): sha for name, sha in known.items()}
        out = self._git("for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/heads/")
        return dict(line.split(" ", 1) for line in out.splitlines())

    def log_messages(self, branch: str = BRANCH) -> list[str]:
        """Commit subjects on `branch`, newest first."""
        return self._git("log", "--format=%s", f"refs/heads/{branch}").splitlines()

    def file_at(self, path: str, branch: str = BRANCH) -> str:
        return self._git("cat-file", "blob", f"refs/heads/{branch}:{path}")

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        done = subprocess.run(
            [
                "git",
                "--git-dir",
                str(self.git_dir),
                "merge-base",
                "--is-ancestor",
                ancestor,
                descendant,
            ],
            env=self._env,
            capture_output=True,
            text=True,
        )
        if done.returncode not in (0, 1):
            raise GitError(
                f"merge-base --is-ancestor {ancestor} {descendant}: {done.stderr.strip()}"
            )
        return done.returncode == 0

    def ssh_command(self, key_file: Path | None = None) -> str:
        """GIT_SSH_COMMAND for a container: authenticates with the mounted deploy key."""
        return ssh_command(self.world_dir, key_file or self.key_file)

    # -- internals -----------------------------------------------------------------

    def _commit(
        self,
        when: datetime,
        files: dict[str, str],
        message: str,
        author: tuple[str, str],
        parent: str | None,
        root: bool = False,
    ) -> str:
        commit_files(self.git_dir, self._env, BRANCH, when, files, message, author, parent, root)
        return self.tip()

    def _sync_hook(self) -> None:
        """The pre-receive hook is there exactly while one of its rules is on: with none on
        it would accept every push, and git would start it (a shell) for each one anyway."""
        hook = self.git_dir / "hooks" / "pre-receive"
        if any((self.faults_dir / rule).exists()
               for rule in (PROTECTED_BRANCH, BRANCH_CREATION_RESTRICTED)):
            hook.parent.mkdir(exist_ok=True)
            hook.write_text(_PRE_RECEIVE_HOOK)
            hook.chmod(0o755)
        else:
            hook.unlink(missing_ok=True)

    def _set_flag(self, name: str, on: bool) -> None:
        flag = self.faults_dir / name
        if on:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)

    def _tip_time(self) -> datetime:
        """Without a world's clock: the time of published's last commit."""
        return datetime.fromisoformat(self._git("log", "-1", "--format=%cI", BRANCH).strip())

    def _git(self, *args: str) -> str:
        out = run(["git", "--git-dir", str(self.git_dir), *args], self._env)
        return out.decode()


def github_time(when: datetime) -> str:
    """A timestamp as GitHub's REST API writes it: RFC 3339 in UTC, whole seconds."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_atomically(path: Path, text: str, mode: int) -> None:
    # Like the kubelet's secret refresh: readers see the old file or the new one, never half.
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.write_text(text)
    temporary.chmod(mode)
    temporary.replace(path)
