"""A Kubernetes API endpoint served from a podsim world, so the real kubectl can talk to it.

Built on aiohttp: one well-kept library gives the async HTTP server, WebSocket upgrades with
subprotocol negotiation (for `exec` over v5.channel.k8s.io) and a test client, with no ASGI
layering between them.

    with ApiServer(world.root) as server:
        write_kubeconfig(home / ".kube" / "config", server.url)
        subprocess.run([str(kubectl_binary()), "get", "pods", "-n", namespace])
"""

from typing import TYPE_CHECKING, Any

from podsim.apiserver.client import kubectl_binary, kubectl_version, write_kubeconfig

if TYPE_CHECKING:
    from podsim.apiserver.server import ApiServer

__all__ = ["ApiServer", "kubectl_binary", "kubectl_version", "write_kubeconfig"]


def __getattr__(name: str) -> Any:
    # The server (aiohttp) is imported when first asked for: finding kubectl or writing a
    # kubeconfig does not need it (a third of a second per process that imports this).
    if name == "ApiServer":
        from podsim.apiserver.server import ApiServer

        return ApiServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
