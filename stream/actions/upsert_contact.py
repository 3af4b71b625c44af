"""Upsert HubSpot contacts by email from identify events, ≤ 100 per batch/upsert call."""

from __future__ import annotations

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
    delivered,
    narrow,
    refused,
    rejected,
)
from stream.actions.cache import PropertyTypes
from stream.actions.calls import write_batch
from stream.actions.contact_recovery import (
    CONTACTS,
    LIFECYCLE,
    MergedContact,
    existing_id,
    fix_lifecycle,
    recover_conflicts,
)
from stream.actions.defaults import at, first_of
from stream.actions.property_schema import (
    coerce_all,
    coerce_item,
    names_not_found,
    property_types,
)
from stream.actions.values import email, flatten_properties, text, texts
from stream.errors import Reason
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


@batch_performer
async def upsert_contacts(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """Merge per email, coerce by property type, batch/upsert by email (≤ 100 per call), then
    recover 409 "Existing ID" and fix backward lifecycle moves. One result per payload."""
    contacts = narrow(payloads, ContactPayload)
    results: list[ItemResult | None] = [None] * len(contacts)
    merged = await _coerce_and_merge(ctx, contacts, results)
    for start in range(0, len(merged), 100):
        stale = await _upsert_chunk(ctx, merged[start:start + 100], results)
        if stale:  # HubSpot lacks a property the cache knew: refresh once, recheck, retry
            types = await property_types(ctx, "contacts", refresh=True)
            retry = [c for c in stale if _still_valid(c, types, results)]
            await _upsert_chunk(ctx, retry, results, retried=True)
    return [r or rejected(Reason.INTERNAL, "no outcome") for r in results]


async def _coerce_and_merge(
    ctx: ActionContext, contacts: list[ContactPayload], results: list[ItemResult | None]
) -> list[MergedContact]:
    items = [_with_stage(c) for c in contacts]
    merged: dict[str, MergedContact] = {}
    for index, coerced in enumerate(await coerce_all(ctx, "contacts", items)):
        if isinstance(coerced, ItemError):
            results[index] = refused("contacts", coerced)
            continue
        email = contacts[index].email
        entry = merged.setdefault(email, MergedContact(email, {}, []))
        stage = coerced.pop(LIFECYCLE, None)
        entry.properties.update(coerced)  # last write wins per property
        entry.stage = stage or entry.stage
        entry.indices.append(index)
    return list(merged.values())


def _with_stage(contact: ContactPayload) -> dict[str, Any]:
    item = dict(contact.properties)
    if contact.lifecyclestage:
        item[LIFECYCLE] = contact.lifecyclestage
    return item


def _still_valid(
    contact: MergedContact, types: PropertyTypes, results: list[ItemResult | None]
) -> bool:
    checked = coerce_item("contacts", contact.properties, types)
    if isinstance(checked, ItemError):
        _settle(results, contact, refused("contacts", checked))
        return False
    return True


async def _upsert_chunk(
    ctx: ActionContext, chunk: list[MergedContact], results: list[ItemResult | None],
    *, retried: bool = False,
) -> list[MergedContact]:
    """Write one chunk; returns the contacts to retry after a property-not-found answer."""
    if not chunk:
        return []
    inputs = [{"id": c.email, "idProperty": "email",
               "properties": _upsert_properties(c)} for c in chunk]
    outcomes = await write_batch(ctx, f"{CONTACTS}/batch/upsert", inputs)
    written: list[tuple[MergedContact, Mapping[str, Any]]] = []
    conflicts: list[tuple[MergedContact, str]] = []
    stale: list[MergedContact] = []
    for contact, outcome in zip(chunk, outcomes, strict=True):
        existing = existing_id(outcome.error)
        if names_not_found(outcome.error) and not retried:
            stale.append(contact)
        elif outcome.result is not None:
            written.append((contact, outcome.result))
        elif existing is not None:
            conflicts.append((contact, existing))
        else:
            _settle(results, contact, refused("contacts", outcome.error))
    written += await recover_conflicts(ctx, conflicts, results)
    stage_errors = await fix_lifecycle(ctx, written)
    for contact, result in written:
        contact_id = str(result["id"])
        if contact_id in stage_errors:
            _settle(results, contact, refused("contacts", stage_errors[contact_id], contact_id))
            continue
        ctx.caches.contact_ids.put(contact.email, contact_id)
        first, *later = contact.indices
        results[first] = delivered("contacts", contact_id, bool(result.get("new", False)))
        for index in later:
            results[index] = delivered("contacts", contact_id, False)
    return stale


def _upsert_properties(contact: MergedContact) -> dict[str, str]:
    # No `email` here: upsert by email sets it on create, and leaves the primary email of a
    # contact matched through a secondary email alone.
    properties = {k: v for k, v in contact.properties.items() if k != "email"}
    if contact.stage:
        properties[LIFECYCLE] = contact.stage
    return properties


def _settle(results: list[ItemResult | None], contact: MergedContact, result: ItemResult) -> None:
    for index in contact.indices:
        results[index] = result


UPSERT_CONTACT = Action(
    name="upsert_contact",
    fields=CONTACT_FIELDS,
    batch=BatchLimits(max_items=100),
    build_payload=build_contact,
    perform_batch=upsert_contacts,
)
