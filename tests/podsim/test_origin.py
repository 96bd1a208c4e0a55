"""Origin and its faults, driven by real git through the ssh shim."""

import random
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from podsim.durations import KERNEL_TCP_CONNECT_TIMEOUT_S, connect_timeout_s
from podsim.errors import WorldError
from podsim.gitenv import git_env
from podsim.origin import BRANCH, IMPORTER, ORIGIN_URL, Origin
from podsim.transport import connection_hangs
from podsim.world import World

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDED_AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    return Origin.create(tmp_path / "world", random.Random(87), SEEDED_AT)


def git(tmp_path: Path, origin: Origin, *args: str, cwd: Path | None = None,
        ) -> subprocess.CompletedProcess[str]:
    """Run git as a container or laptop would: own HOME, GIT_SSH_COMMAND through the shim."""
    env = git_env(tmp_path / "home", GIT_SSH_COMMAND=origin.ssh_command(),
                  GIT_AUTHOR_NAME="Pod", GIT_AUTHOR_EMAIL="pod@example.org",
                  GIT_COMMITTER_NAME="Pod", GIT_COMMITTER_EMAIL="pod@example.org")
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture
def laptop(tmp_path: Path, origin: Origin) -> Path:
    """A working clone holding one commit that origin does not have yet."""
    clone = tmp_path / "laptop"
    assert git(tmp_path, origin, "clone", "--quiet", ORIGIN_URL, str(clone)).returncode == 0
    (clone / "people" / "new-person.toml").write_text('slug = "new-person"\n')
    git(tmp_path, origin, "add", "people", cwd=clone)
    assert git(tmp_path, origin, "commit", "-qm", "Add new-person", cwd=clone).returncode == 0
    return clone


def push(tmp_path: Path, origin: Origin, clone: Path, *refspec: str,
         ) -> subprocess.CompletedProcess[str]:
    return git(tmp_path, origin, "push", "origin", *(refspec or (BRANCH,)), cwd=clone)


def test_origin_url_is_the_manifests_data_remote() -> None:
    manifest = yaml.safe_load((REPO_ROOT / "deploy/kustomize/base/deployment.yaml").read_text())
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert env["CFP_DATA_REMOTE"] == ORIGIN_URL


def test_same_seed_and_date_give_the_same_commit(tmp_path: Path, origin: Origin) -> None:
    twin = Origin.create(tmp_path / "twin", random.Random(87), SEEDED_AT)
    other_seed = Origin.create(tmp_path / "other-seed", random.Random(88), SEEDED_AT)
    later = Origin.create(tmp_path / "later", random.Random(87), SEEDED_AT + timedelta(1))
    assert twin.tip() == origin.tip()
    assert other_seed.tip() != origin.tip()
    assert later.tip() != origin.tip()


def test_seed_commit_is_the_importers_on_published(tmp_path: Path, origin: Origin) -> None:
    shown = subprocess.run(
        ["git", "--git-dir", str(origin.git_dir), "log", "-1", "--format=%an <%ae> %at|%cn|%s"],
        env=git_env(tmp_path / "home"), capture_output=True, text=True, check=True)
    when = int(SEEDED_AT.timestamp())
    assert shown.stdout.strip() == f"{IMPORTER[0]} <{IMPORTER[1]}> {when}|{IMPORTER[0]}|" \
                                   "Import seed data"
    assert (origin.git_dir / "HEAD").read_text() == "ref: refs/heads/published\n"
    assert origin.branches() == {BRANCH: origin.tip()}
    assert origin.file_at(".gitsheets/people.toml").startswith("[gitsheet]\n")


def test_a_fast_forward_push_through_the_shim_lands(tmp_path: Path, origin: Origin,
                                                    laptop: Path) -> None:
    before = origin.tip()
    assert push(tmp_path, origin, laptop).returncode == 0
    assert origin.log_messages() == ["Add new-person", "Import seed data"]
    assert origin.is_ancestor(before, origin.tip())
    assert not origin.is_ancestor(origin.tip(), before)


def test_network_down_fails_like_ssh_then_recovers(tmp_path: Path, origin: Origin) -> None:
    origin.set_network(up=False)
    assert origin.active_faults() == ["network-down"]
    failed = git(tmp_path, origin, "ls-remote", ORIGIN_URL)
    assert failed.returncode == 128
    assert failed.stderr.startswith(
        "ssh: connect to host github.com port 22: Network is unreachable\n"
        "fatal: Could not read from remote repository.")
    origin.set_network(up=True)
    assert origin.active_faults() == []
    assert git(tmp_path, origin, "ls-remote", ORIGIN_URL).stdout.startswith(origin.tip())


