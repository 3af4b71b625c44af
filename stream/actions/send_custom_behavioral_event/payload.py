"""send_custom_behavioral_event payloads: the normalised event name, at least one identity,
≤ 50 properties."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stream.actions.base import Payload, invalid
from stream.actions.shared.values import email, flatten_properties, moment, text

MAX_EVENT_PROPERTIES = 50
_SEPARATORS = re.compile(r"[\s.]+")


@dataclass(kw_only=True)
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
