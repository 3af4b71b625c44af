"""Associations v4 endpoints (single, batch, labels) and the legacy v3 PUT / batch create."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.association_store import HUBSPOT, Label
from stream.emulator.clock import iso_ms
from stream.emulator.endpoint import LOG, endpoint
from stream.emulator.object_types import ObjectType
from stream.emulator.responses import ApiError, json_response, read_json, too_many_inputs
from stream.emulator.state import STATE, EmulatorState

OBJECT = "/crm/v4/objects/{objectType}/{objectId}/associations"
BATCH = "/crm/v4/associations/{fromType}/{toType}"


def route_types(request: web.Request, from_key: str, to_key: str) -> tuple[ObjectType, ObjectType]:
    types = request.app[STATE].types
    from_type = types.resolve(request.match_info[from_key])
    to_type = types.resolve(request.match_info[to_key])
    request[LOG].update(object_type=from_type.object_type_id,
                        to_object_type=to_type.object_type_id)
    return from_type, to_type


def _require(state: EmulatorState, object_type: ObjectType, record_id: str, side: str) -> None:
    if record_id not in state.store.of(object_type.object_type_id).records:
        raise ApiError(404, f"No {object_type.singular} with ID {record_id} exists",
                       "OBJECT_NOT_FOUND", subCategory=f"crm.associations.{side}_OBJECT_NOT_FOUND",
                       context={f"{side.lower()}ObjectId": [record_id]})


def _labels(state: EmulatorState, from_t: str, to_t: str, specs: Any) -> list[Label]:
    if not isinstance(specs, list):
        raise ApiError(400, "association types must be an array", "VALIDATION_ERROR")
    return [state.associations.find_type(from_t, to_t, s.get("associationCategory", HUBSPOT),
                                         int(s.get("associationTypeId", 0))) for s in specs]


def _created(from_type: ObjectType, from_id: str, to_type: ObjectType, to_id: str,
             labels: list[Label]) -> dict[str, Any]:
    return {"fromObjectTypeId": from_type.object_type_id, "fromObjectId": record_number(from_id),
            "toObjectTypeId": to_type.object_type_id, "toObjectId": record_number(to_id),
            "labels": [label.label for label in labels if label.label]}


def record_number(record_id: str) -> int | str:
    return int(record_id) if record_id.isdigit() else record_id


def associate_records(state: EmulatorState, from_type: ObjectType, from_id: str,
                      to_type: ObjectType, to_id: str, labels: list[Label] | None) -> list[Label]:
    _require(state, from_type, from_id, "FROM")
    _require(state, to_type, to_id, "TO")
    chosen = labels if labels is not None else [state.associations.default_type(
        from_type.object_type_id, to_type.object_type_id)]
    state.associations.add(from_type.object_type_id, from_id, to_type.object_type_id, to_id,
                           chosen)
    return chosen


def _default_spec(state: EmulatorState, from_t: str, from_id: str, to_t: str,
                  to_id: str) -> dict[str, Any]:
    label = state.associations.default_type(from_t, to_t)
    return {"from": {"id": from_id}, "to": {"id": to_id}, "associationSpec": {
        "associationCategory": label.category, "associationTypeId": label.type_id}}


@endpoint("associations.v4", scope="objects.write")
async def put_default(request: web.Request) -> web.Response:
    """PUT .../associations/default/{to}/{toId}: 200 with both directions' specs."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "objectType", "toObjectType")
    from_id, to_id = request.match_info["objectId"], request.match_info["toObjectId"]
    request[LOG]["associations"] = [{"from": from_id, "to": to_id}]
    associate_records(state, from_type, from_id, to_type, to_id, None)
    now = iso_ms(state.clock.now())
    return json_response({"status": "COMPLETE", "startedAt": now, "completedAt": now, "results": [
        _default_spec(state, from_type.object_type_id, from_id, to_type.object_type_id, to_id),
        _default_spec(state, to_type.object_type_id, to_id, from_type.object_type_id, from_id)]})


@endpoint("associations.v4", scope="objects.write")
async def put_labeled(request: web.Request) -> web.Response:
    """PUT .../associations/{to}/{toId} with a list of types: 201."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "objectType", "toObjectType")
    from_id, to_id = request.match_info["objectId"], request.match_info["toObjectId"]
    request[LOG]["associations"] = [{"from": from_id, "to": to_id}]
    labels = _labels(state, from_type.object_type_id, to_type.object_type_id,
                     await read_json(request))
    associate_records(state, from_type, from_id, to_type, to_id, labels)
    return json_response(_created(from_type, from_id, to_type, to_id, labels), 201)


@endpoint("associations.v4", scope="objects.read")
async def read_one(request: web.Request) -> web.Response:
    """GET .../associations/{to}: up to 500 per page with `after`."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "objectType", "toObjectType")
    limit = min(int(request.query.get("limit", "500")), 500)
    after = int(request.query.get("after", "0") or 0)
    results = state.associations.read(from_type.object_type_id, request.match_info["objectId"],
                                      to_type.object_type_id)
    body: dict[str, Any] = {"results": results[after:after + limit]}
    if after + limit < len(results):
        body["paging"] = {"next": {"after": str(after + limit)}}
    return json_response(body)


