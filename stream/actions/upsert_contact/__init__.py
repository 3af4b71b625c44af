"""Upsert HubSpot contacts by email from identify events, ≤ 100 per batch/upsert call."""

from __future__ import annotations

from stream.actions.base import Action, BatchLimits
from stream.actions.shared.defaults import at, first_of
from stream.actions.upsert_contact.payload import build_contact
from stream.actions.upsert_contact.perform import upsert_contacts
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
UPSERT_CONTACT = Action(
    name="upsert_contact",
    fields=CONTACT_FIELDS,
    batch=BatchLimits(max_items=100),
    build_payload=build_contact,
    perform_batch=upsert_contacts,
)
