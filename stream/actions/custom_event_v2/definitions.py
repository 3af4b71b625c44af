"""Custom Event V2 schema work: create missing event definitions and properties as the sync
mode allows (ACTIONS.md Part B 6.9), keeping the cached definition in step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from stream.actions.base import ActionContext
from stream.actions.cache import EventDefinition, PropertyType
from stream.actions.shared.coercion import temporal_kind
from stream.actions.shared.event_occurrences import event_definition, parse_definition
from stream.errors import Reason
from stream.hubspot.batch import ItemError, call, item_error

DEFINITIONS = "/events/v3/event-definitions"
_PRIMARY = {"contacts": "CONTACT", "companies": "COMPANY", "deals": "DEAL", "tickets": "TICKET"}
_BOOLEAN_OPTIONS = [
    {"label": "true", "value": "true", "hidden": False, "description": "True", "displayOrder": 1},
    {"label": "false", "value": "false", "hidden": False, "description": "False",
     "displayOrder": 2},
]
SCHEMA_MISSING = ("The 'Sync Mode' setting is set to 'update' which is stopping hubspot-stream "
                  "from creating a new Custom Event Schema in HubSpot")
PROPERTIES_MISSING = ("The 'Sync Mode' setting is set to 'add' which is stopping hubspot-stream "
                      "from creating new properties on the Event Schema in HubSpot")


def property_definition(name: str, value: Any) -> dict[str, Any]:
    """The definition of a new event property, typed from a sample value."""
    body: dict[str, Any] = {"name": name, "label": name,
                            "description": f"{name} - (created by hubspot-stream)"}
    if isinstance(value, bool):
        return {**body, "type": "enumeration", "options": _BOOLEAN_OPTIONS}
    if isinstance(value, int | float):
        return {**body, "type": "number"}
    if temporal_kind(value):
        return {**body, "type": "datetime"}
    return {**body, "type": "string"}


async def ensure_definition(
    ctx: ActionContext, name: str, object_type: str, mode: str,
    samples: Sequence[Mapping[str, Any]],
) -> EventDefinition | ItemError:
    """The definition of `name` holding every property in `samples`, created as `mode` allows;
    else the error that rejects these events."""
    definition = await event_definition(ctx, name)
    if definition is None:
        if mode == "update":
            return ItemError(Reason.NOT_FOUND, SCHEMA_MISSING, category="HUBSPOT_SCHEMA_MISSING")
        created = await _create_definition(ctx, name, object_type, samples)
        if isinstance(created, ItemError):
            return created
        definition = created
    missing = _missing(definition, samples)
    if missing:
        definition = await event_definition(ctx, name, refresh=True) or definition
        missing = _missing(definition, samples)
    if not missing:
        return definition
    if mode == "add":
        return ItemError(Reason.VALIDATION, PROPERTIES_MISSING,
                         category="HUBSPOT_SCHEMA_PROPERTIES_MISSING")
    return await _add_properties(ctx, name, definition, missing)


def _missing(definition: EventDefinition, samples: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for sample in samples:
        for key, value in sample.items():
            if key not in definition.properties and key not in found and value is not None:
                found[key] = value
    return found


async def _create_definition(
    ctx: ActionContext, name: str, object_type: str, samples: Sequence[Mapping[str, Any]]
) -> EventDefinition | ItemError:
    merged: dict[str, Any] = {}
    for sample in samples:
        merged.update({k: v for k, v in sample.items() if k not in merged})
    properties = [property_definition(k, v) for k, v in merged.items()]
    body = {"label": name, "name": name, "description": f"{name} - (created by hubspot-stream)",
            "primaryObject": _PRIMARY.get(object_type, object_type),
            "propertyDefinitions": properties}
    answer = await call(ctx.client, "POST", DEFINITIONS, body)
    if answer.status == 409:  # created meanwhile by another worker: read it
        return await event_definition(ctx, name, refresh=True) or item_error(409, answer.body)
    if not answer.ok:
        return item_error(answer.status, answer.body)
    definition = parse_definition(answer.body)
    typed = {str(p["name"]): PropertyType.from_hubspot(p) for p in properties}
    definition = replace(definition, properties={**typed, **definition.properties})
    ctx.caches.event_definitions.put(name, definition)
    return definition


async def _add_properties(
    ctx: ActionContext, name: str, definition: EventDefinition, missing: Mapping[str, Any]
) -> EventDefinition | ItemError:
    added: dict[str, PropertyType] = {}
    for key, value in missing.items():
        body = property_definition(key, value)
        answer = await call(ctx.client, "POST", f"{DEFINITIONS}/{name}/property", body)
        if not answer.ok and answer.status != 409:
            return item_error(answer.status, answer.body)
        added[key] = PropertyType.from_hubspot(body)
    definition = replace(definition, properties={**definition.properties, **added})
    ctx.caches.event_definitions.put(name, definition)
    return definition
