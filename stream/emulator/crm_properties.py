"""Properties API: typed property definitions and groups per object type (section 3.6)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.endpoint import LOG, endpoint
from stream.emulator.object_types import ObjectType
from stream.emulator.property_types import SENSITIVITIES, property_from_json
from stream.emulator.responses import ApiError, json_response, read_object, validation_error
from stream.emulator.state import STATE

BASE = "/crm/v3/properties/{objectType}"
EDITABLE = {"label": "label", "description": "description", "groupName": "group_name",
            "hidden": "hidden", "displayOrder": "display_order", "fieldType": "field_type"}


def _type(request: web.Request) -> ObjectType:
    object_type = request.app[STATE].types.resolve(request.match_info["objectType"])
    request[LOG]["object_type"] = object_type.object_type_id
    return object_type


def _create_one(request: web.Request, object_type: ObjectType, body: dict[str, Any]) -> Any:
    now = request.app[STATE].clock.now()
    name = str(body.get("name", ""))
    if name in object_type.properties:
        raise ApiError(409, f"Property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS",
                       context={"name": [name]})
    try:
        definition = property_from_json(body, now)
    except ValueError as exc:
        raise validation_error(f"Invalid property: {exc}") from None
    if definition.group_name not in object_type.groups:
        raise validation_error(f"Property group {definition.group_name} does not exist.")
    if definition.data_sensitivity != "non_sensitive" and \
            request.app[STATE].settings.plan != "enterprise":
        raise ApiError(403, "Sensitive Data properties can only be created in Enterprise "
                       f"accounts (dataSensitivity={definition.data_sensitivity}).", "FORBIDDEN")
    object_type.properties[name] = definition
    object_type.refresh_unique()
    return definition.to_json(object_type.object_type_id)


def _existing(object_type: ObjectType, name: str) -> Any:
    definition = object_type.properties.get(name)
    if definition is None:
        raise ApiError(404, f"Unable to find property {name} for object type "
                       f"{object_type.object_type_id}", "OBJECT_NOT_FOUND")
    return definition


def _sensitivity(value: Any) -> str:
    """The `dataSensitivity` a read asks for: only that kind comes back (non_sensitive unless
    named), as HubSpot documents for Sensitive Data."""
    sensitivity = str(value or "non_sensitive")
    if sensitivity not in SENSITIVITIES:
        raise validation_error(f"dataSensitivity must be one of {list(SENSITIVITIES)}")
    return sensitivity


@endpoint("crm.properties", scope="schemas.read")
async def list_properties(request: web.Request) -> web.Response:
    """GET the type's properties of one data sensitivity (`?dataSensitivity=`)."""
    object_type = _type(request)
    sensitivity = _sensitivity(request.query.get("dataSensitivity"))
    return json_response({"results": [p.to_json(object_type.object_type_id)
                                      for p in object_type.properties.values()
                                      if p.data_sensitivity == sensitivity]})


@endpoint("crm.properties", scope="schemas.write")
async def create_property(request: web.Request) -> web.Response:
    """POST: 201, 409 for an existing name."""
    object_type = _type(request)
    return json_response(_create_one(request, object_type, await read_object(request)), 201)


@endpoint("crm.properties", scope="schemas.read")
async def read_property(request: web.Request) -> web.Response:
    """GET one property; 404 if unknown."""
    object_type = _type(request)
    definition = _existing(object_type, request.match_info["propertyName"])
    return json_response(definition.to_json(object_type.object_type_id))


@endpoint("crm.properties", scope="schemas.write")
async def update_property(request: web.Request) -> web.Response:
    """PATCH label, group, options, ...; `hasUniqueValue` can only be set at creation."""
    object_type = _type(request)
    definition = _existing(object_type, request.match_info["propertyName"])
    body = await read_object(request)
    if "hasUniqueValue" in body:
        raise validation_error("hasUniqueValue can only be set when the property is created")
    if definition.hubspot_defined and set(body) - {"label", "description", "options"}:
        raise validation_error(f"{definition.name} is a HubSpot-defined property")
    for key, attribute in EDITABLE.items():
        if key in body:
            setattr(definition, attribute, body[key])
    if "options" in body:
        definition.options = property_from_json({**definition.to_json(""), **body,
                                                 "name": definition.name}, 0).options
    definition.updated_at = request.app[STATE].clock.now()
    definition.compile()
    return json_response(definition.to_json(object_type.object_type_id))


