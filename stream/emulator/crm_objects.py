"""Single-record CRM endpoints: create, read, list, PATCH by id or idProperty, archive."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.auth import Credential
from stream.emulator.endpoint import CREDENTIAL, LOG, endpoint
from stream.emulator.object_types import ObjectType
from stream.emulator.record_lookup import find_record, requested_properties, unique_id_property
from stream.emulator.responses import ApiError, json_response, not_found, read_object
from stream.emulator.state import STATE, EmulatorState
from stream.emulator.store import Record
from stream.emulator.writes import PlannedWrite, indexed_names

BASE = "/crm/v3/objects/{objectType}"


def object_type_of(request: web.Request) -> ObjectType:
    """The route's object type, noted in the request log."""
    object_type = request.app[STATE].types.resolve(request.match_info["objectType"])
    request[LOG]["object_type"] = object_type.object_type_id
    return object_type


def read_view(state: EmulatorState, object_type: ObjectType, record: Record,
              names: list[str] | None, with_history: list[str] | None = None) -> dict[str, Any]:
    """A record as reads return it: requested or default properties, optional history."""
    view = record.to_json(names if names is not None else object_type.read_properties)
    if with_history:
        view["propertiesWithHistory"] = {
            name: [{"value": record.properties[name], "timestamp": record.updated_at,
                    "sourceType": "API"}] if name in record.properties else []
            for name in with_history}
    return view


def associate_on_create(state: EmulatorState, object_type: ObjectType, record_id: str,
                        associations: Any) -> None:
    """Apply the `associations` of a create body; 400/404 for unknown types or records."""
    for item in associations or []:
        to_id = str(item.get("to", {}).get("id", ""))
        for spec in item.get("types", []):
            found = state.associations.find_by_type_id(
                object_type.object_type_id, spec.get("associationCategory", ""),
                int(spec.get("associationTypeId", 0)))
            if found is None:
                raise ApiError(400, f"association type id {spec.get('associationTypeId')} "
                               "doesn't exist", "VALIDATION_ERROR")
            to_type, label = found
            if to_id not in state.store.of(to_type).records:
                raise ApiError(404, f"No {state.types.by_id[to_type].singular} with ID "
                               f"{to_id} exists", "OBJECT_NOT_FOUND",
                               subCategory="crm.associations.TO_OBJECT_NOT_FOUND")
            state.associations.add(object_type.object_type_id, record_id, to_type, to_id,
                                   [label])


def require_sensitive_scopes(request: web.Request, object_type: ObjectType,
                             properties: Any) -> None:
    """403 MISSING_SCOPES for a value of a Sensitive Data property when the caller lacks the
    object's sensitive write scope (`crm.objects.contacts.sensitive.write.v2`, ...)."""
    credential = request.get(CREDENTIAL)
    if not isinstance(credential, Credential) or not isinstance(properties, dict):
        return
    for name in properties:
        definition = object_type.properties.get(str(name))
        if definition is not None and definition.data_sensitivity != "non_sensitive":
            credential.require(f"crm.objects.{object_type.scope_name}."
                               f"{definition.data_sensitivity}.write.v2")


def log_written(request: web.Request, plans: list[PlannedWrite]) -> None:
    """With the `log_written_properties` setting, the request log keeps each write's changes."""
    if request.app[STATE].settings.log_written_properties:
        request[LOG]["properties"] = [plan.changes for plan in plans]


