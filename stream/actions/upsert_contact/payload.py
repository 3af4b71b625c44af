"""upsert_contact payloads: the lower-cased email, the lifecycle stage, other properties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stream.actions.base import Payload
from stream.actions.shared.values import email, flatten_properties, text, texts

_STANDARD = ("company", "firstname", "lastname", "phone", "address", "city", "state",
             "country", "zip", "website")


@dataclass(kw_only=True)
class ContactPayload(Payload):
    """A contact write: lower-cased email, desired lifecycle stage, other properties."""

    email: str
    properties: Mapping[str, Any]
    lifecyclestage: str | None = None


def build_contact(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> ContactPayload:
    """Validate an upsert_contact mapping (ACTIONS.md Part B 1.2)."""
    address = email(rendered, "email", required=True)
    assert address is not None
    properties: dict[str, Any] = texts(rendered, _STANDARD)
    properties.update(flatten_properties(rendered.get("properties")))
    stage = text(rendered, "lifecyclestage")
    if isinstance(properties.get("lifecyclestage"), str):
        stage = properties.pop("lifecyclestage")
    return ContactPayload(
        message_id=message_id,
        mapping_id=mapping_id,
        email=address,
        properties=properties,
        lifecyclestage=stage.lower().strip() if stage else None,
    )
