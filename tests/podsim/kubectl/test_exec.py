"""`kubectl exec`: paths mapped onto the pod's volumes, read-only git, remote exit codes."""

import subprocess

from kubectl_rig import Kubectl

from podsim.world import World


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
        assert refused.code == 1 and "does not simulate `git" in refused.err, write
    outside = k("exec", name, "--", "git", "log")
    assert outside.code == 128 and "not a git repository" in outside.err


def test_exec_errors(world: World, k: Kubectl) -> None:
    name = world.pod().name
    old_form = k("exec", name, "ls")
    assert old_form.err.startswith("error: exec [POD] [COMMAND] is not supported anymore.")
    wrong = k("exec", name, "-c", "api", "--", "env")
    assert wrong.err == (
        f"Error from server (BadRequest): container api is not valid for pod {name}\n")
    assert "does not simulate" in k("exec", name, "--", "sh", "-c", "true").err
    world.crash()
    world.crash()  # the second crash in a row waits 10 s in CrashLoopBackOff
    waiting = k("exec", name, "--", "env")
    assert (waiting.code, waiting.err) == (
        1, 'error: unable to upgrade connection: container not found ("codeforphilly")\n')
