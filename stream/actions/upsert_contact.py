"""Upsert HubSpot contacts by email from identify events, ≤ 100 per batch/upsert call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stream.actions.base import (
    Action,
    ActionContext,
    BatchLimits,
    ItemResult,
    Payload,
)
from stream.actions.defaults import at, first_of
from stream.actions.values import email, flatten_properties, text, texts
from stream.mappings.fields import FieldSpec

CONTACT_FIELDS = (
    FieldSpec("email", "Email", "email", required=True, default=at("$.traits.email"),
              description="The contact's email: the id contacts are upserted by."),
    FieldSpec("company", "Company Name", "string", default=at("$.traits.company")),
    FieldSpec("firstname", "First Name", "string",
              default=first_of("$.traits.first_name", "$.traits.firstName")),
    FieldSpec("lastname", "Last Name", "string",
              default=first_of("$.traits.last_name", "$.traits.lastName")),
    FieldSpec("phone", "Phone", "string", default=at("$.traits.phone")),
    FieldSpec("address", "Street Address", "string", default=at("$.traits.address.street")),
    FieldSpec("city", "City", "string", default=at("$.traits.address.city")),
    FieldSpec("state", "State", "string", default=at("$.traits.address.state")),
    FieldSpec("country", "Country", "string", default=at("$.traits.address.country")),
    FieldSpec("zip", "Postal Code", "string",
              default=first_of("$.traits.address.postalCode", "$.traits.address.postal_code")),
    FieldSpec("website", "Website", "string", default=at("$.traits.website")),
    FieldSpec("lifecyclestage", "Lifecycle Stage", "string",
              description="Backward moves are applied with a clear then a set."),
    FieldSpec("properties", "Other properties", "object",
              description="HubSpot internal property names on the left."),
    FieldSpec("enable_batching", "Batch Data to HubSpot", "boolean", default=False,
              description="Accepted for compatibility; contacts are always batched."),
)
_STANDARD = ("company", "firstname", "lastname", "phone", "address", "city", "state",
             "country", "zip", "website")


@dataclass(frozen=True, kw_only=True)
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


async def upsert_contacts(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """One result per payload, in input order."""
    raise NotImplementedError


UPSERT_CONTACT = Action(
    name="upsert_contact",
    fields=CONTACT_FIELDS,
    default_trigger='type = "identify"',
    batch=BatchLimits(max_items=100),
    build_payload=build_contact,
    perform_batch=upsert_contacts,
)
