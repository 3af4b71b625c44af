"""Send HubSpot custom behavioral events from track events, ≤ 500 per batch call, idempotently."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from stream.actions.event_sends import (
    coerce_for_event,
    occurrence,
    send_occurrences,
    short_name,
    unknown_event,
)
from stream.actions.values import email, flatten_properties, moment, text
from stream.errors import Reason
from stream.mappings.fields import FieldSpec

BEHAVIORAL_EVENT_FIELDS = (
    FieldSpec("eventName", "Event Name", "string", required=True,
              description="Internal name of the event: pe<HubID>_<name>."),
    FieldSpec("occurredAt", "Event Timestamp", "datetime", default=at("$.timestamp")),
    FieldSpec("email", "Email Address", "email",
              default=first_of("$.properties.email", "$.context.traits.email")),
    FieldSpec("utk", "User Token", "string", description="The hubspotutk cookie."),
    FieldSpec("objectId", "Object ID", "string", description="HubSpot record id."),
    FieldSpec("properties", "Event Properties", "object",
              description="At most 50 properties (HubSpot's limit)."),
)
MAX_EVENT_PROPERTIES = 50
_SEPARATORS = re.compile(r"[\s.]+")
_PREFIX = re.compile(r"^pe\d+_")
EVENTS = "events"


@dataclass(frozen=True, kw_only=True)
class BehavioralEventPayload(Payload):
    """One event occurrence; at least one of email, utk, object_id is set."""

    event_name: str
    occurred_at: str | None = None
    email: str | None = None
    utk: str | None = None
    object_id: str | None = None
    properties: Mapping[str, Any]


def normalise_event_name(name: str) -> str:
    """Runs of whitespace or dots become `_`, then lower-case (Segment's transform)."""
    return _SEPARATORS.sub("_", name.strip()).lower()


def build_behavioral_event(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> BehavioralEventPayload:
    """Validate a send_custom_behavioral_event mapping (ACTIONS.md Part B 3)."""
    raw_name = text(rendered, "eventName", required=True)
    assert raw_name is not None
    name = normalise_event_name(raw_name)
    address, utk, object_id = email(rendered, "email"), text(rendered, "utk"), text(
        rendered, "objectId")
    if not (address or utk or object_id):
        raise invalid("One of the following parameters: email, user token, or objectId is "
                      "required")
    properties = flatten_properties(rendered.get("properties"))
    if len(properties) > MAX_EVENT_PROPERTIES:
        raise invalid(f"An event carries at most {MAX_EVENT_PROPERTIES} properties in HubSpot; "
                      f"this one has {len(properties)}")
    return BehavioralEventPayload(
        message_id=message_id, mapping_id=mapping_id, event_name=name,
        occurred_at=moment(rendered, "occurredAt"), email=address, utk=utk, object_id=object_id,
        properties=properties,
    )


def prefix_problem(name: str, portal_id: str | None) -> str | None:
    """Why `name` is not an event of this portal (Segment's message, with the portal's own
    prefix `pe22596207_` when the hub id is configured), or None."""
    if portal_id:
        prefix = f"pe{portal_id}_"
        return None if name.startswith(prefix) else f"EventName should begin with {prefix}"
    if _PREFIX.match(name):
        return None
    return ("EventName should begin with pe<hubId>_ (set hubspot.hub_id in the destination "
            "config to check against the portal's own prefix)")


@batch_performer
async def send_behavioral_events(
    ctx: ActionContext, payloads: Sequence[Payload]
) -> list[ItemResult]:
    """Check names against the portal, coerce by each event's definition (cached), send in
    batches of ≤ 500 with a deterministic uuid. One result per payload, in input order."""
    events = narrow(payloads, BehavioralEventPayload)
    results: list[ItemResult | None] = [None] * len(events)
    by_name: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        problem = prefix_problem(event.event_name, ctx.settings.portal_id)
        if problem:
            results[index] = rejected(Reason.INVALID_PAYLOAD, problem)
        else:
            by_name.setdefault(event.event_name, []).append(index)
    sends: list[tuple[int, dict[str, Any]]] = []
    for name, indices in by_name.items():
        definition, coerced = await coerce_for_event(
            ctx, short_name(name), [events[i].properties for i in indices])
        for position, index in enumerate(indices):
            outcome = coerced[position] if definition else unknown_event(name)
            if isinstance(outcome, ItemError):
                results[index] = refused(EVENTS, outcome)
            else:
                event = events[index]
                sends.append((index, occurrence(
                    name, event.message_id, event.mapping_id, outcome,
                    occurredAt=event.occurred_at, email=event.email, utk=event.utk,
                    objectId=event.object_id)))
    errors = await send_occurrences(ctx, [body for _, body in sends])
    for (index, body), error in zip(sends, errors, strict=True):
        if error is not None and "does not exist" in error.message:
            ctx.caches.event_definitions.drop(short_name(events[index].event_name))
        results[index] = refused(EVENTS, error) if error else \
            ItemResult("delivered", EVENTS, body["uuid"])
    return [r or rejected(Reason.INTERNAL, "no outcome") for r in results]


SEND_CUSTOM_BEHAVIORAL_EVENT = Action(
    name="send_custom_behavioral_event",
    fields=BEHAVIORAL_EVENT_FIELDS,
    batch=BatchLimits(max_items=500),
    build_payload=build_behavioral_event,
    perform_batch=send_behavioral_events,
)
