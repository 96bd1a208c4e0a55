"""Which kubectl the pages run (root conftest.py): the pinned one, another by setting, and
a clear stop when it cannot run here."""

import json
import os
import subprocess
import sys
import tempfile
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
    # Pages run in a sandbox whose /tmp is private, so the stand-in lives under the
    # project's (gitignored) .docproof/, which the sandbox shows read-only.
    with tempfile.TemporaryDirectory(dir=REPO / ".docproof") as scratch:
        other = Path(scratch) / "kubectl"
        # The pinned kubectl under another version: every block records the version the
        # page's kubectl reports, and passes only if the stand-in runs the commands.
        other.write_text(
            "#!/bin/sh\n"
            'if [ "$*" = "version --client -o json" ]; then\n'
            '  echo \'{"clientVersion": {"gitVersion": "v9.9.9"}}\'; exit 0\n'
            "fi\n"
            f'exec {kubectl_binary()} "$@"\n')
        other.chmod(0o755)
        done = run_page({"DOCPROOF_KUBECTL": str(other)}, tmp_path)
    assert done.returncode == 0, done.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    kubectl_blocks = [b for b in report["blocks"] if b["lang"] == "console"]
    assert kubectl_blocks and {b["tools"].get("kubectl") for b in kubectl_blocks} == {"9.9.9"}


def test_a_kubectl_that_cannot_run_stops_the_run_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "kubectl"
    broken.write_bytes(b"\x7fELF not really")
    broken.chmod(0o755)
    done = run_page({"DOCPROOF_KUBECTL": str(broken)}, tmp_path)
    assert done.returncode == 4
    assert done.stderr.strip().splitlines() == [
        f"ERROR: docproof: DOCPROOF_KUBECTL={broken} cannot run on this machine: "
        f"[Errno 8] Exec format error: '{broken}'"]
