"""Custom Object V2 properties: known ones read from the cache, missing ones created (with the
record's property group) and typed from the value, as Segment infers them (Part B 5.3.4-6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stream.actions.base import ActionContext
from stream.actions.cache import PropertyType
from stream.actions.custom_object_v2.payload import ObjectPayload
from stream.actions.shared.coercion import temporal_kind
from stream.actions.shared.property_schema import property_types
from stream.errors import Reason
from stream.hubspot.batch import ItemError, call, item_error

NO_GROUP = ('"Property Group" is a required field when creating properties on an Object Schema '
            "in Hubspot")


def inferred_definition(name: str, value: Any, group: str, sensitive: bool) -> dict[str, Any]:
    """A property definition typed from a cleaned value."""
    body: dict[str, Any] = {"name": name, "label": name, "groupName": group}
    if sensitive:
        body["dataSensitivity"] = "sensitive"
    if isinstance(value, bool):
        return {**body, "type": "enumeration", "fieldType": "booleancheckbox", "options": [
            {"label": "true", "value": "true", "description": "True", "displayOrder": 1},
            {"label": "false", "value": "false", "description": "False", "displayOrder": 2}]}
    if isinstance(value, int | float):
        return {**body, "type": "number", "fieldType": "number"}
    kind = temporal_kind(value)
    if kind is not None:
        return {**body, "type": kind, "fieldType": "date"}
    return {**body, "type": "string", "fieldType": "text"}


async def object_property_types(
    ctx: ActionContext, object_type: str, records: Sequence[ObjectPayload]
) -> tuple[dict[str, PropertyType], dict[int, ItemError]]:
    """Property types covering every record's properties (creating missing ones), and the
    errors of records whose properties cannot be created, by position."""
    types = await _all_types(ctx, object_type, records, refresh=False)
    if _missing(types, records):
        types = await _all_types(ctx, object_type, records, refresh=True)
    definitions: dict[str, dict[str, Any]] = {}
    errors: dict[int, ItemError] = {}
    for position, record in enumerate(records):
        needed = _needed(types, record)
        if needed and not record.property_group:
            errors[position] = ItemError(Reason.VALIDATION, NO_GROUP)
            continue
        for name, (value, sensitive) in needed.items():
            definitions.setdefault(name, inferred_definition(
                name, value, str(record.property_group), sensitive))
    if definitions:
        problem = await _create(ctx, object_type, list(definitions.values()))
        if problem is not None:
            errors.update({p: problem for p, r in enumerate(records)
                           if p not in errors and _needed(types, r)})
        else:
            types = {**types, **_remember(ctx, object_type, definitions)}
    return types, errors


def _remember(ctx: ActionContext, object_type: str,
              definitions: Mapping[str, Mapping[str, Any]]) -> dict[str, PropertyType]:
    """Add the created properties to the cached types, so the next batch reads nothing."""
    created = {name: PropertyType.from_hubspot(d) for name, d in definitions.items()}
    for key, sensitive in ((object_type, False), (f"{object_type}#sensitive", True)):
        cached = ctx.caches.properties.get(key)
        if cached is not None:
            ctx.caches.properties.put(key, {**cached, **{
                n: t for n, t in created.items()
                if (definitions[n].get("dataSensitivity") == "sensitive") == sensitive}})
    return created


async def _all_types(
    ctx: ActionContext, object_type: str, records: Sequence[ObjectPayload], *, refresh: bool
) -> dict[str, PropertyType]:
    types = dict(await property_types(ctx, object_type, refresh=refresh))
    if any(r.sensitive_properties for r in records):
        types.update(await property_types(ctx, object_type, refresh=refresh, sensitive=True))
    return types


def _needed(types: Mapping[str, PropertyType], record: ObjectPayload) -> dict[str, Any]:
    wanted = {**{k: (v, False) for k, v in record.properties.items()},
              **{k: (v, True) for k, v in record.sensitive_properties.items()}}
    return {name: entry for name, entry in wanted.items() if name not in types}


def _missing(types: Mapping[str, PropertyType], records: Sequence[ObjectPayload]) -> bool:
    return any(_needed(types, record) for record in records)


async def _create(
    ctx: ActionContext, object_type: str, definitions: list[dict[str, Any]]
) -> ItemError | None:
    answer = await call(ctx.client, "POST", f"/crm/v3/properties/{object_type}/batch/create",
                        {"inputs": definitions})
    if answer.status == 409:  # another worker created some meanwhile: read them next time
        ctx.caches.properties.drop(object_type)
        ctx.caches.properties.drop(f"{object_type}#sensitive")
    return None if answer.ok or answer.status == 409 else item_error(answer.status, answer.body)
