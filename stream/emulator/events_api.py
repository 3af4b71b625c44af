"""Custom behavioral events endpoints: send, send/batch and the definitions API (section 5)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.endpoint import LOG, endpoint
from stream.emulator.event_store import event_property
from stream.emulator.record_lookup import find_record
from stream.emulator.responses import (
    ApiError,
    json_response,
    read_json,
    read_object,
    too_many_inputs,
)
from stream.emulator.state import STATE, EmulatorState

SEND_SCOPE = "analytics.behavioral_events.send"
DEFINITIONS_SCOPE = "behavioral_events.event_definitions.read_write"
MAX_BATCH = 500
DEFINITIONS = "/events/v3/event-definitions"


def _match_contact(state: EmulatorState, occurrence: dict[str, Any], now: float) -> None:
    # A contact event with an unknown email creates the contact (HUBSPOT_API.md 5.1).
    if occurrence["objectId"] or not occurrence["email"] or occurrence["objectTypeId"] != "0-1":
        return
    contacts = state.types.by_id["0-1"]
    record = find_record(state.store, contacts, str(occurrence["email"]), "email")
    if record is None:
        planned = state.writer.plan(contacts, None, {"email": occurrence["email"]}, {})
        record = state.writer.apply(planned, now)
    occurrence["objectId"] = record.id


@endpoint("events.send", bucket="events", scope=SEND_SCOPE)
async def send(request: web.Request) -> web.Response:
    """POST one occurrence: 204 (a repeated uuid is ignored)."""
    state = request.app[STATE]
    now = state.clock.now()
    occurrence = state.events.check_occurrence(await read_json(request), now)
    _match_contact(state, occurrence, now)
    state.events.accept(occurrence)
    request[LOG]["inputs"] = 1
    return web.Response(status=204)


@endpoint("events.send.batch", bucket="events", scope=SEND_SCOPE)
async def send_batch(request: web.Request) -> web.Response:
    """POST up to 500 occurrences: 204; any invalid one fails the request (400, nothing kept)."""
    state = request.app[STATE]
    now = state.clock.now()
    inputs = (await read_object(request)).get("inputs", [])
    if len(inputs) > MAX_BATCH:
        raise too_many_inputs(MAX_BATCH)
    request[LOG]["inputs"] = len(inputs)
    checked, errors = [], []
    for index, item in enumerate(inputs):
        try:
            checked.append(state.events.check_occurrence(item, now))
        except ApiError as exc:
            errors.append({**exc.body, "context": {**exc.body.get("context", {}),
                                                   "index": [str(index)]}})
    if errors:
        raise ApiError(400, f"{len(errors)} of {len(inputs)} event occurrences are invalid",
                       "VALIDATION_ERROR", errors=errors)
    for occurrence in checked:
        _match_contact(state, occurrence, now)
        state.events.accept(occurrence)
    return web.Response(status=204)


def _shown(definition: dict[str, Any], with_properties: bool) -> dict[str, Any]:
    return definition if with_properties else {k: v for k, v in definition.items()
                                               if k != "properties"}


@endpoint("events.definitions", scope=DEFINITIONS_SCOPE)
async def list_definitions(request: web.Request) -> web.Response:
    """GET definitions, filtered by `searchString`, paged by `limit`/`after`."""
    events = request.app[STATE].events
    query = request.query
    wanted = query.get("searchString", "").lower()
    chosen = [d for d in events.definitions.values()
              if not d["archived"] and wanted in d["name"]]
    after, limit = int(query.get("after", "0") or 0), int(query.get("limit", "100"))
    page = chosen[after:after + limit]
    body: dict[str, Any] = {"results": [_shown(d, query.get("includeProperties") == "true")
                                        for d in page]}
    if after + limit < len(chosen):
        body["paging"] = {"next": {"after": str(after + limit)}}
    return json_response(body)


@endpoint("events.definitions", scope=DEFINITIONS_SCOPE)
async def create_definition(request: web.Request) -> web.Response:
    """POST: 201, 409 for an existing name."""
    state = request.app[STATE]
    return json_response(state.events.define(await read_object(request), state.clock.now()), 201)


@endpoint("events.definitions", scope=DEFINITIONS_SCOPE)
async def one_definition(request: web.Request) -> web.Response:
    """GET, PATCH (label, description) or DELETE (204) one definition; 404 if unknown."""
    events = request.app[STATE].events
    definition = events.find(request.match_info["eventName"])
    if request.method == "DELETE":
        del events.definitions[definition["name"]]
        return web.Response(status=204)
    if request.method == "PATCH":
        body = await read_object(request)
        if "label" in body:
            definition["labels"] = {"singular": body["label"], "plural": body["label"]}
        if "description" in body:
            definition["description"] = body["description"]
    return json_response(_shown(definition, request.query.get("includeProperties") != "false"))


@endpoint("events.definitions", scope=DEFINITIONS_SCOPE)
async def add_property(request: web.Request) -> web.Response:
    """POST .../property: 201, 409 for an existing property."""
    definition = request.app[STATE].events.find(request.match_info["eventName"])
    prop = event_property(await read_object(request))
    if any(p["name"] == prop["name"] for p in definition["properties"]):
        raise ApiError(409, f"Property {prop['name']} already exists.", "CONFLICT")
    definition["properties"].append(prop)
    return json_response(prop, 201)


@endpoint("events.definitions", scope=DEFINITIONS_SCOPE)
async def delete_property(request: web.Request) -> web.Response:
    """DELETE .../property/{propertyName}: 204."""
    definition = request.app[STATE].events.find(request.match_info["eventName"])
    name = request.match_info["propertyName"]
    definition["properties"] = [p for p in definition["properties"] if p["name"] != name]
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    """Register the events routes."""
    router = app.router
    router.add_post("/events/v3/send", send)
    router.add_post("/events/v3/send/batch", send_batch)
    router.add_get(DEFINITIONS, list_definitions)
    router.add_post(DEFINITIONS, create_definition)
    for method in ("GET", "PATCH", "DELETE"):
        router.add_route(method, DEFINITIONS + "/{eventName}", one_definition)
    router.add_post(DEFINITIONS + "/{eventName}/property", add_property)
    router.add_delete(DEFINITIONS + "/{eventName}/property/{propertyName}", delete_property)
