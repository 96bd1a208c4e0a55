"""Each page runs in its own sandboxed process tree: deaths, deadlines, network, leaks."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES, InnerRun, fences, inner_command, inner_run, run_inner
from test_docproof_samples import failure_text

REPO = SAMPLES.parents[1]
LISTENER_PORT = 47613  # the port samples/escape-network.md tries to reach
LEAKED_SLEEPS = ("sleep 3141", "sleep 3142")  # started by samples/leak-a-leaks.md


def test_os_exit_fails_the_block_and_the_rest_of_the_page(serial_run: InnerRun) -> None:
    assert serial_run.returncode == 1
    assert serial_run.report["summary"]["fail"] >= 2
    exit_line, after = 3, 8
    assert "page process exited with 0 during this block" in failure_text(
        serial_run, f"samples/python-exit.md:{exit_line}:"
    )
    assert "before this block ran" in failure_text(serial_run, f"samples/python-exit.md:{after}:")
    assert serial_run.statuses("python-exit.md") == [(exit_line, "fail"), (after, "fail")]


def test_killing_the_parent_from_bash_kills_only_the_page(serial_run: InnerRun) -> None:
    text = failure_text(serial_run, "samples/bash-kills-parent.md:3:")
    assert "page process killed by SIGTERM during this block" in text
    assert serial_run.statuses("bash-kills-parent.md") == [(3, "fail"), (7, "fail")]
    assert serial_run.statuses("passing.md")  # pages after it still ran


def test_a_block_that_swallows_its_timeout_is_killed_from_outside(serial_run: InnerRun) -> None:
    text = failure_text(serial_run, "samples/python-ignores-timeout.md:3:")
    assert "killed after the block ran past its 1 s timeout" in text
    block = serial_run.block("python-ignores-timeout.md", 3)
    assert block["status"] == "fail" and block["duration_s"] < 20


def test_leaks_from_one_page_do_not_reach_the_next(
    serial_run: InnerRun, parallel_run: InnerRun
) -> None:
    for run in (serial_run, parallel_run):
        assert {status for _, status in run.statuses("leak-a-leaks.md")} == {"pass"}
        assert {status for _, status in run.statuses("leak-b-victim.md")} == {"pass"}


def test_a_server_on_the_pages_loopback_is_reachable_from_its_shell(serial_run: InnerRun) -> None:
    assert serial_run.statuses("loopback-server.md") == [
        (line, "pass") for line in fences("loopback-server.md")
    ]


def test_python_and_bash_blocks_cannot_reach_out(tmp_path: Path) -> None:
    with socket.socket() as listener, socket.socket(type=socket.SOCK_DGRAM) as datagrams:
        try:
            listener.bind(("127.0.0.1", LISTENER_PORT))
            datagrams.bind(("127.0.0.1", LISTENER_PORT))
        except OSError as error:
            pytest.fail(f"port {LISTENER_PORT} is taken on this machine: {error}")
        listener.listen()
        listener.setblocking(False)
        datagrams.setblocking(False)
        run = run_inner(tmp_path, ["escape-network.md"])
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing inside the sandbox got through
        with pytest.raises(BlockingIOError):
            datagrams.recvfrom(64)
    want = [(line, "pass") for line in fences("escape-network.md")]
    assert run.statuses("escape-network.md") == want, run.output


def _snapshot(*roots: Path) -> set[str]:
    return {str(path) for root in roots for path in root.rglob("*")}


def _alive(commands: tuple[str, ...]) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        if cmdline in commands:
            found.append(f"{proc.name}: {cmdline}")
    return found


# Mounts the test's private /tmp over /tmp, binds back the checkout and the interpreter
# where they live under /tmp (a CI clone may), then runs argv.
_PRIVATE_TMP = """
import os, subprocess, sys
fake, keep, argv = sys.argv[1], [p for p in sys.argv[2].split(":") if p], sys.argv[3:]
fds = {path: os.open(path, os.O_PATH) for path in keep}
cwd = os.getcwd()
os.chdir("/")  # the working directory may be about to be covered
subprocess.run(["mount", "--bind", fake, "/tmp"], check=True)
for path, fd in fds.items():
    subprocess.run(["mount", "--no-canonicalize", "--bind", f"/proc/self/fd/{fd}", path],
                   check=True, pass_fds=[fd])
