"""The server side of the endpoint's HTTPS sites (the webhook ingress, the GitHub site)."""

import ssl
from pathlib import Path


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    """A server context presenting `cert` (signed for 127.0.0.1) with its `key`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
