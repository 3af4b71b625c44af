"""Lists v3 endpoints: create, fetch by id or name, search, delete, memberships."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.endpoint import LOG, endpoint
from stream.emulator.responses import json_response, read_json, read_object, validation_error
from stream.emulator.state import STATE

BASE = "/crm/v3/lists"
READ, WRITE = "crm.lists.read", "crm.lists.write"


@endpoint("lists", scope=WRITE)
async def create(request: web.Request) -> web.Response:
    """POST: `{"list": {...}}`; 400 ILS.DUPLICATE_LIST_NAMES for a name in use."""
    state = request.app[STATE]
    created = state.lists.create(await read_object(request), state.clock.now())
    return json_response({"list": created})


@endpoint("lists", scope=READ)
async def by_name(request: web.Request) -> web.Response:
    """GET by object type id and name; 404 when absent."""
    lists = request.app[STATE].lists
    return json_response({"list": lists.by_name(request.match_info["objectTypeId"],
                                                request.match_info["name"])})


@endpoint("lists", scope=READ)
async def search(request: web.Request) -> web.Response:
    """POST search by `query` substring and `processingTypes`, with offset/count."""
    lists = request.app[STATE].lists
    body = await read_object(request)
    query = str(body.get("query", "")).lower()
    kinds = body.get("processingTypes") or ["MANUAL", "SNAPSHOT", "DYNAMIC"]
    chosen = [lists.view(i) for i, x in lists.by_id.items()
              if query in x["name"].lower() and x["processingType"] in kinds]
    offset, count = int(body.get("offset", 0)), int(body.get("count", 20))
    return json_response({"lists": chosen[offset:offset + count], "total": len(chosen),
                         "offset": offset + count, "hasMore": offset + count < len(chosen)})


@endpoint("lists", scope=READ)
async def read(request: web.Request) -> web.Response:
    """GET one list; 404 if unknown."""
    return json_response({"list": request.app[STATE].lists.view(request.match_info["listId"])})


@endpoint("lists", scope=WRITE)
async def delete(request: web.Request) -> web.Response:
    """DELETE a list: 204."""
    lists = request.app[STATE].lists
    list_id = request.match_info["listId"]
    lists.view(list_id)
    del lists.by_id[list_id]
    del lists.members[list_id]
    return web.Response(status=204)


async def _ids(request: web.Request) -> Any:
    body = await read_json(request)
    if isinstance(body, list):
        return [str(x) for x in body]
    if isinstance(body, dict):
        return ([str(x) for x in body.get("recordIdsToAdd", [])],
                [str(x) for x in body.get("recordIdsToRemove", [])])
    raise validation_error("expected an array of record ids")


@endpoint("lists", scope=WRITE)
async def change(request: web.Request) -> web.Response:
    """PUT memberships/add | remove | add-and-remove: 200 with added/removed/missing ids."""
    state = request.app[STATE]
    list_id, verb = request.match_info["listId"], request.match_info["verb"]
    ids = await _ids(request)
    if verb == "add-and-remove":
        add, remove = ids if isinstance(ids, tuple) else ([], [])
    elif isinstance(ids, tuple):
        raise validation_error("expected an array of record ids")
    else:
        add, remove = (ids, []) if verb == "add" else ([], ids)
    object_type_id = state.lists.view(list_id)["objectTypeId"]
    existing = set(state.store.of(object_type_id).records)
    request[LOG].update(record_ids=[*add, *remove], inputs=len(add) + len(remove))
    return json_response(state.lists.change(list_id, add, remove, existing, state.clock.now()))


@endpoint("lists", scope=READ)
async def memberships(request: web.Request) -> web.Response:
    """GET memberships by record id (or `join-order`), limit <= 250 (default 100)."""
    lists = request.app[STATE].lists
    limit = int(request.query.get("limit", "100"))
    if limit > 250:
        raise validation_error("limit must be at most 250")
    return json_response(lists.page(request.match_info["listId"],
                                    request.query.get("after", ""), limit,
                                    request.path.endswith("/join-order")))


@endpoint("lists", scope=WRITE)
async def clear(request: web.Request) -> web.Response:
    """DELETE memberships: 204."""
    lists = request.app[STATE].lists
    lists.view(request.match_info["listId"])
    lists.members[request.match_info["listId"]].clear()
    return web.Response(status=204)


@endpoint("lists", scope=READ)
async def of_record(request: web.Request) -> web.Response:
    """GET the lists one record belongs to."""
    lists = request.app[STATE].lists
    return json_response({"results": lists.of_record(request.match_info["objectTypeId"],
                                                     request.match_info["recordId"])})


def add_routes(app: web.Application) -> None:
    """Register the lists routes."""
    router = app.router
    router.add_post(BASE, create)
    router.add_post(BASE + "/search", search)
    router.add_get(BASE + "/object-type-id/{objectTypeId}/name/{name}", by_name)
    router.add_get(BASE + "/records/{objectTypeId}/{recordId}/memberships", of_record)
    router.add_get(BASE + "/{listId}", read)
    router.add_delete(BASE + "/{listId}", delete)
    router.add_put(BASE + "/{listId}/memberships/{verb:add|remove|add-and-remove}", change)
    router.add_get(BASE + "/{listId}/memberships", memberships)
    router.add_get(BASE + "/{listId}/memberships/join-order", memberships)
    router.add_delete(BASE + "/{listId}/memberships", clear)
