"""Which kubectl the pages run (root conftest.py): the pinned one, another by setting, and
a clear stop when it cannot run here."""

import os
import subprocess
import sys
from pathlib import Path

from podsim.apiserver import kubectl_binary

REPO = Path(__file__).resolve().parents[3]
PAGE = "runbooks/fetch-from-pod.md"


def run_page(env_extra: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(HOME=str(home), **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "pytest", PAGE, "-q", "-p", "no:cacheprovider",
         "--docproof-report", str(home / "report.json")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_setting_picks_the_kubectl_every_page_command_runs(tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    other = tmp_path / "kubectl"
    other.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {kubectl_binary()} "$@"\n')
    other.chmod(0o755)
    done = run_page({"DOCPROOF_KUBECTL": str(other)}, tmp_path)
    assert done.returncode == 0, done.stdout
    logged = calls.read_text().splitlines()
    assert logged[0] == "version --client -o json"  # the probe, then the page's commands
    assert "-n codeforphilly get pods" in logged


def test_a_kubectl_that_cannot_run_stops_the_run_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "kubectl"
    broken.write_bytes(b"\x7fELF not really")
    broken.chmod(0o755)
    done = run_page({"DOCPROOF_KUBECTL": str(broken)}, tmp_path)
    assert done.returncode == 4
    assert done.stderr.strip().splitlines() == [
        f"ERROR: docproof: DOCPROOF_KUBECTL={broken} cannot run on this machine: "
        f"[Errno 8] Exec format error: '{broken}'"]
