"""Run the endpoint for one world on 127.0.0.1, on a port the system picks.

`ApiServer` serves from a background thread with its own event loop, so a test or a page
sandbox can start it, point kubectl at `url`, and stop it; `main` serves in the foreground.
Given an `Ingress`, it also serves the API's hot-reload webhook over HTTPS on another port
(`ingress_host`), as the cluster's ingress would; given a `GitHubSite`, GitHub's REST API for
the data repository over HTTPS on a third (`github_host`), for the real `gh`.
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
from podsim.apiserver.github import GitHubSite, build_github_app
from podsim.apiserver.ingress import Ingress, build_ingress_app
from podsim.apiserver.loopback import ensure_loopback_up
from podsim.apiserver.store import WorldStore
from podsim.apiserver.tls import server_tls

HOST = "127.0.0.1"


async def _serve_https(app: web.Application, cert: Path, key: Path) -> tuple[web.AppRunner, int]:
    """Serve `app` over HTTPS on a free loopback port; its runner and that port."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, HOST, 0, ssl_context=server_tls(cert, key)).start()
    return runner, int(runner.addresses[0][1])


class ApiServer:
    def __init__(self, world_root: Path, ingress: Ingress | None = None,
                 github: GitHubSite | None = None) -> None:
        self.world_root = Path(world_root)
        self.ingress = ingress
        self.github = github
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ingress_runner: web.AppRunner | None = None
        self._github_runner: web.AppRunner | None = None
        self.ingress_port = 0
        self.github_port = 0
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name=f"apiserver {self.world_root.name}")
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ingress_host(self) -> str:
        """host:port of the HTTPS webhook site (what a page's API_HOST names)."""
        return f"{HOST}:{self.ingress_port}"

    @property
    def github_host(self) -> str:
        """host:port of the GitHub API site (what a page's GH_HOST names)."""
        return f"{HOST}:{self.github_port}"

    def start(self) -> "ApiServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        # Handlers are cancelled when their client goes away: an idle watch ends then.
        store = WorldStore(self.world_root)
        self._runner = web.AppRunner(build_app(store),
                                     access_log=None, handle_signals=False,
                                     handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        if self.ingress is not None:
            self._ingress_runner, self.ingress_port = await _serve_https(
                build_ingress_app(store, self.ingress), self.ingress.cert, self.ingress.key)
        if self.github is not None:
            self._github_runner, self.github_port = await _serve_https(
                build_github_app(store, self.github), self.github.cert, self.github.key)

    def stop(self) -> None:
        for runner in (self._github_runner, self._ingress_runner, self._runner):
            if runner is not None:
                asyncio.run_coroutine_threadsafe(runner.cleanup(), self._loop).result(30)
        self._github_runner = self._ingress_runner = self._runner = None
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
    """`python -m podsim.apiserver WORLD_DIR [--kubeconfig PATH] [--ingress-cert CERT
    --ingress-key KEY --reload-secret-file FILE [--github-token-file FILE]]`: serve until
    interrupted.

    Once listening it writes the kubeconfig (if asked), then prints the URL (and, with an
    ingress, its host:port after a space, then the GitHub site's) on one line: a reader of
    that line knows everything is up and the kubeconfig is in place. The GitHub site uses
    the ingress's certificate (both are 127.0.0.1).
    """
    parser = argparse.ArgumentParser(prog="python -m podsim.apiserver")
    parser.add_argument("world_dir", type=Path)
    parser.add_argument("--kubeconfig", type=Path, help="write a kubeconfig for the endpoint")
    parser.add_argument("--ingress-cert", type=Path, help="serve the webhook with this cert")
    parser.add_argument("--ingress-key", type=Path, help="... and this key")
    parser.add_argument("--reload-secret-file", type=Path, help="the API's reload secret")
    parser.add_argument("--github-token-file", type=Path,
                        help="serve GitHub's REST API too, for gh sending this token")
    args = parser.parse_args(argv)
    given = [args.ingress_cert, args.ingress_key, args.reload_secret_file]
    if any(given) and not all(given):
        parser.error("--ingress-cert, --ingress-key and --reload-secret-file go together")
    if args.github_token_file is not None and not all(given):
        parser.error("--github-token-file needs --ingress-cert and --ingress-key")
    ingress = github = None
    if all(given):
        secret = args.reload_secret_file.read_text(encoding="utf-8").strip()
        ingress = Ingress(args.ingress_cert, args.ingress_key, secret)
    if args.github_token_file is not None:
        token = args.github_token_file.read_text(encoding="utf-8").strip()
        github = GitHubSite(args.ingress_cert, args.ingress_key, token)
    ensure_loopback_up()  # served in a page's own network namespace, lo starts down
    with ApiServer(args.world_dir, ingress, github) as server:
        if args.kubeconfig is not None:
            write_kubeconfig(args.kubeconfig, server.url)
        shown = " ".join([server.url, *([server.ingress_host] if ingress else []),
                          *([server.github_host] if github else [])])
        print(shown, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0