@endpoint("crm.object.create", scope="objects.write")
async def create(request: web.Request) -> web.Response:
    """POST: 201 with a Location header."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    body = await read_object(request)
    require_sensitive_scopes(request, object_type, body.get("properties"))
    planned = state.writer.plan(object_type, None, body.get("properties", {}), {})
    _check_required(object_type, planned.changes)
    record = state.writer.apply(planned, state.clock.now())
    associate_on_create(state, object_type, record.id, body.get("associations"))
    request[LOG].update(record_ids=[record.id], inputs=1)
    log_written(request, [planned])
    location = f"{request.url.origin()}{request.path}/{record.id}"
    return json_response(record.to_json(), 201, {"Location": location})


def _check_required(object_type: ObjectType, changes: dict[str, str]) -> None:
    required = (object_type.schema or {}).get("requiredProperties", [])
    missing = [name for name in required if not changes.get(name)]
    if missing:
        raise ApiError(400, f"Required properties are missing: {missing}", "VALIDATION_ERROR")


@endpoint("crm.object.read", scope="objects.read")
async def read(request: web.Request) -> web.Response:
    """GET by id or `?idProperty=`."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    query = request.query
    id_property = unique_id_property(object_type, query.get("idProperty"), state.portal_id,
                                     allow_object_id=True)
    record = find_record(state.store, object_type, request.match_info["objectId"], id_property)
    if record is None and query.get("archived") == "true":
        record = state.store.of(object_type.object_type_id).archived.get(
            request.match_info["objectId"])
    if record is None:
        raise not_found()
    view = read_view(state, object_type, record, requested_properties(query.getall(
        "properties", [])), requested_properties(query.getall("propertiesWithHistory", [])))
    for to_name in requested_properties(query.getall("associations", [])) or []:
        to_type = state.types.resolve(to_name)
        links = state.associations.read(object_type.object_type_id, record.id,
                                        to_type.object_type_id)
        view.setdefault("associations", {})[to_type.name] = {"results": [
            {"id": str(x["toObjectId"]), "type": f"{object_type.singular}_to_{to_type.singular}"}
            for x in links]}
    return json_response(view)


@endpoint("crm.object.list", scope="objects.read")
async def list_records(request: web.Request) -> web.Response:
    """GET the type's records by id with `limit` (max 100) and `after` paging."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    limit = min(int(request.query.get("limit", "10")), 100)
    after = int(request.query.get("after", "0") or 0)
    records = sorted(state.store.of(object_type.object_type_id).records.values(),
                     key=lambda r: int(r.id))
    page = [r for r in records if int(r.id) > after][:limit]
    names = requested_properties(request.query.getall("properties", []))
    body: dict[str, Any] = {"results": [read_view(state, object_type, r, names) for r in page]}
    if len(page) == limit and int(page[-1].id) < int(records[-1].id):
        body["paging"] = {"next": {"after": page[-1].id}}
    return json_response(body)


@endpoint("crm.object.update", scope="objects.write")
async def update(request: web.Request) -> web.Response:
    """PATCH by id or `?idProperty=`; 404 'resource not found' without a match."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    id_property = unique_id_property(object_type, request.query.get("idProperty"),
                                     state.portal_id, allow_object_id=True)
    body = await read_object(request)
    if not body.get("properties"):
        raise ApiError(400, "No properties found to update, please provide at least one.",
                       "VALIDATION_ERROR")
    record = find_record(state.store, object_type, request.match_info["objectId"], id_property)
    if record is None:
        raise not_found()
    require_sensitive_scopes(request, object_type, body["properties"])
    planned = state.writer.plan(object_type, record, body["properties"], {})
    state.writer.apply(planned, state.clock.now())
    request[LOG].update(record_ids=[record.id], inputs=1)
    log_written(request, [planned])
    return json_response(record.to_json())


@endpoint("crm.object.archive", scope="objects.write")
async def archive(request: web.Request) -> web.Response:
    """DELETE: 204, the record moves to the recycle bin (also when already gone)."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    record_id = request.match_info["objectId"]
    state.store.of(object_type.object_type_id).archive(record_id, indexed_names(object_type),
                                                      state.clock.now())
    request[LOG].update(record_ids=[record_id], inputs=1)
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    """Register the single-record routes."""
    app.router.add_post(BASE, create)
    app.router.add_get(BASE, list_records)
    app.router.add_get(BASE + "/{objectId}", read)
    app.router.add_patch(BASE + "/{objectId}", update)
    app.router.add_delete(BASE + "/{objectId}", archive)
