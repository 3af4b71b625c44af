"""Association labels API (v4) and the legacy v3 association endpoints."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.associations_api import BATCH, associate_records, route_types
from stream.emulator.endpoint import LOG, endpoint
from stream.emulator.responses import ApiError, json_response, read_json, read_object
from stream.emulator.state import STATE


@endpoint("associations.v4.labels", scope="objects.read")
async def list_labels(request: web.Request) -> web.Response:
    """GET .../labels: every type of the direction."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    labels = state.associations.registry(from_type.object_type_id, to_type.object_type_id)
    return json_response({"results": [label.to_json() for label in labels]})


@endpoint("associations.v4.labels", scope="objects.write")
async def create_label(request: web.Request) -> web.Response:
    """POST .../labels {name, label, inverseLabel?}: allocates USER_DEFINED type ids."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    pair = state.associations.create_label(from_type.object_type_id, to_type.object_type_id,
                                           await read_object(request))
    return json_response({"results": [label.to_json() for label in pair]})


@endpoint("associations.v4.labels", scope="objects.write")
async def update_label(request: web.Request) -> web.Response:
    """PUT .../labels {associationTypeId, label, inverseLabel?}: 204."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    from_t, to_t = from_type.object_type_id, to_type.object_type_id
    body = await read_object(request)
    label = state.associations.find_type(from_t, to_t, "USER_DEFINED",
                                         int(body.get("associationTypeId", 0)))
    label.label = str(body.get("label", label.label))
    if body.get("inverseLabel"):
        inverse = state.associations.find_type(to_t, from_t, "USER_DEFINED",
                                               label.inverse_type_id)
        inverse.label = str(body["inverseLabel"])
    return web.Response(status=204)


@endpoint("associations.v4.labels", scope="objects.write")
async def delete_label(request: web.Request) -> web.Response:
    """DELETE .../labels/{associationTypeId}: 204."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    state.associations.delete_label(from_type.object_type_id, to_type.object_type_id,
                                    int(request.match_info["associationTypeId"]))
    return web.Response(status=204)


def _legacy_type(name: str) -> None:
    if not name.replace("_", "").isalnum():
        raise ApiError(400, f"Invalid association type {name}", "VALIDATION_ERROR")


@endpoint("associations.v3", scope="objects.write")
async def legacy_put(request: web.Request) -> web.Response:
    """v3 PUT .../associations/{to}/{toId}/{associationType}: 200 with the record."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "objectType", "toObjectType")
    from_id, to_id = request.match_info["objectId"], request.match_info["toObjectId"]
    _legacy_type(request.match_info["associationType"])
    request[LOG]["associations"] = [{"from": from_id, "to": to_id}]
    associate_records(state, from_type, from_id, to_type, to_id, None)
    record = state.store.of(from_type.object_type_id).records[from_id]
    view = record.to_json(from_type.read_properties)
    view["associations"] = {to_type.name: {"results": [
        {"id": str(item["toObjectId"]), "type": f"{from_type.singular}_to_{to_type.singular}"}
        for item in state.associations.read(from_type.object_type_id, from_id,
                                            to_type.object_type_id)]}}
    return json_response(view)


@endpoint("associations.v3", scope="objects.write")
async def legacy_batch_create(request: web.Request) -> web.Response:
    """v3 batch/create {inputs: [{from, to, type}]}: 201, or 207 with per-pair errors."""
    state = request.app[STATE]
    from_type, to_type = route_types(request, "fromType", "toType")
    body = await read_json(request)
    inputs: list[dict[str, Any]] = body.get("inputs", []) if isinstance(body, dict) else []
    request[LOG]["associations"] = [{"from": str(i["from"]["id"]), "to": str(i["to"]["id"])}
                                    for i in inputs]
    results, errors = [], []
    for item in inputs:
        from_id, to_id = str(item["from"]["id"]), str(item["to"]["id"])
        try:
            associate_records(state, from_type, from_id, to_type, to_id, None)
        except ApiError as exc:
            errors.append(dict(exc.body))
            continue
        results.append({"from": {"id": from_id}, "to": {"id": to_id}, "type": item.get("type")})
    answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        answer.update(numErrors=len(errors), errors=errors)
    return json_response(answer, 207 if errors else 201)


def add_routes(app: web.Application) -> None:
    """Register the labels routes and the legacy v3 association routes."""
    router = app.router
    router.add_get(BATCH + "/labels", list_labels)
    router.add_post(BATCH + "/labels", create_label)
    router.add_put(BATCH + "/labels", update_label)
    router.add_delete(BATCH + "/labels/{associationTypeId}", delete_label)
    router.add_put("/crm/v3/objects/{objectType}/{objectId}/associations/{toObjectType}/"
                   "{toObjectId}/{associationType}", legacy_put)
    router.add_post("/crm/v3/associations/{fromType}/{toType}/batch/create", legacy_batch_create)
