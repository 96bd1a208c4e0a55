"""The HTTP surface: kubectl's requests routed to discovery, objects and tables, watches,
logs, exec, and the changes operators make (delete a pod, restart the rollout, apply a
Secret, with the OpenAPI documents `kubectl apply` reads first)."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from podsim.apiserver import discovery, openapi, printers
from podsim.apiserver.clock_view import utc
from podsim.apiserver.exec_stream import serve as serve_exec
from podsim.apiserver.logs import log_text, parse_tail
from podsim.apiserver.mutations import delete_pod, patch_deployment
from podsim.apiserver.secret_writes import PATCH_TYPES, create_secret, patch_secret
from podsim.apiserver.selectors import field_matcher, label_matcher
from podsim.apiserver.status import ApiError, path_not_found
from podsim.apiserver.store import WorldStore, get_object, list_objects
from podsim.apiserver.watch import resource_version, watch_events
from podsim.errors import WorldError
from podsim.world import World

Obj = dict[str, Any]
STORE = web.AppKey("store", WorldStore)
WATCH_TIMEOUT_S = 1800.0  # the apiserver's default --min-request-timeout


def build_app(store: WorldStore) -> web.Application:
    app = web.Application(middlewares=[_statuses])
    app[STORE] = store
    app.router.add_get("/version", _version)
    app.router.add_get("/api", _core_groups)
    app.router.add_get("/apis", _named_groups)
    app.router.add_get("/api/v1", _core_resources)
    app.router.add_get("/apis/{group}/{version}", _group_resources)
    for prefix, group in (("/api/v1", ""), ("/apis/{group}/{version}", None)):
        app.router.add_get(prefix + "/{resource}", _collection(group))
        app.router.add_get(prefix + "/namespaces/{namespace}/{resource}", _collection(group))
        app.router.add_get(prefix + "/{resource}/{name}", _item(group))
        app.router.add_get(prefix + "/namespaces/{namespace}/{resource}/{name}", _item(group))
    app.router.add_get("/api/v1/namespaces/{namespace}/pods/{name}/log", _log)
    app.router.add_route("*", "/api/v1/namespaces/{namespace}/pods/{name}/exec", _exec)
    app.router.add_delete("/api/v1/namespaces/{namespace}/pods/{name}", _delete_pod)
    app.router.add_patch("/apis/apps/v1/namespaces/{namespace}/deployments/{name}",
                         _patch_deployment)
    app.router.add_get("/openapi/v3", _openapi_index)
    app.router.add_get(f"/openapi/v3/{openapi.CORE}", _openapi_core)
    app.router.add_post("/api/v1/namespaces/{namespace}/secrets", _create_secret)
    app.router.add_patch("/api/v1/namespaces/{namespace}/secrets/{name}", _patch_secret)
    return app


def _json(body: Obj, status: int = 200, content_type: str = "application/json") -> web.Response:
    return web.Response(body=json.dumps(body).encode(), status=status,
                        headers={"Content-Type": content_type})


@web.middleware
async def _statuses(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every failure leaves as a Status object, the only error shape kubectl reads."""
    try:
        response: web.StreamResponse = await handler(request)
    except ApiError as error:
        return _json(error.status(), error.code)
    except web.HTTPNotFound:
        return _json(path_not_found().status(), 404)
    except WorldError as error:  # the world refused an operation it was asked for
        return _json(ApiError(500, "InternalError", f"podsim: {error}").status(), 500)
    except web.HTTPMethodNotAllowed as error:
        message = f"the server does not allow this method on the requested resource: {error}"
        return _json(ApiError(405, "MethodNotAllowed", message).status(), 405)
    return response


# -- discovery ---------------------------------------------------------------------------
async def _version(request: web.Request) -> web.Response:
    return _json(discovery.SERVER_VERSION)


async def _core_groups(request: web.Request) -> web.Response:
    version = discovery.wants_aggregated(request.headers.get("Accept", ""))
    if version:
        return _json(discovery.aggregated(("",), version),
                     content_type=discovery.AGGREGATED.format(version=version))
    return _json(discovery.api_versions(request.host))


async def _named_groups(request: web.Request) -> web.Response:
    version = discovery.wants_aggregated(request.headers.get("Accept", ""))
    if version:
        return _json(discovery.aggregated(tuple(discovery.GROUPS), version),
                     content_type=discovery.AGGREGATED.format(version=version))
    return _json(discovery.group_list())


async def _core_resources(request: web.Request) -> web.Response:
    return _json(discovery.resource_list(""))


async def _group_resources(request: web.Request) -> web.Response:
    group = request.match_info["group"]
    if discovery.GROUPS.get(group) != request.match_info["version"]:
        raise path_not_found()
    return _json(discovery.resource_list(group))


# -- objects -----------------------------------------------------------------------------
def _resource(request: web.Request, group: str | None) -> discovery.Resource:
    group = request.match_info.get("group", "") if group is None else group
    found = discovery.find(group, request.match_info["resource"])
    if found is None or request.match_info.get("version", "v1") != found.version:
        raise path_not_found()
    return found


def _wall_now() -> datetime:
    """The wall clock: what events' timestamps are mapped against."""
    return datetime.now(UTC)


def _now(world: World, resource: discovery.Resource, wall_now: datetime) -> datetime:
    """What printers measure ages from: virtual now, or for events (whose timestamps are
    mapped onto the wall clock) the wall clock they were mapped against."""
    return wall_now if resource.name == "events" else utc(world, world.now)


def _table_requested(request: web.Request) -> bool:
    first = request.headers.get("Accept", "").split(",")[0].replace(" ", "")
    return "as=Table" in first and "g=meta.k8s.io" in first


