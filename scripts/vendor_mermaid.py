"""Vendor Mermaid for the site: fetch the pinned npm package and copy dist/mermaid.min.js.

Run once after installing (nox and CI do it): `python scripts/vendor_mermaid.py`. It uses
`npm pack` (the npm registry's ordinary client), checks the tarball against the pinned
integrity, and writes docs/assets/vendor/mermaid.min.js, which the site serves itself so
diagrams render offline. A present file of the pinned version is left alone (no network).
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

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
    with tempfile.TemporaryDirectory(prefix="vendor-mermaid-") as scratch:
        tarball = _npm_pack(Path(scratch))
        _check_integrity(tarball)
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{tarball.name} has no {MEMBER}")
            data = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    stamp.write_text(VERSION + "\n")
    return target


def _npm_pack(scratch: Path) -> Path:
    # `npm pack` into scratch, with its cache in scratch too (no writes to the user's HOME).
    command = ["npm", "pack", f"mermaid@{VERSION}", "--json", "--pack-destination", str(scratch),
               "--cache", str(scratch / "npm-cache")]
    try:
        done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=scratch)
    except FileNotFoundError as error:
        raise SystemExit("npm is required to vendor Mermaid (apt-get install npm)") from error
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.stderr}") from error
    return scratch / str(json.loads(done.stdout)[0]["filename"])


def _check_integrity(tarball: Path) -> None:
    # Compare the tarball with the pinned Subresource Integrity value.
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise SystemExit(f"{tarball.name}: integrity mismatch (got sha512-{digest})")


if __name__ == "__main__":
    print(vendor(), file=sys.stderr)
