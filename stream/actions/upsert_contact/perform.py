"""Contact writes: merged per email, coerced by property type, batch/upsert by email, then
409 "Existing ID" conflicts recovered and backward lifecycle moves fixed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stream.actions.base import (
    ActionContext,
    ItemResult,
    Payload,
    batch_performer,
    delivered,
    narrow,
    refused,
    rejected,
)
from stream.actions.cache import PropertyTypes
from stream.actions.shared.property_schema import (
    coerce_all,
    coerce_item,
    names_not_found,
    property_types,
)
from stream.actions.upsert_contact.payload import ContactPayload
from stream.actions.upsert_contact.recovery import (
    CONTACTS,
    LIFECYCLE,
    MergedContact,
    existing_id,
    fix_lifecycle,
    recover_conflicts,
)
from stream.errors import Reason
from stream.hubspot.batch import ItemError, write_batch


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
    outcomes = await write_batch(ctx.client, f"{CONTACTS}/batch/upsert", inputs)
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
