"""A deploy/ directory is parsed once per content: reopening reuses it, any edit re-reads."""

import shutil
from pathlib import Path

from podsim.manifest import load_manifest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_same_content_is_parsed_once_and_an_edit_of_the_same_size_is_seen(
        tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy)
    first = load_manifest(deploy)
    assert load_manifest(deploy) is first
    overlay = deploy / "kustomize" / "overlays" / "sandbox" / "kustomization.yaml"
    text = overlay.read_text()
    edited = text.replace(f"namespace: {first.namespace}",
                          f"namespace: {first.namespace[:-1]}q")
    assert edited != text and len(edited) == len(text)
    overlay.write_text(edited)
    assert load_manifest(deploy).namespace == first.namespace[:-1] + "q"
