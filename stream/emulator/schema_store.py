"""Custom object schemas: creating object types, and the snapshot form of types and properties."""

from __future__ import annotations

import re
from typing import Any

from stream.emulator.association_store import Associations
from stream.emulator.clock import iso_ms
from stream.emulator.object_types import ObjectType, ObjectTypes
from stream.emulator.property_defaults import default_groups, default_properties
from stream.emulator.property_types import property_from_json
from stream.emulator.responses import ApiError, validation_error

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DEFAULT_FIELD_TYPES = {"string": "text", "number": "number", "date": "date",
                       "datetime": "date", "enumeration": "select", "bool": "booleancheckbox",
                       "phone_number": "phonenumber"}


def create_schema(types: ObjectTypes, associations: Associations, body: dict[str, Any],
                  number: int, now: float) -> ObjectType:
    """Register a custom object type from a schemas API body; 400/409 when invalid."""
    name = str(body.get("name", ""))
    if not NAME_PATTERN.match(name):
        raise validation_error(f"Invalid object name {name!r}")
    if types.find(f"p_{name}") is not None:
        raise ApiError(409, f"Object type with name {name} already exists", "CONFLICT")
    type_id = f"2-{number}"
    properties = default_properties(type_id, now)
    for item in body.get("properties", []):
        definition = _custom_property(item, now)
        properties[definition.name] = definition
    for key in ("requiredProperties", "searchableProperties", "secondaryDisplayProperties"):
        unknown = [p for p in body.get(key, []) if p not in properties]
        if unknown:
            raise validation_error(f"{key} names unknown properties: {unknown}")
    labels = body.get("labels") or {"singular": name, "plural": name}
    schema = {"id": str(number), "objectTypeId": type_id, "name": name,
              "fullyQualifiedName": f"p{types.portal_id}_{name}", "labels": labels,
              "primaryDisplayProperty": body.get("primaryDisplayProperty"),
              "requiredProperties": body.get("requiredProperties", []),
              "searchableProperties": body.get("searchableProperties", []),
              "secondaryDisplayProperties": body.get("secondaryDisplayProperties", []),
              "associatedObjects": body.get("associatedObjects", []),
              "metaType": "PORTAL_SPECIFIC", "archived": False,
              "createdAt": iso_ms(now), "updatedAt": iso_ms(now)}
    object_type = ObjectType(type_id, f"p_{name}", name, "custom", schema["fullyQualifiedName"],
                             properties, default_groups(type_id), schema)
    types.add(object_type, types.custom_aliases(name))
    for target in schema["associatedObjects"]:
        associations.registry(type_id, types.resolve(str(target)).object_type_id)
    return object_type


def _custom_property(item: dict[str, Any], now: float) -> Any:
    body = {"groupName": "objectinformation", "label": item.get("name"),
            "fieldType": DEFAULT_FIELD_TYPES.get(item.get("type", "string"), "text"), **item}
    try:
        return property_from_json(body, now)
    except ValueError as exc:
        raise validation_error(f"Invalid property: {exc}") from None


def schema_json(object_type: ObjectType, associations: Associations,
                types: ObjectTypes) -> dict[str, Any]:
    """The schemas API representation, with properties and association definitions."""
    assert object_type.schema is not None
    type_id = object_type.object_type_id
    links = []
    for (from_t, to_t), labels in associations.labels.items():
        if from_t != type_id:
            continue
        for label in labels:
            target = types.by_id.get(to_t)
            links.append({"id": str(label.type_id), "fromObjectTypeId": from_t,
                          "toObjectTypeId": to_t, "name": label.name or
                          f"{object_type.singular}_to_{target.singular if target else to_t}"})
    return {**object_type.schema, "associations": links,
            "properties": [p.to_json(type_id) for p in object_type.properties.values()]}


def schemas_to_json(types: ObjectTypes) -> dict[str, Any]:
    """Custom schemas, user-defined properties and groups of every type, for snapshots."""
    return {
        "custom": [t.schema for t in types.by_id.values() if t.schema],
        "properties": {type_id: [p.to_json(type_id) for p in t.properties.values()
                                 if not p.hubspot_defined]
                       for type_id, t in types.by_id.items()},
        "groups": {type_id: t.groups for type_id, t in types.by_id.items()}}


def schemas_from_json(types: ObjectTypes, data: dict[str, Any], now: float) -> None:
    """Re-create custom schemas, properties and groups from `schemas_to_json` output."""
    for schema in data.get("custom", []):
        type_id = schema["objectTypeId"]
        name = schema["name"]
        types.add(ObjectType(type_id, f"p_{name}", name, "custom", schema["fullyQualifiedName"],
                             default_properties(type_id, now), default_groups(type_id), schema),
                  types.custom_aliases(name))
    for type_id, groups in data.get("groups", {}).items():
        if type_id in types.by_id:
            types.by_id[type_id].groups.update(groups)
    for type_id, properties in data.get("properties", {}).items():
        object_type = types.by_id.get(type_id)
        if object_type is None:
            continue
        for item in properties:
            object_type.properties[item["name"]] = property_from_json(item, now)
        object_type.refresh_unique()
