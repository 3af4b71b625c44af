"""Custom object schemas endpoints (`/crm-object-schemas/v3/schemas`, alias `/crm/v3/schemas`)."""

from __future__ import annotations

from aiohttp import web

from stream.emulator.endpoint import endpoint
from stream.emulator.object_types import ObjectType
from stream.emulator.responses import ApiError, json_response, read_object, validation_error
from stream.emulator.schema_store import create_schema, schema_json
from stream.emulator.state import STATE

ROOTS = ("/crm-object-schemas/v3/schemas", "/crm/v3/schemas")
READ, WRITE = "crm.schemas.custom.read", "crm.schemas.custom.write"


def _custom(request: web.Request) -> ObjectType:
    object_type = request.app[STATE].types.find(request.match_info["objectType"])
    if object_type is None or object_type.schema is None:
        raise ApiError(404, f"Unable to find object type {request.match_info['objectType']}",
                       "OBJECT_NOT_FOUND")
    return object_type


@endpoint("crm.schemas", bucket="associations", scope=READ)
async def list_schemas(request: web.Request) -> web.Response:
    """GET every custom schema."""
    state = request.app[STATE]
    return json_response({"results": [schema_json(t, state.associations, state.types)
                                      for t in state.types.by_id.values() if t.schema]})


@endpoint("crm.schemas", bucket="associations", scope=WRITE)
async def create(request: web.Request) -> web.Response:
    """POST: 201 with objectTypeId `2-<n>` and fullyQualifiedName `p<portal>_<name>`."""
    state = request.app[STATE]
    state.next_custom_type += 1
    object_type = create_schema(state.types, state.associations, await read_object(request),
                                state.next_custom_type, state.clock.now())
    return json_response(schema_json(object_type, state.associations, state.types), 201)


@endpoint("crm.schemas", bucket="associations", scope="schemas.read")
async def read(request: web.Request) -> web.Response:
    """GET one schema by id or either qualified name."""
    state = request.app[STATE]
    return json_response(schema_json(_custom(request), state.associations, state.types))


@endpoint("crm.schemas", bucket="associations", scope="schemas.write")
async def update(request: web.Request) -> web.Response:
    """PATCH labels, display and searchable properties."""
    state = request.app[STATE]
    object_type = _custom(request)
    body = await read_object(request)
    assert object_type.schema is not None
    for key in ("labels", "primaryDisplayProperty", "requiredProperties",
                "searchableProperties", "secondaryDisplayProperties"):
        if key in body:
            object_type.schema[key] = body[key]
    return json_response(schema_json(object_type, state.associations, state.types))


@endpoint("crm.schemas", bucket="associations", scope="schemas.write")
async def delete(request: web.Request) -> web.Response:
    """DELETE: 204; 400 while live records of the type exist."""
    state = request.app[STATE]
    object_type = _custom(request)
    if state.store.of(object_type.object_type_id).records:
        raise validation_error("Object type still has records; archive them first")
    state.types.remove(object_type.object_type_id)
    return web.Response(status=204)


@endpoint("crm.schemas", bucket="associations", scope="schemas.write")
async def add_association(request: web.Request) -> web.Response:
    """POST .../associations {fromObjectTypeId, toObjectTypeId, name}: the new definition."""
    state = request.app[STATE]
    object_type = _custom(request)
    body = await read_object(request)
    to_type = state.types.resolve(str(body.get("toObjectTypeId", "")))
    label = state.associations.default_type(object_type.object_type_id, to_type.object_type_id)
    label.name = str(body.get("name") or label.name or "")
    return json_response({"id": str(label.type_id), "fromObjectTypeId":
                          object_type.object_type_id, "toObjectTypeId": to_type.object_type_id,
                          "name": label.name})


def add_routes(app: web.Application) -> None:
    """Register the schema routes under both roots."""
    for root in ROOTS:
        app.router.add_get(root, list_schemas)
        app.router.add_post(root, create)
        app.router.add_get(root + "/{objectType}", read)
        app.router.add_patch(root + "/{objectType}", update)
        app.router.add_delete(root + "/{objectType}", delete)
        app.router.add_post(root + "/{objectType}/associations", add_association)
