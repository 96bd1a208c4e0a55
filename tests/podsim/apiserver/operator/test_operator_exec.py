"""`kubectl exec`: container paths mapped onto the pod's volumes, `sh -c` with one simple
command, read-only git, remote exit codes, and the container a command cannot reach."""

import subprocess

from apiserver_rig import Kubectl

from podsim.world import World

SIMULATED = "(simulated: git upload-pack, read-only git, ls and cat on volumes, env"


def test_env_ls_and_cat_see_container_paths(world: World, k: Kubectl) -> None:
    name = world.pod().name
    env = k("exec", name, "--", "env")
    assert env.code == 0
    assert "CFP_DATA_REPO_PATH=/app/data\n" in env.out and f"HOSTNAME={name}\n" in env.out
    assert str(world.root) not in env.out
    assert k("exec", name, "--", "ls", "/etc/cfp-data-deploy-key").out == "id_ed25519\n"
    key = world.root / "secrets" / "codeforphilly-data-deploy-key" / "id_ed25519"
    cat = k("exec", name, "--", "cat", "/etc/cfp-data-deploy-key/id_ed25519")
    assert cat.out == key.read_text()
    assert "objects\n" in k("exec", "deploy/codeforphilly", "--", "ls", "/app/data").out


def test_sh_c_runs_one_simple_command_and_refuses_more(world: World, k: Kubectl) -> None:
    name = world.pod().name
    listed = k("exec", name, "--", "sh", "-c", "ls /app/data")
    assert listed.code == 0 and listed.out == k("exec", name, "--", "ls", "/app/data").out
    subject = k("exec", name, "--", "bash", "-c", "git --git-dir=/app/data log -1 --format=%s")
    assert (subject.code, subject.out) == (0, "Import seed data\n")
    piped = k("exec", name, "--", "sh", "-c", "ls /app/data | wc -l")
    assert piped.code == 1
    assert piped.err.startswith(
        "error: unable to upgrade connection: podsim: the simulated container does not run "
        "sh -c 'ls /app/data | wc -l': scripts beyond one simple command (|) " + SIMULATED)
    interactive = k("exec", name, "--", "sh")
    assert interactive.code == 1
    assert "sh without -c SCRIPT (an interactive shell)" in interactive.err


def test_remote_failure_exit_code_becomes_kubectls(world: World, k: Kubectl) -> None:
    result = k("exec", world.pod().name, "--", "cat", "/app/data/nope")
    assert result.code == 1
    assert result.err == ("cat: /app/data/nope: No such file or directory\n"
                          "command terminated with exit code 1\n")


def test_read_only_git_runs_and_writes_are_refused(world: World, k: Kubectl) -> None:
    name = world.pod().name
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=world.data_dir(), text=True,
                          capture_output=True, check=True, env=world.pod_git_env()).stdout
    assert k("exec", name, "--", "git", "--git-dir=/app/data", "rev-parse", "HEAD").out == head
    gitdir = k("exec", name, "--", "git", "--git-dir", "/app/data", "rev-parse", "--git-dir")
    assert gitdir.out == "/app/data\n"
    for write in (["update-ref", "refs/heads/x", "HEAD"], ["branch", "x"], ["config", "a.b", "c"]):
        refused = k("exec", name, "--", "git", "--git-dir=/app/data", *write)
        assert refused.code == 1, write
        assert f"does not run `git {write[0]}`" in refused.err, write
    outside = k("exec", name, "--", "git", "log")
    assert outside.code == 128 and "not a git repository" in outside.err


def test_exec_errors(world: World, k: Kubectl) -> None:
    name = world.pod().name
    old_form = k("exec", name, "ls")
    assert old_form.err.startswith("error: exec [POD] [COMMAND] is not supported anymore.")
    wrong = k("exec", name, "-c", "api", "--", "env")  # kubectl checks the name itself
    assert wrong.err == f"error: container api is not valid for pod {name} out of: codeforphilly\n"
    world.crash()
    world.crash()  # the second crash in a row waits 10 s in CrashLoopBackOff
    waiting = k("exec", name, "--", "env")
    assert (waiting.code, waiting.err) == (
        1, 'error: unable to upgrade connection: container not found ("codeforphilly")\n')


def test_exec_it_without_a_terminal_runs_the_command_and_says_so(
    world: World, k: Kubectl
) -> None:
    listed = k("exec", "-it", world.pod().name, "--", "ls", "/etc/cfp-data-deploy-key")
    assert (listed.code, listed.out) == (0, "id_ed25519\n")
    assert listed.err == "Unable to use a TTY - input is not a terminal or the right kind of file\n"
