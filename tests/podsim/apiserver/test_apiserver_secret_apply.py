"""`kubectl create secret ... --dry-run=client -o yaml | kubectl apply -f -` against the
endpoint: the OpenAPI documents apply reads, create and patch of a Secret, strict field
validation, and the kubelet carrying the new data into the running pod."""

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from apiserver_rig import NS, Kubectl

from podsim.apiserver import ApiServer
from podsim.apiserver.secret_writes import merge_patch
from podsim.world import World

SECRET = "codeforphilly-data-deploy-key"


def apply(kubectl: Kubectl, manifest: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([kubectl.binary, "apply", "-f", "-"], input=manifest,
                          env=kubectl.env(), capture_output=True, text=True, timeout=60,
                          check=False)


def secret_yaml(kubectl: Kubectl, name: str, key_file: Path) -> str:
    made = kubectl("create", "secret", "generic", name, f"--from-file=id_ed25519={key_file}",
                   "--dry-run=client", "-o", "yaml")
    assert made.code == 0, made.err
    return made.out


def test_apply_replaces_the_mounted_secret_and_the_kubelet_refreshes_the_pod(
    world: World, kubectl: Kubectl, tmp_path: Path
) -> None:
    pod = world.pod()
    key = tmp_path / "id_ed25519"
    key.write_text("podsim-deploy-key-7\n")
    applied = apply(kubectl, secret_yaml(kubectl, SECRET, key))
    assert (applied.returncode, applied.stdout) == (0, f"secret/{SECRET} configured\n")
    assert "missing the kubectl.kubernetes.io/last-applied-configuration" in applied.stderr
    assert (world.root / "secrets" / SECRET / "id_ed25519").read_text() == key.read_text()
    mounted = world.root / pod.volumes["deploy-key"] / "id_ed25519"
    assert mounted.read_text() != key.read_text()  # not at once: on the kubelet's next sync
    world.advance(world.state.settings.secret_refresh_s)
    assert mounted.read_text() == key.read_text()
    assert world.pod().name == pod.name and world.pod().container.restart_count == 0

    again = apply(kubectl, secret_yaml(kubectl, SECRET, key))
    assert (again.returncode, again.stdout, again.stderr) == (0, f"secret/{SECRET} unchanged\n", "")
    annotations = json.loads(kubectl("get", "secret", SECRET, "-o", "json").out)[
        "metadata"]["annotations"]
    assert "kubectl.kubernetes.io/last-applied-configuration" in annotations


def test_apply_creates_a_missing_secret(world: World, kubectl: Kubectl, tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_text("data\n")
    created = apply(kubectl, secret_yaml(kubectl, "another", key))
    assert (created.returncode, created.stdout) == (0, "secret/another created\n")
    assert (world.root / "secrets" / "another" / "id_ed25519").read_text() == "data\n"


def test_strict_validation_refuses_a_field_a_secret_does_not_have(
    world: World, kubectl: Kubectl
) -> None:
    manifest = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {SECRET}\n"
                f"  namespace: {NS}\ndata:\n  id_ed25519: eAo=\nsurprise: 1\n")
    before = (world.root / "secrets" / SECRET / "id_ed25519").read_bytes()
    refused = apply(kubectl, manifest)
    assert refused.returncode == 1
    assert 'strict decoding error: unknown field "surprise"' in refused.stderr
    assert (world.root / "secrets" / SECRET / "id_ed25519").read_bytes() == before


def test_patch_needs_a_patch_content_type_and_an_existing_secret(server: ApiServer) -> None:
    def patch(name: str, kind: str) -> tuple[int, str]:
        request = urllib.request.Request(
            f"{server.url}/api/v1/namespaces/{NS}/secrets/{name}", b"{}",
            {"Content-Type": kind}, method="PATCH")
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, ""
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())["message"]

    assert patch(SECRET, "application/json-patch+json")[0] == 415
    assert patch("nope", "application/merge-patch+json") == (404, 'secrets "nope" not found')


@pytest.mark.parametrize(("target", "patch", "merged"), [
    ({"a": 1, "b": {"c": 2}}, {"b": {"d": 3}}, {"a": 1, "b": {"c": 2, "d": 3}}),
    ({"a": 1, "b": 2}, {"a": None}, {"b": 2}),
    ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
])
def test_merge_patch_follows_rfc_7386(target: object, patch: object, merged: object) -> None:
    assert merge_patch(target, patch) == merged
