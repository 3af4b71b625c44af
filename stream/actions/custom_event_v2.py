"""Custom Event V2: send custom events, creating definitions and properties as sync mode allows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from stream.actions.base import (
    Action,
    ActionContext,
    BatchLimits,
    ItemError,
    ItemResult,
    Payload,
    batch_performer,
    invalid,
    narrow,
    refused,
    rejected,
)
from stream.actions.defaults import at, first_of
from stream.actions.event_definitions import ensure_definition
from stream.actions.event_sends import occurrence, send_occurrences, without_blank_typed
from stream.actions.object_payload import SYNC_MODE_FIELD
from stream.actions.object_types import object_path
from stream.actions.property_schema import coerce_item
from stream.actions.values import mapping, moment, text
from stream.errors import Reason
from stream.mappings.fields import FieldSpec
from stream.mappings.payload import as_integer

CUSTOM_EVENT_V2_FIELDS = (
    FieldSpec("event_name", "Event Name", "string", required=True),
    FieldSpec("record_details", "Associated Record Details", "object", required=True, properties=(
        FieldSpec("object_type", "Object Type", "string", required=True),
        FieldSpec("object_id", "Object ID", "number"),
        FieldSpec("email", "Email Address", "email",
                  default=first_of("$.properties.email", "$.context.traits.email")),
        FieldSpec("utk", "User Token", "string"),
    )),
    FieldSpec("properties", "Properties", "object"),
    FieldSpec("occurred_at", "Timestamp", "datetime", default=at("$.timestamp")),
    FieldSpec(SYNC_MODE_FIELD, "Sync Mode", "string", default="update",
              choices=("upsert", "update", "add")),
)
_NON_NAME = re.compile(r"[^a-z0-9_-]")
_KEY = re.compile(r"[^a-z0-9_]")
EVENTS = "events"
_NUMERIC = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True, kw_only=True)
class CustomEventPayload(Payload):
    """One custom event occurrence against a record."""

    event_name: str
    object_type: str
    object_id: int | None = None
    email: str | None = None
    utk: str | None = None
    properties: Mapping[str, Any]
    occurred_at: str | None = None
    sync_mode: Literal["upsert", "update", "add"] = "update"


def normalise_event_name(name: str) -> str:
    """Lower-case, characters outside [a-z0-9_-] as `_` (`Custom Event 1` -> `custom_event_1`)."""
    return _NON_NAME.sub("_", name.strip().lower())


def clean_event_value(value: Any) -> Any:
    """Part B 6.3: booleans kept, "true"/"false" to booleans, numeric strings to numbers except
    `+…` (phone numbers) and blanks (kept as strings), objects as JSON, others trimmed."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    trimmed = str(value).strip()
    if trimmed.lower() in ("true", "false"):
        return trimmed.lower() == "true"
    if trimmed and not trimmed.startswith("+") and _NUMERIC.match(trimmed):
        number = float(trimmed)
        whole = as_integer(number)
        return number if whole is None else whole
    return trimmed


def build_custom_event(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> CustomEventPayload:
    """Validate a custom_event_v2 mapping (ACTIONS.md Part B 6.1-6.3)."""
    name = text(rendered, "event_name", required=True)
    details = mapping(rendered, "record_details")
    object_type = text(details, "object_type", required=True)
    assert name is not None and object_type is not None
    path = object_path(object_type)
    object_id = _numeric_id(details.get("object_id"))
    contact = path == "contacts"
    email, utk = (text(details, "email"), text(details, "utk")) if contact else (None, None)
    if not contact and object_id is None:
        raise invalid("object_id is required and must be numeric")
    if contact and object_id is None and not (email or utk):
        raise invalid("Contact requires at least one of object_id (as number), email or utk to "
                      "be provided")
    properties = {_KEY.sub("_", str(k).lower()): clean_event_value(v)
                  for k, v in mapping(rendered, "properties").items() if v is not None}
    mode = text(rendered, SYNC_MODE_FIELD) or "update"
    if mode not in ("upsert", "update", "add"):
        raise invalid(f"'{SYNC_MODE_FIELD}' must be one of upsert, update, add; got {mode!r}")
    return CustomEventPayload(
        message_id=message_id, mapping_id=mapping_id, event_name=normalise_event_name(name),
        object_type=path, object_id=object_id, email=email.lower() if email else None, utk=utk,
        properties=properties, occurred_at=moment(rendered, "occurred_at"),
        sync_mode=mode,  # type: ignore[arg-type]
    )


def _numeric_id(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return as_integer(float(value))
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
        return int(value)
    return None


@batch_performer
async def send_custom_events(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """Ensure definitions and properties per event name as sync mode allows, coerce values by
    the definition, send ≤ 500 per call. One result per payload, in input order."""
    events = narrow(payloads, CustomEventPayload)
    results: list[ItemResult | None] = [None] * len(events)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, event in enumerate(events):
        groups.setdefault((event.event_name, event.sync_mode), []).append(index)
    sends: list[tuple[int, dict[str, Any]]] = []
    for (name, mode), indices in groups.items():
        samples = [events[i].properties for i in indices]
        definition = await ensure_definition(ctx, name, events[indices[0]].object_type, mode,
                                             samples)
        if isinstance(definition, ItemError):
            for index in indices:
                results[index] = refused(EVENTS, definition)
            continue
        label = f"event {definition.fully_qualified_name}"
        for index in indices:
            coerced = coerce_item(label, without_blank_typed(events[index].properties,
                                                             definition.properties),
                                  definition.properties)
            if isinstance(coerced, ItemError):
                results[index] = refused(EVENTS, coerced)
            else:
                event = events[index]
                sends.append((index, occurrence(
                    definition.fully_qualified_name, event.message_id, event.mapping_id,
                    coerced, objectId=event.object_id, email=event.email, utk=event.utk,
                    occurredAt=event.occurred_at)))
    errors = await send_occurrences(ctx, [body for _, body in sends])
    for (index, body), error in zip(sends, errors, strict=True):
        if error is not None and "does not exist" in error.message:
            ctx.caches.event_definitions.drop(events[index].event_name)  # stale definition
        results[index] = refused(EVENTS, error) if error else \
            ItemResult("delivered", EVENTS, body["uuid"])
    return [r or rejected(Reason.INTERNAL, "no outcome") for r in results]


CUSTOM_EVENT_V2 = Action(
    name="custom_event_v2",
    fields=CUSTOM_EVENT_V2_FIELDS,
    batch=BatchLimits(max_items=500),
    build_payload=build_custom_event,
    perform_batch=send_custom_events,
)