def _collection(group: str | None) -> Any:
    async def handler(request: web.Request) -> web.StreamResponse:
        resource = _resource(request, group)
        namespace = request.match_info.get("namespace") if resource.namespaced else None
        matches = [label_matcher(request.query.get("labelSelector", "")),
                   field_matcher(resource.key, request.query.get("fieldSelector", ""))]
        watching = request.query.get("watch") in ("true", "1")
        wall_now = _wall_now()
        with request.app[STORE].session(save=watching) as world:

            def selected() -> list[Obj]:
                return [o for o in list_objects(world, resource.key, namespace, wall_now)
                        if all(match(o) for match in matches)]

            def render(obj: Obj) -> Obj:
                if not _table_requested(request):
                    return obj
                include = request.query.get("includeObject", "Metadata")
                return printers.table(resource.key, [obj], _now(world, resource, wall_now),
                                      include)

            if watching:
                events = watch_events(
                    world, resource.kind, resource.group_version,
                    lambda: {o["metadata"]["name"]: o for o in selected()},
                    request.query.get("sendInitialEvents") == "true", render)
            elif _table_requested(request):
                include = request.query.get("includeObject", "Metadata")
                return _json(printers.table(resource.key, selected(),
                                            _now(world, resource, wall_now), include))
            else:
                return _json({"kind": f"{resource.kind}List",
                              "apiVersion": resource.group_version,
                              "metadata": {"resourceVersion": resource_version(world)},
                              "items": selected()})
        return await _stream(request, events)

    return handler


async def _stream(request: web.Request, events: list[Obj]) -> web.StreamResponse:
    """A watch's events, one JSON object per line (the world lock is no longer held); then
    the watch stays open, as a real one does with nothing to report, until the client
    leaves or its timeoutSeconds pass."""
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    for event in events:
        await response.write(json.dumps(event).encode() + b"\n")
    await asyncio.sleep(_timeout_s(request.query.get("timeoutSeconds")))
    await response.write_eof()
    return response


def _timeout_s(raw: str | None) -> float:
    try:
        return max(float(raw or WATCH_TIMEOUT_S), 0.0)
    except ValueError:
        raise ApiError(400, "BadRequest", f"timeoutSeconds: not a number: {raw}") from None


def _item(group: str | None) -> Any:
    async def handler(request: web.Request) -> web.Response:
        resource = _resource(request, group)
        namespace = request.match_info.get("namespace") if resource.namespaced else None
        wall_now = _wall_now()
        with request.app[STORE].session() as world:
            obj = get_object(world, resource.key, namespace, request.match_info["name"],
                             wall_now)
            if _table_requested(request):
                now = _now(world, resource, wall_now)
                include = request.query.get("includeObject", "Metadata")
                return _json(printers.table(resource.key, [obj], now, include))
        return _json(obj)

    return handler


async def _log(request: web.Request) -> web.Response:
    query = request.query
    with request.app[STORE].session() as world:
        text = log_text(world, request.match_info["namespace"], request.match_info["name"],
                        query.get("container"), query.get("previous") == "true",
                        parse_tail(query.get("tailLines")))
    return web.Response(text=text, content_type="text/plain")


async def _exec(request: web.Request) -> web.StreamResponse:
    return await serve_exec(request, request.app[STORE])


async def _body(request: web.Request) -> Obj:
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise ApiError(400, "BadRequest", f"the request body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "BadRequest", "the request body is not a JSON object")
    return body


async def _delete_pod(request: web.Request) -> web.Response:
    options = await _body(request)
    with request.app[STORE].session(save=True) as world:
        return _json(delete_pod(world, request.match_info["namespace"],
                                request.match_info["name"], options))


async def _patch_deployment(request: web.Request) -> web.Response:
    kind = request.headers.get("Content-Type", "")
    if kind != "application/strategic-merge-patch+json":
        raise ApiError(415, "UnsupportedMediaType",
                       f"podsim: deployments take strategic merge patches only, not {kind}")
    patch = await _body(request)
    with request.app[STORE].session(save=True) as world:
        return _json(patch_deployment(world, request.match_info["namespace"],
                                      request.match_info["name"], patch))


async def _openapi_index(request: web.Request) -> web.Response:
    return _json(openapi.index())


async def _openapi_core(request: web.Request) -> web.Response:
    return _json(openapi.CORE_DOCUMENT)


def _write_options(request: web.Request) -> bool:
    """Whether the write asks for strict field validation; a server-side dry run is refused
    (an apply with --dry-run=server would otherwise change the world)."""
    if request.query.get("dryRun"):
        raise ApiError(400, "BadRequest", "podsim: server-side dry run is not modelled")
    return request.query.get("fieldValidation") == "Strict"


async def _create_secret(request: web.Request) -> web.Response:
    strict = _write_options(request)
    body = await _body(request)
    with request.app[STORE].session(save=True) as world:
        return _json(create_secret(world, request.match_info["namespace"], body, strict), 201)


async def _patch_secret(request: web.Request) -> web.Response:
    kind = request.headers.get("Content-Type", "").split(";")[0]
    if kind not in PATCH_TYPES:
        raise ApiError(415, "UnsupportedMediaType",
                       f"podsim: Secrets take {' or '.join(PATCH_TYPES)} patches, not {kind}")
    strict = _write_options(request)
    patch = await _body(request)
    with request.app[STORE].session(save=True) as world:
        return _json(patch_secret(world, request.match_info["namespace"],
                                  request.match_info["name"], patch, strict))
