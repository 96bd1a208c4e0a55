"""Run the endpoint for one world on 127.0.0.1, on a port the system picks.

`ApiServer` serves from a background thread with its own event loop, so a test or a page
sandbox can start it, point kubectl at `url`, and stop it; `main` serves in the foreground.
"""

import asyncio
import contextlib
import sys
import threading
from pathlib import Path
from types import TracebackType

from aiohttp import web

from podsim.apiserver.app import build_app
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
    """`python -m podsim.apiserver WORLD_DIR`: serve until interrupted, printing the URL."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m podsim.apiserver WORLD_DIR", file=sys.stderr)
        return 2
    with ApiServer(Path(args[0])) as server:
        print(server.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