os.chdir(cwd)
os.execv(argv[0], argv)
"""


def _under_tmp() -> list[Path]:
    """The checkout and the interpreter's prefixes that live under /tmp, outermost only."""
    found: list[Path] = []
    candidates = {REPO.resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    for path in sorted(candidates, key=lambda p: len(p.parts)):
        if path.is_relative_to("/tmp") and not any(path.is_relative_to(f) for f in found):
            found.append(path)
    return found


def test_a_run_leaves_nothing_behind(tmp_path: Path) -> None:
    """Run a project page and the leaking samples with /tmp and HOME made private to the
    test (so other runs on the machine do not show up), then compare both trees."""
    fake_tmp, home = tmp_path / "tmp", tmp_path / "home"
    fake_tmp.mkdir(mode=0o1777)
    home.mkdir()
    keep = _under_tmp()
    for path in keep:  # mount points for what must stay visible, made before the snapshot
        (fake_tmp / path.relative_to("/tmp")).mkdir(parents=True)
    report = fake_tmp / "report.json"  # written by the run as /tmp/report.json
    samples = [f"tests/samples/leak-{name}.md" for name in ("a-leaks", "b-victim")]
    pages = ["runbooks/safe-restart.md", *samples]
    pytest_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pages]
    pytest_cmd += ["--docproof-report", "/tmp/report.json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["HOME"] = str(home)
    before = _snapshot(fake_tmp, home)
    wrapper = [sys.executable, "-c", _PRIVATE_TMP, str(fake_tmp), ":".join(map(str, keep))]
    done = subprocess.run(
        ["unshare", "--mount", *wrapper, *pytest_cmd],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(report.read_text())["summary"]["fail"] == 0
    assert _snapshot(fake_tmp, home) - {str(report)} == before
    assert _alive(LEAKED_SLEEPS) == []


def test_a_block_that_disarms_its_timer_is_killed_from_outside(serial_run: InnerRun) -> None:
    text = failure_text(serial_run, "samples/python-disarms-timer.md:3:")
    assert "killed after the block ran past its 1 s timeout" in text
    assert serial_run.block("python-disarms-timer.md", 3)["duration_s"] < 20


def test_an_unknown_world_fails_a_python_block_in_one_line(serial_run: InnerRun) -> None:
    text = failure_text(serial_run, "samples/unknown-world-python.md:1:")
    assert len(text.strip().splitlines()) == 1, text
    assert "unknown world 'no-such-world'" in text
    reason = serial_run.block("unknown-world-python.md", 6)["reason"]
    assert reason.startswith("samples/unknown-world-python.md:1: world 'no-such-world'")


def test_without_namespaces_pages_run_in_process_and_say_so(tmp_path: Path) -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        pytest.skip("needs root and util-linux setpriv to take CAP_SYS_ADMIN away")
    no_admin = [setpriv, "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin"]
    run = run_inner(tmp_path, ["passing.md", "world.md"], prefix=no_admin)
    for sample in ("passing.md", "world.md"):
        assert run.statuses(sample) == [(line, "pass") for line in fences(sample)], run.output
    assert "pages ran in this process, without a sandbox of their own" in run.output
    assert not run.report["summary"]["network_isolation"].startswith("page sandbox")


def test_a_page_keeps_log_capture_when_the_ini_configures_it(tmp_path: Path) -> None:
    """A page's own session drops pytest's log capture (nothing of it reaches the report),
    but not when the ini sets a log option: under --strict-config that would fail the page."""
    command, env = inner_command(tmp_path, ["passing.md"])
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider -p no:benchmark --strict-config\n"
        "filterwarnings = error\nlog_level = INFO\n"
    )
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=100, check=False)
    run = inner_run(tmp_path, done.returncode, done.stdout + done.stderr)
    assert run.statuses("passing.md") == [(line, "pass") for line in fences("passing.md")], (
        run.output)
