"""Run the endpoint for one world on 127.0.0.1, on a port the system picks.

`ApiServer` serves from a background thread with its own event loop, so a test or a page
sandbox can start it, point kubectl at `url`, and stop it; `main` serves in the foreground.
"""

import argparse
import asyncio
import contextlib
import threading
from pathlib import Path
from types import TracebackType

from aiohttp import web

from podsim.apiserver.app import build_app
from podsim.apiserver.client import write_kubeconfig
from podsim.apiserver.loopback import ensure_loopback_up
from podsim.apiserver.store import WorldStore

HOST = "127.0.0.1"


class ApiServer:
    def __init__(self, world_root: Path) -> None:
        self.world_root = Path(world_root)
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name=f"apiserver {self.world_root.name}")
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "ApiServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        # Handlers are cancelled when their client goes away: an idle watch ends then.
        self._runner = web.AppRunner(build_app(WorldStore(self.world_root)),
                                     access_log=None, handle_signals=False,
                                     handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
            self._runner = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    def __enter__(self) -> "ApiServer":
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m podsim.apiserver WORLD_DIR [--kubeconfig PATH]`: serve until interrupted.

    Once listening it writes the kubeconfig (if asked), then prints the URL: a reader of
    that one line knows the endpoint is up and the kubeconfig is in place.
    """
    parser = argparse.ArgumentParser(prog="python -m podsim.apiserver")
    parser.add_argument("world_dir", type=Path)
    parser.add_argument("--kubeconfig", type=Path, help="write a kubeconfig for the endpoint")
    args = parser.parse_args(argv)
    ensure_loopback_up()  # served in a page's own network namespace, lo starts down
    with ApiServer(args.world_dir) as server:
        if args.kubeconfig is not None:
            write_kubeconfig(args.kubeconfig, server.url)
        print(server.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
