"""Custom event occurrences: definitions cached per name, values coerced by the definition's
property types, a deterministic uuid per (message, mapping) so HubSpot drops a replay."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from stream.actions.base import ActionContext
from stream.actions.cache import EventDefinition, PropertyType
from stream.actions.shared.property_schema import Coerced, coerce_item
from stream.errors import Reason, RejectedError
from stream.hubspot.batch import ItemError, call, item_error

_NAMESPACE = uuid.UUID("6f1f3f8e-4a43-4bb5-9c36-2b1f1a0c9d11")
_PREFIX = re.compile(r"^pe\d+_")


def occurrence_uuid(message_id: str, mapping_id: str) -> str:
    """The same (message id, mapping) always gives the same uuid, so HubSpot drops a replay."""
    return str(uuid.uuid5(_NAMESPACE, f"{message_id}\x1f{mapping_id}"))


def occurrence(
    name: str, message_id: str, mapping_id: str, properties: Mapping[str, Any],
    **identity: Any,
) -> dict[str, Any]:
    """One `send` input: name, properties, the deterministic uuid, and the identity and
    occurredAt values that are set."""
    body = {"eventName": name, "properties": properties,
            "uuid": occurrence_uuid(message_id, mapping_id)}
    body.update((key, value) for key, value in identity.items() if value is not None)
    return body


def without_blank_typed(
    item: Mapping[str, Any], types: Mapping[str, PropertyType]
) -> dict[str, Any]:
    """The event's properties minus blank values ("" or spaces) of number, date, datetime and
    bool (or true/false enumeration) properties: HubSpot rejects the whole occurrence for those
    (INVALID_LONG " was not a valid long."), and a blank means "no value", so the event goes
    out without them."""
    return {name: value for name, value in item.items()
            if not (_blank(value) and name in types and _typed(types[name]))}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _typed(prop: PropertyType) -> bool:
    yes_no = prop.type == "enumeration" and set(prop.options) == {"true", "false"}
    return prop.type in ("number", "date", "datetime", "bool") or yes_no or \
        prop.field_type == "booleancheckbox"


def short_name(name: str) -> str:
    """`pe123_signed_up` -> `signed_up` (the definitions API takes the internal name)."""
    return _PREFIX.sub("", name)


async def event_definition(
    ctx: ActionContext, name: str, *, refresh: bool = False
) -> EventDefinition | None:
    """The definition of event `name` (cached with TTL), or None when HubSpot has none."""
    cache = ctx.caches.event_definitions
    if refresh:
        cache.drop(name)
    cached = cache.get(name)
    if cached is not None:
        return cached
    answer = await call(ctx.client, "GET", f"/events/v3/event-definitions/{name}",
                        params={"includeProperties": "true"})
    if answer.status in (400, 404) or (answer.ok and answer.body.get("archived")):
        return None
    if not answer.ok:
        error = item_error(answer.status, answer.body)
        raise RejectedError(error.reason, f"Cannot read event definition {name}: "
                            f"{error.message}")
    definition = parse_definition(answer.body)
    cache.put(name, definition)
    return definition


def parse_definition(body: Mapping[str, Any]) -> EventDefinition:
    """An EventDefinition from the definitions API's JSON."""
    properties = {str(p["name"]): PropertyType.from_hubspot(p)
                  for p in body.get("properties") or [] if isinstance(p, Mapping)}
    return EventDefinition(str(body.get("fullyQualifiedName") or body.get("name")), properties)


async def coerce_for_event(
    ctx: ActionContext, name: str, items: Sequence[Mapping[str, Any]]
) -> tuple[EventDefinition | None, list[Coerced]]:
    """The definition and each item's properties coerced by it; a property the cached
    definition lacks refreshes it once before the item is rejected."""
    definition = await event_definition(ctx, name)
    if definition is not None and any(k not in definition.properties for i in items for k in i):
        definition = await event_definition(ctx, name, refresh=True)
    if definition is None:
        return None, []
    label = f"event {definition.fully_qualified_name}"
    return definition, [coerce_item(label, without_blank_typed(item, definition.properties),
                                    definition.properties) for item in items]


def unknown_event(name: str) -> ItemError:
    """The rejection for an event HubSpot has no (live) definition of."""
    return ItemError(Reason.NOT_FOUND, f"Custom event {name} is not defined in HubSpot (or is "
                     "archived); define it there first")
