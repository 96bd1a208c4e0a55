"""The podsim CLI for a person at a terminal: causes, write ids, mm:ss, colour, help, errors."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from podsim.cli import clock, main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def pod_delete() -> str:
    done = subprocess.run([sys.executable, "-m", "podsim", "scenario", "run", "pod-delete"],
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_the_fault_that_causes_the_refusals_is_on_the_timeline(pod_delete: str) -> None:
    lines = pod_delete.splitlines()
    fault = next(i for i, line in enumerate(lines) if " fault " in line)
    refused = next(i for i, line in enumerate(lines) if " origin.reject " in line)
    assert "origin unreachable" in lines[fault]
    assert fault < refused


def test_the_summary_names_the_writes_at_risk(
    pod_delete: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "lost (gone with the pod's volume): w-0002, w-0003" in pod_delete
    code, out, _ = run_cli(capsys, "scenario", "run", "protected-branch")
    assert code == 0
    assert "only in the pod (lost if the pod is replaced): w-0001, w-0002" in out


def test_times_are_minutes_and_seconds(pod_delete: str) -> None:
    assert clock(1028.5) == "17:08.5" and clock(7200) == "2:00:00"
    refused = next(line for line in pod_delete.splitlines() if " origin.reject " in line)
    assert refused.startswith("00:41 ")  # served at 35 s, offline write at 40, a 1 s push
    assert ".000s" not in pod_delete


def test_colour_on_a_terminal_plain_text_in_a_pipe(pod_delete: str) -> None:
    assert "\x1b[" not in pod_delete
    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "podsim", "scenario", "run", "happy-path"],
                          stdout=follower, stderr=subprocess.PIPE, check=True,
                          env={**os.environ, "TERM": "xterm-256color"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0
    assert b"\x1b[" in b"".join(chunks)


def test_help_explains_the_arguments_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["scenario", "run", "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert "NAME" in out and "--world DIR" in out and "--seed" in out
    assert "examples:" in out and "podsim scenario run pod-delete --json" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == \
        f"podsim {metadata.version('executable-ops-handbook')}"


def test_an_existing_world_is_one_clear_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "world").mkdir()
    (tmp_path / "world" / "world.json").write_text("{}")
    code, out, err = run_cli(capsys, "scenario", "run", "happy-path",
                             "--world", str(tmp_path / "world"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("podsim: error: --world ") and "not empty" in err


def test_a_misspelled_scenario_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "scenario", "run", "pod-delet")
    assert code == 2
    assert "unknown scenario 'pod-delet'; did you mean pod-delete?" in err
