"""The storage spec follows the manifest: put the data clone on a PersistentVolumeClaim and
the spec's durability checks fail, naming their claims, while the rest of the spec holds
(in a copy of the project that holds only what the spec needs, so the rest passing also
shows the copy is enough)."""

import shutil
from pathlib import Path
from typing import Any

import yaml
from page_session import REPO, run_pages, suite_page

SPEC = Path("specs") / "behaviors" / "storage.md"
DEPLOYMENT = Path("deploy") / "kustomize" / "base" / "deployment.yaml"

# Claims that hold only because /app/data is an emptyDir, deleted with its pod.
EMPTYDIR_CLAIMS = {
    "storage.data-on-emptydir",
    "storage.rollout-loses-unpushed",
    "storage.pod-delete-loses-unpushed",
    "storage.eviction-loses-unpushed",
    "storage.node-failure-loses-unpushed",
    "storage.gap-no-sigterm-drain",
    "storage.gap-drain-misses-backoff",
    "storage.clone-durability-in-short",
    "storage.memory-three-ways",
    "storage.rolling-update-would-fork",  # each pod of the overlap has its own clone
}


def project_copy(root: Path) -> Path:
    """The least of the repository the spec needs: the glue, the manifest, the helper, the page."""
    shutil.copy(REPO / "conftest.py", root / "conftest.py")
    shutil.copytree(REPO / "deploy", root / "deploy")
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "git-pod-uploadpack.sh", root / "scripts")
    (root / SPEC).parent.mkdir(parents=True)
    shutil.copy(REPO / SPEC, root / SPEC)
    return root


def data_volume_on_a_pvc(root: Path) -> None:
    path = root / DEPLOYMENT
    deployment = yaml.safe_load(path.read_text())
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    data = next(v for v in volumes if v["name"] == "data")
    assert "emptyDir" in data, "the data volume is no longer an emptyDir: update this test"
    del data["emptyDir"]
    data["persistentVolumeClaim"] = {"claimName": "codeforphilly-data"}
    path.write_text(yaml.safe_dump(deployment, sort_keys=False))


def run_spec(root: Path) -> tuple[int, str, dict[str, Any]]:
    """Run the copied spec in its own pytest session; the copy's conftest binds its world."""
    run = run_pages(root, root / SPEC, glue=root)
    return run.returncode, run.output, run.report


def failing_claims(report: dict[str, Any]) -> set[str]:
    return {c["id"] for c in report["claims"] if c["status"] == "fail"}


def test_the_storage_spec_declares_the_emptydir_claims_the_suite_verifies() -> None:
    # The test suite runs the spec itself against the repository's manifest (the emptyDir
    # one): that run proves every block and claim passes, so it is not run again here. The
    # PVC test below needs the spec to still check each emptyDir claim with a Python block.
    page = suite_page(REPO / SPEC)
    assert {claim.id for claim in page.claims} >= EMPTYDIR_CLAIMS
    checked = {block.options.claim for block in page.blocks
               if block.options is not None and block.options.lang == "python"}
    assert checked >= EMPTYDIR_CLAIMS


def test_a_pvc_data_volume_fails_exactly_the_emptydir_claims(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    data_volume_on_a_pvc(root)
    code, output, report = run_spec(root)
    assert code == 1, output
    assert failing_claims(report) == EMPTYDIR_CLAIMS
    failed = [b for b in report["blocks"] if b["status"] == "fail"]
    assert {b["claim"] for b in failed} == EMPTYDIR_CLAIMS
    for block in failed:  # each failure points at its page line, as the run's output does
        assert block["reason"].startswith(f"{SPEC.as_posix()}:")
        assert block["reason"].split(" ")[0].rstrip(":") in output
