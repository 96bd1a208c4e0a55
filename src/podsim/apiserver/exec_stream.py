"""`pods/{name}/exec` over WebSocket, subprotocol v5.channel.k8s.io.

Every message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (a Status
once the command ends, carrying a non-zero exit code for kubectl to report), 4 resize, and
255 = "close channel N" (v5: how the client ends stdin). Checks that fail before the
upgrade answer with a Status, which kubectl prints as "unable to upgrade connection: ...".
"""

import asyncio
import json
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from podsim.apiserver.cluster_objects import kubelet_reachable, kubelet_unreachable
from podsim.apiserver.container import Command, command_for
from podsim.apiserver.status import ApiError, bad_request, not_found
from podsim.apiserver.store import WorldStore
from podsim.seam import NoSuchProcess, signal_number
from podsim.world import World

PROTOCOL = "v5.channel.k8s.io"
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
CHUNK = 65536


def prepare(world: World, namespace: str, name: str, query: dict[str, list[str]]) -> Command:
    """Validate the request against the pod, as the apiserver and kubelet would."""
    pod = next((p for p in world.state.pods if p.name == name), None)
    if pod is None or namespace != world.manifest.namespace:
        raise not_found("pods", name)
    container = (query.get("container") or [pod.container.name])[0]
    if container != pod.container.name:
        raise bad_request(f"container {container} is not valid for pod {pod.name}")
    if not kubelet_reachable(world, pod.node):
        raise kubelet_unreachable(world, pod.node, "error dialing backend: ")
    if pod.phase in ("Succeeded", "Failed"):
        raise bad_request("cannot exec into a container in a completed pod; "
                          f"current phase is {pod.phase}")
    if pod.container.state != "running":
        raise bad_request(f'container not found ("{container}")')
    argv = query.get("command", [])
    if not argv:
        raise bad_request("you must specify at least one command for the container")
    if query.get("tty") == ["true"]:
        raise bad_request("podsim: the simulated container has no terminal (-t/--tty)")
    return command_for(world, pod, argv)


async def serve(request: web.Request, store: WorldStore) -> web.StreamResponse:
    query = {key: request.query.getall(key) for key in request.query}
    with store.session() as world:
        command = prepare(world, request.match_info["namespace"],
                          request.match_info["name"], query)
    if request.method != "GET" or request.headers.get("Upgrade", "").lower() != "websocket":
        raise ApiError(400, "BadRequest", f"podsim serves exec over WebSocket ({PROTOCOL}) only")
    ws = web.WebSocketResponse(protocols=(PROTOCOL,), autoping=True)
    await ws.prepare(request)
    if ws.ws_protocol != PROTOCOL:
        await ws.close(message=f"only {PROTOCOL} is served".encode())
        return ws
    sending = asyncio.Lock()

    async def send(channel: int, data: bytes) -> None:
        async with sending:
            await ws.send_bytes(bytes([channel]) + data)

    if command.signal is not None:
        code = await _signal(store, request.match_info["name"], command.signal, send)
    else:
        code = await _run(command, query.get("stdin") == ["true"], ws, send)
    await send(ERROR, json.dumps(_exit_status(command, code)).encode())
    await ws.close()
    return ws


async def _signal(
    store: WorldStore, pod: str, signal: tuple[str, list[int]],
    send: Callable[[int, bytes], Awaitable[None]],
) -> int:
    """`kill` inside the container: each pid signalled through the world, as BusyBox reports."""
    name, pids = signal
    try:
        signal_number(name)
    except ValueError:
        await send(STDERR, f"kill: bad signal name '{name}'\n".encode())
        return 1
    code = 0
    with store.session(save=True) as world:
        for pid in pids:
            try:
                world.signal(pid, name, pod=pod)
            except NoSuchProcess:
                await send(STDERR, f"kill: can't kill pid {pid}: No such process\n".encode())
                code = 1
    return code


async def _run(
    command: Command, with_stdin: bool, ws: web.WebSocketResponse,
    send: Callable[[int, bytes], Awaitable[None]],
) -> int:
    if command.output is not None:
        await send(STDOUT, command.output)
        return 0
    process = await asyncio.create_subprocess_exec(
        *command.argv, cwd=command.cwd, env=command.env,
        stdin=asyncio.subprocess.PIPE if with_stdin else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    feeding = asyncio.create_task(_feed(ws, process.stdin)) if with_stdin else None
    try:
        if command.stream:
            await asyncio.gather(_pump(process.stdout, STDOUT, send),
                                 _pump(process.stderr, STDERR, send))
        else:
            out, err = await asyncio.gather(process.stdout.read(), process.stderr.read())
            for channel, data in ((STDOUT, out), (STDERR, err)):
                if data:
                    await send(channel, command.unmap(data))
        return await process.wait()
    finally:  # also when kubectl went away mid-command and the handler is cancelled
        if feeding is not None:
            feeding.cancel()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _pump(
    source: asyncio.StreamReader, channel: int, send: Callable[[int, bytes], Awaitable[None]]
) -> None:
    while chunk := await source.read(CHUNK):
        await send(channel, chunk)


async def _feed(ws: web.WebSocketResponse, stdin: asyncio.StreamWriter | None) -> None:
    """Client stdin into the process, until the client closes channel 0 or the socket."""
    assert stdin is not None
    try:
        async for message in ws:
            if message.type != WSMsgType.BINARY or not message.data:
                continue
            channel, data = message.data[0], message.data[1:]
            if channel == STDIN and data:
                stdin.write(data)
                await stdin.drain()
            elif channel == CLOSE and data[:1] == bytes([STDIN]):
                break
    except (ConnectionResetError, BrokenPipeError):
        pass  # the command exited before reading all of stdin, as git upload-pack may
    finally:
        if not stdin.is_closing():
            stdin.close()


def _exit_status(command: Command, code: int) -> dict[str, object]:
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
        "message": f"command terminated with non-zero exit code: error executing command "
                   f"{command.argv}, exit code {code}",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }
