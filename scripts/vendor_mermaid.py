"""Vendor Mermaid for the site: fetch the pinned npm package and copy dist/mermaid.min.js.

Run once after installing (nox and CI do it): `python scripts/vendor_mermaid.py`. It needs
only Python: it reads the pinned version's metadata from the npm registry over HTTPS
($NPM_CONFIG_REGISTRY, default https://registry.npmjs.org/), downloads the tarball it names,
checks the tarball against the pinned integrity (which the metadata must state too), and
writes docs/assets/vendor/mermaid.min.js, which the site serves itself so diagrams render
offline. A present file of the pinned version is left alone (no network).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

# Mermaid 11 is the major version mkdocs-material 9.x initialises.
VERSION = "11.17.2"
INTEGRITY = (
    "sha512-V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQxULMa80/qt5gHO73aCleBBg=="
)
MEMBER = "package/dist/mermaid.min.js"
TARGET = Path(__file__).resolve().parent.parent / "docs" / "assets" / "vendor" / "mermaid.min.js"
STAMP = TARGET.with_name(".mermaid-version")  # a dotfile: mkdocs does not publish it


def vendor(target: Path = TARGET, stamp: Path = STAMP) -> Path:
    """Ensure `target` holds Mermaid VERSION; fetch it only when absent or another version."""
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == VERSION:
        return target
    tarball = _fetch_tarball()
    _check_integrity(tarball)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"mermaid-{VERSION}.tgz has no {MEMBER}")
        data = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    stamp.write_text(VERSION + "\n")
    return target


def registry() -> str:
    """The npm registry to read from, ending in a slash."""
    url = os.environ.get("NPM_CONFIG_REGISTRY")
    return (url or "https://registry.npmjs.org/").rstrip("/") + "/"


def _fetch_tarball() -> bytes:
    # The version's metadata names its tarball and integrity; both must agree with the pin.
    metadata: dict[str, Any] = json.loads(_get(f"{registry()}mermaid/{VERSION}"))
    dist = metadata.get("dist") or {}
    if dist.get("integrity") != INTEGRITY:
        raise SystemExit(f"the registry states integrity {dist.get('integrity')!r} for "
                         f"mermaid@{VERSION}; this script pins {INTEGRITY}")
    return _get(str(dist["tarball"]))


def _get(url: str) -> bytes:
    # One HTTPS GET; a failure names the URL.
    if not url.startswith("https://"):
        raise SystemExit(f"refusing to fetch {url}: not HTTPS")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body: bytes = response.read()
            return body
    except (urllib.error.URLError, TimeoutError) as error:
        raise SystemExit(f"could not fetch {url}: {error}") from error


def _check_integrity(tarball: bytes) -> None:
    # Compare the tarball with the pinned Subresource Integrity value.
    digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise SystemExit(f"mermaid-{VERSION}.tgz: integrity mismatch (got sha512-{digest})")


if __name__ == "__main__":
    print(vendor(), file=sys.stderr)