@endpoint("crm.properties", scope="schemas.write")
async def archive_property(request: web.Request) -> web.Response:
    """DELETE a user-defined property: 204."""
    object_type = _type(request)
    definition = _existing(object_type, request.match_info["propertyName"])
    if definition.hubspot_defined:
        raise validation_error(f"{definition.name} is a HubSpot-defined property and can't be "
                               "archived")
    del object_type.properties[definition.name]
    object_type.refresh_unique()
    return web.Response(status=204)


@endpoint("crm.properties", scope="schemas.write")
async def batch_create(request: web.Request) -> web.Response:
    """POST batch/create: 201 with every created property (409 stops the batch)."""
    object_type = _type(request)
    inputs = (await read_object(request)).get("inputs", [])
    results = [_create_one(request, object_type, item) for item in inputs]
    return json_response({"status": "COMPLETE", "results": results}, 201)


@endpoint("crm.properties", scope="schemas.read")
async def batch_read(request: web.Request) -> web.Response:
    """POST batch/read by name."""
    object_type = _type(request)
    body = await read_object(request)
    sensitivity = _sensitivity(body.get("dataSensitivity"))
    found = [object_type.properties.get(str(item.get("name"))) for item in body.get("inputs", [])]
    results = [p.to_json(object_type.object_type_id) for p in found
               if p is not None and p.data_sensitivity == sensitivity]
    return json_response({"status": "COMPLETE", "results": results})


@endpoint("crm.properties", scope="schemas.write")
async def batch_archive(request: web.Request) -> web.Response:
    """POST batch/archive: 204 even for unknown names."""
    object_type = _type(request)
    for item in (await read_object(request)).get("inputs", []):
        definition = object_type.properties.get(str(item.get("name")))
        if definition is not None and not definition.hubspot_defined:
            del object_type.properties[definition.name]
    object_type.refresh_unique()
    return web.Response(status=204)


@endpoint("crm.properties", scope="schemas.read")
async def list_groups(request: web.Request) -> web.Response:
    """GET the type's property groups."""
    return json_response({"results": list(_type(request).groups.values())})


@endpoint("crm.properties", scope="schemas.write")
async def create_group(request: web.Request) -> web.Response:
    """POST a group: 201, 409 for an existing name."""
    object_type = _type(request)
    body = await read_object(request)
    name = str(body.get("name", ""))
    if not name or not body.get("label"):
        raise validation_error("name and label are required")
    if name in object_type.groups:
        raise ApiError(409, f"Property group named '{name}' already exists.",
                       "OBJECT_ALREADY_EXISTS")
    group = {"name": name, "label": body["label"],
             "displayOrder": body.get("displayOrder", -1), "archived": False}
    object_type.groups[name] = group
    return json_response(group, 201)


@endpoint("crm.properties", scope="schemas.write")
async def change_group(request: web.Request) -> web.Response:
    """PATCH (label, displayOrder) or DELETE (204) a group."""
    object_type = _type(request)
    name = request.match_info["groupName"]
    group = object_type.groups.get(name)
    if group is None:
        raise ApiError(404, f"Property group {name} does not exist", "OBJECT_NOT_FOUND")
    if request.method == "DELETE":
        del object_type.groups[name]
        return web.Response(status=204)
    body = await read_object(request)
    group.update({k: body[k] for k in ("label", "displayOrder") if k in body})
    return json_response(group)


def add_routes(app: web.Application) -> None:
    """Register the Properties API routes (groups before names)."""
    router = app.router
    router.add_get(BASE + "/groups", list_groups)
    router.add_post(BASE + "/groups", create_group)
    router.add_patch(BASE + "/groups/{groupName}", change_group)
    router.add_delete(BASE + "/groups/{groupName}", change_group)
    router.add_post(BASE + "/batch/create", batch_create)
    router.add_post(BASE + "/batch/read", batch_read)
    router.add_post(BASE + "/batch/archive", batch_archive)
    router.add_get(BASE, list_properties)
    router.add_post(BASE, create_property)
    router.add_get(BASE + "/{propertyName}", read_property)
    router.add_patch(BASE + "/{propertyName}", update_property)
    router.add_delete(BASE + "/{propertyName}", archive_property)
