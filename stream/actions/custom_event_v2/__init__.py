"""Custom Event V2: send custom events, creating definitions and properties as sync mode allows."""

from __future__ import annotations

from stream.actions.base import Action, BatchLimits
from stream.actions.custom_event_v2.payload import build_custom_event
from stream.actions.custom_event_v2.perform import send_custom_events
from stream.actions.shared.defaults import at, first_of
from stream.actions.shared.sync_mode import SYNC_MODE_FIELD
from stream.mappings.fields import FieldSpec

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
CUSTOM_EVENT_V2 = Action(
    name="custom_event_v2",
    fields=CUSTOM_EVENT_V2_FIELDS,
    batch=BatchLimits(max_items=500),
    build_payload=build_custom_event,
    perform_batch=send_custom_events,
)