def test_revoked_key_is_denied_and_rotation_fixes_the_next_push(
        tmp_path: Path, origin: Origin, laptop: Path) -> None:
    origin.revoke_deploy_key()
    assert origin.active_faults() == ["deploy-key-revoked"]
    denied = push(tmp_path, origin, laptop)
    assert denied.returncode == 128
    assert "git@github.com: Permission denied (publickey).\n" in denied.stderr
    assert "fatal: Could not read from remote repository." in denied.stderr

    new_key = origin.rotate_deploy_key()
    assert new_key == "podsim-deploy-key-2" == origin.key_file.read_text().strip()
    assert origin.active_faults() == []
    assert push(tmp_path, origin, laptop).returncode == 0
    assert origin.log_messages()[0] == "Add new-person"


def test_rotation_retires_the_old_key(tmp_path: Path, origin: Origin) -> None:
    old_key_copy = tmp_path / "old_key"
    old_key_copy.write_text(origin.deploy_key() + "\n")
    origin.rotate_deploy_key()
    env = git_env(tmp_path / "home", GIT_SSH_COMMAND=origin.ssh_command(old_key_copy))
    stale = subprocess.run(["git", "ls-remote", ORIGIN_URL], env=env, capture_output=True,
                           text=True)
    assert "Permission denied (publickey)" in stale.stderr


def test_protected_branch_is_declined_by_the_hook(tmp_path: Path, origin: Origin,
                                                  laptop: Path) -> None:
    origin.protect_branch(on=True)
    declined = push(tmp_path, origin, laptop)
    assert declined.returncode == 1
    assert ("remote: error: GH006: Protected branch update failed for refs/heads/published."
            in declined.stderr)
    assert (" ! [remote rejected] published -> published (pre-receive hook declined)"
            in declined.stderr)
    # Other branches (a reconcile conflict branch, say) are not protected.
    conflict = "conflicts/2026-07-01T12-00-00Z"
    assert push(tmp_path, origin, laptop, f"HEAD:refs/heads/{conflict}").returncode == 0
    assert conflict in origin.branches()
    origin.protect_branch(on=False)
    assert push(tmp_path, origin, laptop).returncode == 0


def test_the_hook_is_there_only_while_a_rule_is_on(origin: Origin) -> None:
    hook = origin.git_dir / "hooks" / "pre-receive"
    assert not hook.exists()  # no rule: git starts no hook for each push
    origin.protect_branch(on=True)
    origin.restrict_branch_creation(on=True)
    origin.protect_branch(on=False)
    assert hook.is_file()  # the ruleset still needs it
    origin.restrict_branch_creation(on=False)
    assert not hook.exists()


def test_another_writer_makes_a_plain_push_fetch_first(tmp_path: Path, origin: Origin,
                                                       laptop: Path) -> None:
    seed_tip = origin.tip()
    new_tip = origin.advance(SEEDED_AT + timedelta(hours=1), "projects/new.toml",
                             'slug = "new"\n', "Add project new")
    assert new_tip == origin.tip() != seed_tip
    assert origin.is_ancestor(seed_tip, new_tip)
    assert origin.file_at("projects/new.toml") == 'slug = "new"\n'
    rejected = push(tmp_path, origin, laptop)
    assert rejected.returncode == 1
    assert " ! [rejected]        published -> published (fetch first)" in rejected.stderr


def test_unknown_repository_and_host_fail_clearly(tmp_path: Path, origin: Origin) -> None:
    missing = git(tmp_path, origin, "ls-remote", "git@github.com:CodeForPhilly/other.git")
    assert missing.stderr.startswith("ERROR: Repository not found.\n"
                                     "fatal: Could not read from remote repository.")
    elsewhere = git(tmp_path, origin, "ls-remote", "git@gitlab.com:CodeForPhilly/x.git")
    assert elsewhere.stderr.startswith("ssh: Could not resolve hostname gitlab.com")


