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
    ItemResult,
    Payload,
    invalid,
)
from stream.actions.defaults import at, first_of
from stream.actions.values import email, flatten_properties, text
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
    if not _PREFIX.match(name):
        raise invalid("EventName should begin with pe<hubId>_")
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
        occurred_at=text(rendered, "occurredAt"), email=address, utk=utk, object_id=object_id,
        properties=properties,
    )


async def send_behavioral_events(
    ctx: ActionContext, payloads: Sequence[Payload]
) -> list[ItemResult]:
    """One result per payload, in input order."""
    raise NotImplementedError


SEND_CUSTOM_BEHAVIORAL_EVENT = Action(
    name="send_custom_behavioral_event",
    fields=BEHAVIORAL_EVENT_FIELDS,
    default_trigger='type = "track"',
    batch=BatchLimits(max_items=500),
    build_payload=build_behavioral_event,
    perform_batch=send_behavioral_events,
)
