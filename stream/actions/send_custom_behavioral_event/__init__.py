"""Send HubSpot custom behavioral events from track events, ≤ 500 per batch call, idempotently."""

from __future__ import annotations

from stream.actions.base import Action, BatchLimits
from stream.actions.send_custom_behavioral_event.payload import build_behavioral_event
from stream.actions.send_custom_behavioral_event.perform import send_behavioral_events
from stream.actions.shared.defaults import at, first_of
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
SEND_CUSTOM_BEHAVIORAL_EVENT = Action(
    name="send_custom_behavioral_event",
    fields=BEHAVIORAL_EVENT_FIELDS,
    batch=BatchLimits(max_items=500),
    build_payload=build_behavioral_event,
    perform_batch=send_behavioral_events,
)