def test_an_interrupted_clone_leaves_a_repository_without_head(tmp_path: Path,
                                                                origin: Origin) -> None:
    origin.interrupt_next_clone(on=True)
    target = tmp_path / "data"
    killed = git(tmp_path, origin, "clone", "--bare", "--branch", BRANCH, ORIGIN_URL,
                 str(target))
    assert killed.returncode == -9  # SIGKILL: git had no chance to clean up
    assert {path.name for path in target.iterdir()} >= {"HEAD", "config", "objects", "refs"}
    assert list((target / "refs" / "heads").iterdir()) == []
    head = git(tmp_path, origin, "--git-dir", str(target), "rev-parse", "HEAD")
    assert "ambiguous argument 'HEAD'" in head.stderr
    # The fault fired once and cleared itself: the next clone completes.
    assert origin.active_faults() == []
    again = tmp_path / "again"
    assert git(tmp_path, origin, "clone", "--bare", ORIGIN_URL, str(again)).returncode == 0


def test_an_armed_interrupt_waits_for_a_clone(tmp_path: Path, origin: Origin,
                                              laptop: Path) -> None:
    origin.interrupt_next_clone(on=True)
    assert git(tmp_path, origin, "fetch", "origin", cwd=laptop).returncode == 0
    assert origin.active_faults() == ["interrupt-next-clone"]
    origin.interrupt_next_clone(on=False)
    assert origin.active_faults() == []


def test_a_world_path_with_spaces_still_works(tmp_path: Path) -> None:
    spaced = Origin.create(tmp_path / "my world", random.Random(1), SEEDED_AT)
    listed = git(tmp_path, spaced, "ls-remote", ORIGIN_URL, "refs/heads/published")
    assert listed.stdout == f"{spaced.tip()}\trefs/heads/published\n"


def test_replaced_history_shares_no_commit_with_the_old(tmp_path: Path, origin: Origin) -> None:
    old = origin.tip()
    new = origin.replace_history(SEEDED_AT, {"README.md": "other\n"}, "Unrelated root")
    assert origin.tip() == new and new != old
    assert origin.log_messages() == ["Unrelated root"]
    base = git(tmp_path, origin, "--git-dir", str(origin.git_dir), "merge-base", old, new)
    assert base.returncode == 1 and base.stdout == ""


def test_blackhole_times_out_like_ssh_and_costs_the_kernel_tcp_timeout(
        tmp_path: Path, origin: Origin, laptop: Path) -> None:
    origin.set_fault("blackhole")
    ssh = origin.ssh_command()
    assert connection_hangs(ssh)
    assert connect_timeout_s(ssh) == KERNEL_TCP_CONNECT_TIMEOUT_S == 127
    failed = push(tmp_path, origin, laptop)
    assert failed.returncode != 0
    assert "ssh: connect to host github.com port 22: Connection timed out" in failed.stderr
    assert "fatal: Could not read from remote repository." in failed.stderr
    assert origin.active_faults() == ["blackhole"]
    origin.set_fault("up")
    assert not connection_hangs(origin.ssh_command())
    assert push(tmp_path, origin, laptop).returncode == 0


def test_refuse_fails_at_once_and_set_network_still_means_refuse(
        tmp_path: Path, origin: Origin, laptop: Path) -> None:
    origin.set_network(False)
    assert origin.active_faults() == ["network-down"]
    refused = push(tmp_path, origin, laptop)
    assert "Network is unreachable" in refused.stderr
    assert not connection_hangs(origin.ssh_command())  # refused: no wait to charge
    origin.set_fault("blackhole")  # switching fault clears the refusal
    assert origin.active_faults() == ["blackhole"]
    with pytest.raises(WorldError, match="unknown origin fault 'down'"):
        origin.set_fault("down")


def test_an_image_connect_timeout_bounds_the_wait() -> None:
    assert connect_timeout_s("ssh -o ConnectTimeout=15 -i key") == 15
    assert connect_timeout_s("ssh -oConnectTimeout=7") == 7
    with pytest.raises(ValueError, match="ConnectTimeout='soon'"):
        connect_timeout_s("ssh -o ConnectTimeout=soon")


def test_a_blackholed_push_hangs_for_the_tcp_timeout_then_fails_and_retries(
        tmp_path: Path) -> None:
    world = World.create(tmp_path / "world")
    world.origin.set_fault("blackhole")
    start = world.now
    world.write()
    world.advance(KERNEL_TCP_CONNECT_TIMEOUT_S - 1)
    assert world.trace.of_kind("origin.reject") == []  # still waiting on the SYN retries
    world.advance(1)
    rejected = world.trace.of_kind("origin.reject")
    assert [e.t - start for e in rejected] == [KERNEL_TCP_CONNECT_TIMEOUT_S]
    assert "Connection timed out" in str(rejected[0].data["stderr"])
    retry = world.trace.of_kind("push-daemon.retry")[0]
    assert retry.data["reason"] == "unknown" and retry.data["nextDelayMs"] == 1000
