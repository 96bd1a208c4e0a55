"""Vendoring Mermaid needs only Python: registry metadata and tarball over HTTPS, pinned."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
from site_project import REPO, load_module


def _script() -> ModuleType:
    return load_module("vendor_mermaid", REPO / "scripts" / "vendor_mermaid.py")


def _tarball(script: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = script.encode()
        info = tarfile.TarInfo("package/dist/mermaid.min.js")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _registry(monkeypatch: pytest.MonkeyPatch, vendor: ModuleType, tarball: bytes,
              stated: str) -> list[str]:
    # A registry in memory: the version's metadata, then the tarball it names.
    asked: list[str] = []
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    monkeypatch.setattr(vendor, "INTEGRITY", integrity)
    documents = {
        f"https://registry.example/mermaid/{vendor.VERSION}": json.dumps(
            {"dist": {"tarball": "https://registry.example/m.tgz",
                      "integrity": integrity if stated == "pinned" else stated}}).encode(),
        "https://registry.example/m.tgz": tarball,
    }
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", "https://registry.example")

    def get(url: str) -> bytes:
        asked.append(url)
        return documents[url]

    monkeypatch.setattr(vendor, "_get", get)
    return asked


def test_vendoring_reads_the_registry_and_checks_the_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vendor = _script()
    asked = _registry(monkeypatch, vendor, _tarball("mermaid();"), "pinned")
    target = vendor.vendor(tmp_path / "mermaid.min.js", tmp_path / ".mermaid-version")
    assert target.read_text() == "mermaid();"
    assert asked == [f"https://registry.example/mermaid/{vendor.VERSION}",
                     "https://registry.example/m.tgz"]


def test_a_registry_stating_another_integrity_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vendor = _script()
    _registry(monkeypatch, vendor, _tarball("mermaid();"), "sha512-other")
    with pytest.raises(SystemExit, match="states integrity 'sha512-other'"):
        vendor.vendor(tmp_path / "mermaid.min.js", tmp_path / ".mermaid-version")
    assert not (tmp_path / "mermaid.min.js").exists()


def test_only_https_is_fetched() -> None:
    with pytest.raises(SystemExit, match="not HTTPS"):
        _script()._get("http://registry.example/mermaid")