@endpoint("associations.v4", scope="objects.write")
async def delete_one(request: web.Request) -> web.Response:
    """DELETE .../associations/{to}/{toId}: 204, every type between the pair."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "objectType", "toObjectType")
    from_id, to_id = request.match_info["objectId"], request.match_info["toObjectId"]
    request[LOG]["associations"] = [{"from": from_id, "to": to_id}]
    state.associations.remove(from_type.object_type_id, from_id, to_type.object_type_id, to_id)
    return web.Response(status=204)


async def _inputs(request: web.Request) -> list[dict[str, Any]]:
    body = await read_json(request)
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list):
        return []
    limit = request.app[STATE].settings.association_batch_max_inputs
    if len(inputs) > limit:
        raise too_many_inputs(limit)
    request[LOG]["inputs"] = len(inputs)
    return inputs


def _batch_answer(state: EmulatorState, results: list[Any], errors: list[dict[str, Any]],
                  ok_status: int) -> web.Response:
    now = iso_ms(state.clock.now())
    body: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": now,
                            "completedAt": now}
    if errors:
        body.update(numErrors=len(errors), errors=errors)
    return json_response(body, 207 if errors else ok_status)


async def _batch_write(request: web.Request, with_types: bool) -> web.Response:
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    inputs = await _inputs(request)
    pairs = [(str(i.get("from", {}).get("id", "")), str(i.get("to", {}).get("id", "")))
             for i in inputs]
    request[LOG]["associations"] = [{"from": f, "to": t} for f, t in pairs]
    results: list[Any] = []
    errors: list[dict[str, Any]] = []
    for item, (from_id, to_id) in zip(inputs, pairs, strict=True):
        try:
            labels = _labels(state, from_type.object_type_id, to_type.object_type_id,
                             item.get("types", [])) if with_types else None
            chosen = associate_records(state, from_type, from_id, to_type, to_id, labels)
        except ApiError as exc:
            errors.append(dict(exc.body))
            continue
        if with_types:
            results.append(_created(from_type, from_id, to_type, to_id, chosen))
        else:
            results.append(_default_spec(state, from_type.object_type_id, from_id,
                                         to_type.object_type_id, to_id))
    return _batch_answer(state, results, errors, 201 if with_types else 200)


@endpoint("associations.v4.batch", bucket="associations", scope="objects.write")
async def batch_create(request: web.Request) -> web.Response:
    """batch/create with types: 201, or 207 when some pairs failed."""
    return await _batch_write(request, with_types=True)


@endpoint("associations.v4.batch", bucket="associations", scope="objects.write")
async def batch_default(request: web.Request) -> web.Response:
    """batch/associate/default: 200, results carry associationSpec."""
    return await _batch_write(request, with_types=False)


@endpoint("associations.v4.batch", bucket="associations", scope="objects.read")
async def batch_read(request: web.Request) -> web.Response:
    """batch/read: 200, or 207 with NO_ASSOCIATIONS_FOUND for ids without any."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    results, errors = [], []
    for item in await _inputs(request):
        from_id = str(item.get("id", ""))
        found = state.associations.read(from_type.object_type_id, from_id,
                                        to_type.object_type_id)
        if found:
            results.append({"from": {"id": from_id}, "to": found})
        else:
            errors.append({"status": "error", "category": "OBJECT_NOT_FOUND",
                           "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                           "message": f"No {to_type.singular} is associated with "
                                      f"{from_type.singular} {from_id}.",
                           "context": {"fromObjectId": [from_id]}})
    return _batch_answer(state, results, errors, 200)


@endpoint("associations.v4.batch", bucket="associations", scope="objects.write")
async def batch_archive(request: web.Request) -> web.Response:
    """batch/archive: 204; removes every type between the pairs."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    logged = []
    for item in await _inputs(request):
        from_id = str(item.get("from", {}).get("id", ""))
        for target in item.get("to", []):
            to_id = str(target.get("id", ""))
            logged.append({"from": from_id, "to": to_id})
            state.associations.remove(from_type.object_type_id, from_id,
                                      to_type.object_type_id, to_id)
    request[LOG]["associations"] = logged
    return web.Response(status=204)


@endpoint("associations.v4.batch", bucket="associations", scope="objects.write")
async def batch_labels_archive(request: web.Request) -> web.Response:
    """batch/labels/archive: 204; removing the default type removes every label."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    from_t, to_t = from_type.object_type_id, to_type.object_type_id
    logged = []
    for item in await _inputs(request):
        from_id, to_id = str(item["from"]["id"]), str(item["to"]["id"])
        logged.append({"from": from_id, "to": to_id})
        state.associations.remove(from_t, from_id, to_t, to_id,
                                  _labels(state, from_t, to_t, item.get("types", [])))
    request[LOG]["associations"] = logged
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    """Register the v4 single-record and batch routes."""
    router = app.router
    router.add_put(OBJECT + "/default/{toObjectType}/{toObjectId}", put_default)
    router.add_put(OBJECT + "/{toObjectType}/{toObjectId}", put_labeled)
    router.add_get(OBJECT + "/{toObjectType}", read_one)
    router.add_delete(OBJECT + "/{toObjectType}/{toObjectId}", delete_one)
    for path, handler in (("create", batch_create), ("associate/default", batch_default),
                          ("read", batch_read), ("archive", batch_archive),
                          ("labels/archive", batch_labels_archive)):
        router.add_post(f"{BATCH}/batch/{path}", handler)
