"""Batch CRM endpoints: read, create, update, upsert, archive (HUBSPOT_API.md 2.4 and 3.3)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.clock import iso_ms
from stream.emulator.crm_objects import (
    BASE,
    log_written,
    object_type_of,
    read_view,
    require_sensitive_scopes,
)
from stream.emulator.endpoint import LOG, endpoint
from stream.emulator.object_types import ObjectType
from stream.emulator.record_lookup import find_record, requested_properties, unique_id_property
from stream.emulator.responses import (
    ApiError,
    duplicate_ids,
    json_response,
    read_object,
    too_many_inputs,
    validation_error,
)
from stream.emulator.state import STATE, EmulatorState
from stream.emulator.store import Record
from stream.emulator.writes import PlannedWrite, indexed_names

MAX_INPUTS = 100
MAX_INPUTS_WITH_HISTORY = 50
TRACE = "objectWriteTraceId"


def batch_inputs(request: web.Request, body: dict[str, Any], limit: int) -> list[Any] | None:
    """The inputs, or None for the silent no-op of a body without `inputs`."""
    if "inputs" not in body:
        return None
    inputs = body["inputs"]
    if not isinstance(inputs, list):
        raise validation_error("inputs must be an array")
    if len(inputs) > limit:
        raise too_many_inputs(limit)
    request[LOG]["inputs"] = len(inputs)
    return inputs


def batch_body(results: list[dict[str, Any]], errors: list[dict[str, Any]],
               started: float, now: float) -> dict[str, Any]:
    """The batch response envelope."""
    body: dict[str, Any] = {"status": "COMPLETE", "results": results,
                            "startedAt": iso_ms(started), "completedAt": iso_ms(now)}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = errors
    return body


def _reject_duplicates(keys: list[str]) -> None:
    seen: set[str] = set()
    repeated = [key for key in keys if key in seen or seen.add(key)]  # type: ignore[func-returns-value]
    if repeated:
        raise duplicate_ids(sorted(set(repeated), key=keys.index))


def _traced_error(exc: ApiError, trace: str) -> dict[str, Any]:
    error = {"status": "error", "category": exc.body.get("category", "VALIDATION_ERROR"),
             "message": exc.body["message"], "context": {TRACE: [trace]}}
    if "errors" in exc.body:
        error["errors"] = exc.body["errors"]
    return error


Planner = Any  # (state, object_type, item, claimed) -> PlannedWrite


async def _write_batch(request: web.Request, planner: Planner, created_status: int,
                       key_of: Any = None) -> web.Response:
    state = request.app[STATE]
    started = state.clock.now()
    object_type = object_type_of(request)
    body = await read_object(request)
    inputs = batch_inputs(request, body, MAX_INPUTS)
    if inputs is None:
        return json_response(batch_body([], [], started, started))
    if key_of is not None:
        _reject_duplicates([key_of(object_type, body, item) for item in inputs])
    for item in inputs:
        if isinstance(item, dict):
            require_sensitive_scopes(request, object_type, item.get("properties"))
    traced = bool(inputs) and all(isinstance(i, dict) and TRACE in i for i in inputs)
    claimed: dict[tuple[str, str], str] = {}
    planned: list[tuple[dict[str, Any], PlannedWrite]] = []
    errors: list[dict[str, Any]] = []
    for item in inputs:
        try:
            planned.append((item, planner(state, object_type, body, item, claimed)))
        except ApiError as exc:
            if not traced:
                raise
            errors.append(_traced_error(exc, str(item[TRACE])))
    now = state.clock.now()
    results = []
    for item, plan in planned:
        is_new = plan.is_new
        view = state.writer.apply(plan, now).to_json()
        if key_of is _upsert_key:
            view["new"] = is_new
        if TRACE in item:
            view[TRACE] = item[TRACE]
        results.append(view)
    request[LOG]["record_ids"] = [r["id"] for r in results]
    log_written(request, [plan for _, plan in planned])
    status = 207 if errors else created_status
    return json_response(batch_body(results, errors, started, now), status)


def _plan_create(state: EmulatorState, object_type: ObjectType, body: dict[str, Any],
                 item: dict[str, Any], claimed: dict[tuple[str, str], str]) -> PlannedWrite:
    return state.writer.plan(object_type, None, item.get("properties", {}), claimed)


def _lookup(state: EmulatorState, object_type: ObjectType, body: dict[str, Any],
            item: dict[str, Any]) -> tuple[str | None, Record | None]:
    id_property = unique_id_property(object_type, item.get("idProperty", body.get("idProperty")),
                                     state.portal_id, allow_object_id=False)
    return id_property, find_record(state.store, object_type, str(item.get("id", "")),
                                    id_property)


def _plan_update(state: EmulatorState, object_type: ObjectType, body: dict[str, Any],
                 item: dict[str, Any], claimed: dict[tuple[str, str], str]) -> PlannedWrite:
    _, record = _lookup(state, object_type, body, item)
    if record is None:
        raise ApiError(404, f"Object not found. objectId are usually numeric. "
                       f"id: {item.get('id')}", "OBJECT_NOT_FOUND")
    return state.writer.plan(object_type, record, item.get("properties", {}), claimed)


def _plan_upsert(state: EmulatorState, object_type: ObjectType, body: dict[str, Any],
                 item: dict[str, Any], claimed: dict[tuple[str, str], str]) -> PlannedWrite:
    id_property, record = _lookup(state, object_type, body, item)
    properties = item.get("properties", {})
    if record is None and id_property is None:
        raise ApiError(404, f"Object not found. id: {item.get('id')}", "OBJECT_NOT_FOUND")
    if record is None and id_property is not None and id_property not in properties:
        properties = {**properties, id_property: item.get("id")}
    return state.writer.plan(object_type, record, properties, claimed)


def _upsert_key(object_type: ObjectType, body: dict[str, Any], item: Any) -> str:
    key = str(item.get("id", "")) if isinstance(item, dict) else ""
    return key.lower() if item.get("idProperty", body.get("idProperty")) == "email" else key


def _update_key(object_type: ObjectType, body: dict[str, Any], item: Any) -> str:
    return str(item.get("id", "")) if isinstance(item, dict) else ""


@endpoint("crm.batch.create", scope="objects.write")
async def batch_create(request: web.Request) -> web.Response:
    """201, or 207 when traced inputs failed; untraced failures fail the whole batch."""
    return await _write_batch(request, _plan_create, 201)


@endpoint("crm.batch.update", scope="objects.write")
async def batch_update(request: web.Request) -> web.Response:
    """200 or 207; duplicate ids fail the whole request."""
    return await _write_batch(request, _plan_update, 200, _update_key)


@endpoint("crm.batch.upsert", scope="objects.write")
async def batch_upsert(request: web.Request) -> web.Response:
    """200 or 207 by unique idProperty; each result says whether it is `new`."""
    return await _write_batch(request, _plan_upsert, 200, _upsert_key)


@endpoint("crm.batch.read", scope="objects.read")
async def batch_read(request: web.Request) -> web.Response:
    """200, or 207 with one OBJECT_NOT_FOUND error listing the missing ids."""
    state = request.app[STATE]
    started = state.clock.now()
    object_type = object_type_of(request)
    body = await read_object(request)
    with_history = requested_properties(body.get("propertiesWithHistory"))
    inputs = batch_inputs(request, body, MAX_INPUTS_WITH_HISTORY if with_history else MAX_INPUTS)
    if inputs is None:
        return json_response(batch_body([], [], started, started))
    id_property = unique_id_property(object_type, body.get("idProperty"), state.portal_id,
                                     allow_object_id=True)
    names = requested_properties(body.get("properties"))
    results, missing = [], []
    for key in dict.fromkeys(str(item.get("id", "")) for item in inputs):
        record = find_record(state.store, object_type, key, id_property)
        if record is None:
            missing.append(key)
        else:
            results.append(read_view(state, object_type, record, names, with_history))
    errors = [] if not missing else [{
        "status": "error", "category": "OBJECT_NOT_FOUND",
        "message": f"Could not get some {object_type.singular.upper()} objects, they may be "
                   "deleted or not exist. Check that ids are valid.",
        "context": {"ids": missing}}]
    return json_response(batch_body(results, errors, started, state.clock.now()),
                         207 if errors else 200)


@endpoint("crm.batch.archive", scope="objects.write")
async def batch_archive(request: web.Request) -> web.Response:
    """204; unknown ids are ignored."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    inputs = batch_inputs(request, await read_object(request), MAX_INPUTS) or []
    records = state.store.of(object_type.object_type_id)
    names = indexed_names(object_type)
    ids = [str(item.get("id", "")) for item in inputs]
    for record_id in ids:
        records.archive(record_id, names, state.clock.now())
    request[LOG]["record_ids"] = ids
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    """Register the batch routes."""
    for verb, handler in (("read", batch_read), ("create", batch_create),
                          ("update", batch_update), ("upsert", batch_upsert),
                          ("archive", batch_archive)):
        app.router.add_post(f"{BASE}/batch/{verb}", handler)
