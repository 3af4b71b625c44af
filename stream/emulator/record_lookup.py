"""Finding records by id or by a unique `idProperty`, with HubSpot's refusals."""

from __future__ import annotations

from stream.emulator.object_types import ObjectType
from stream.emulator.responses import ApiError
from stream.emulator.store import Record, Store


def unique_id_property(object_type: ObjectType, name: str | None, portal_id: int,
                       *, allow_object_id: bool) -> str | None:
    """The idProperty to look up by, None for record ids; 400 for a non-unique property."""
    if not name or (name == "hs_object_id" and allow_object_id):
        return None
    definition = object_type.properties.get(name)
    if definition is None and name != "hs_object_id":
        raise ApiError(400, f'Property "{name}" does not exist', "VALIDATION_ERROR")
    if definition is None or not definition.has_unique_value:
        raise ApiError(400, f"Unable to perform update/upsert by non-unique "
                       f"{object_type.object_type_id} property {name} in portal ID {portal_id}",
                       "VALIDATION_ERROR")
    return name


def find_record(store: Store, object_type: ObjectType, key: str,
                id_property: str | None) -> Record | None:
    """The live record with this id, or whose unique `id_property` equals `key`."""
    records = store.of(object_type.object_type_id)
    if id_property is None:
        return records.records.get(key)
    owner = records.owner(id_property, key)
    return records.records.get(owner) if owner is not None else None


def requested_properties(values: list[str] | None) -> list[str] | None:
    """`properties` query values (repeated or comma-separated); None when absent."""
    if not values:
        return None
    return [name for value in values for name in value.split(",") if name]
