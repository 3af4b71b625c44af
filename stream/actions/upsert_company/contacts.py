"""The HubSpot contact each company payload associates with: given by the user lane, known
from an earlier contact write, or upserted now by the event's email."""

from __future__ import annotations

from stream.actions.base import ActionContext, ItemResult, rejected
from stream.actions.upsert_company.payload import CompanyPayload
from stream.actions.upsert_contact.payload import ContactPayload
from stream.actions.upsert_contact.perform import upsert_contacts
from stream.errors import Reason

CONTACT_UNKNOWN = (
    "The contact to associate is unknown: run Upsert Contact for this user first (identify), or "
    "carry the user's email in context.traits.email, or set associateContact to false")


async def resolve_contacts(
    ctx: ActionContext, companies: list[CompanyPayload], results: list[ItemResult | None]
) -> dict[int, str]:
    """Contact id by payload index for payloads that associate; payloads whose contact cannot
    be found are rejected in `results` before any company write."""
    found: dict[int, str] = {}
    to_upsert: dict[int, ContactPayload] = {}
    for index, company in enumerate(companies):
        if not company.associate_contact:
            continue
        email = company.contact_email
        known = company.contact_id or (ctx.caches.contact_ids.get(email) if email else None)
        if known:
            found[index] = known
        elif email:
            to_upsert[index] = ContactPayload(message_id=company.message_id,
                                              mapping_id=company.mapping_id, email=email,
                                              properties={})
        elif company.contact_failure:
            results[index] = rejected(
                Reason.DEPENDENCY_FAILED, "The contact to associate was not written: the "
                f"user's contact write failed ({company.contact_failure})")
        else:
            results[index] = rejected(Reason.CONTACT_UNKNOWN, CONTACT_UNKNOWN)
    if to_upsert:
        outcomes = await upsert_contacts(ctx, list(to_upsert.values()))
        for index, outcome in zip(to_upsert, outcomes, strict=True):
            if outcome.object_id is not None and outcome.status == "delivered":
                found[index] = outcome.object_id
            else:
                message = outcome.error.message if outcome.error else "contact write failed"
                results[index] = rejected(Reason.DEPENDENCY_FAILED,
                                          f"Could not upsert the contact to associate: {message}")
    return found
