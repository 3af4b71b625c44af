"""Company writes: segment_group_id ensured once, merge per groupId, batch/upsert by it, search
only for companies it does not find, then contact associations in v4 batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stream.actions.base import (
    ActionContext,
    ItemResult,
    Payload,
    batch_performer,
    delivered,
    narrow,
    refused,
)
from stream.actions.shared.property_schema import coerce_all, names_not_found
from stream.actions.upsert_company.contacts import resolve_contacts
from stream.actions.upsert_company.lookup import MergedCompany, locate
from stream.actions.upsert_company.payload import GROUP_ID_PROPERTY, CompanyPayload
from stream.hubspot.associations import associate
from stream.hubspot.batch import ItemError, call, item_error, write_batch

COMPANIES = "/crm/v3/objects/companies"
_ENSURED_KEY = f"companies.{GROUP_ID_PROPERTY}"
GROUP_ID_DEFINITION = {
    "name": GROUP_ID_PROPERTY, "label": "Segment Group ID",
    "description": "Unique Property to map Segment Group ID with a HubSpot Company Object",
    "groupName": "companyinformation", "type": "string", "fieldType": "text", "hidden": True,
    "displayOrder": -1, "hasUniqueValue": True, "formField": False,
}


@batch_performer
async def upsert_companies(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """One result per payload, in input order (ACTIONS.md Part A 2)."""
    companies = narrow(payloads, CompanyPayload)
    results: list[ItemResult | None] = [None] * len(companies)
    problem = await ensure_group_id_property(ctx)
    if problem is not None:
        return [refused("companies", problem)] * len(companies)
    contact_ids = await resolve_contacts(ctx, companies, results)
    merged = await _coerce_and_merge(ctx, companies, results)
    plan = await locate(ctx, merged, results)
    written = await _write(ctx, plan.upserts, plan.updates, results)
    await _associate(ctx, companies, written, contact_ids, results)
    return [r or ItemResult("skipped", "companies") for r in results]


async def ensure_group_id_property(ctx: ActionContext, *, again: bool = False) -> ItemError | None:
    """Create the unique segment_group_id company property once per destination (409 means it
    exists). Returns the error that prevents company writes, if any."""
    if again:
        ctx.caches.ensured.drop(_ENSURED_KEY)
    if ctx.caches.ensured.get(_ENSURED_KEY):
        return None
    answer = await call(ctx.client, "POST", "/crm/v3/properties/companies", GROUP_ID_DEFINITION)
    if answer.ok or answer.status == 409:
        ctx.caches.ensured.put(_ENSURED_KEY, True)
        return None
    return item_error(answer.status, answer.body)


async def _coerce_and_merge(
    ctx: ActionContext, companies: list[CompanyPayload], results: list[ItemResult | None]
) -> list[MergedCompany]:
    merged: dict[str, MergedCompany] = {}
    items = [company.properties for company in companies]
    for index, coerced in enumerate(await coerce_all(ctx, "companies", items)):
        if results[index] is not None:
            continue  # already rejected (contact unknown)
        if isinstance(coerced, ItemError):
            results[index] = refused("companies", coerced)
            continue
        company = companies[index]
        entry = merged.setdefault(company.group_id, MergedCompany(company.group_id))
        entry.properties.update(coerced)  # last write wins per property
        entry.create = entry.create or company.create_new
        entry.search_fields = company.search_fields or entry.search_fields
        entry.indices.append(index)
    return list(merged.values())


@dataclass
class _Written:
    """Company ids by group id, for associations."""

    ids: dict[str, str] = field(default_factory=dict)


async def _write(
    ctx: ActionContext,
    upserts: list[MergedCompany],
    updates: list[tuple[MergedCompany, str]],
    results: list[ItemResult | None],
) -> _Written:
    written = _Written()
    pending: list[tuple[MergedCompany, dict[str, Any]]] = [
        (c, {"id": c.group_id, "idProperty": GROUP_ID_PROPERTY, "properties": _props(c)})
        for c in upserts]
    await _send(ctx, f"{COMPANIES}/batch/upsert", pending, results, written)
    by_id = [(c, {"id": hid, "properties": _props(c)}) for c, hid in updates]
    await _send(ctx, f"{COMPANIES}/batch/update", by_id, results, written)
    return written


def _props(company: MergedCompany) -> dict[str, str]:
    return {**company.properties, GROUP_ID_PROPERTY: company.group_id}


async def _send(
    ctx: ActionContext,
    path: str,
    pending: list[tuple[MergedCompany, dict[str, Any]]],
    results: list[ItemResult | None],
    written: _Written,
    *,
    retried: bool = False,
) -> None:
    for start in range(0, len(pending), 100):
        chunk = pending[start:start + 100]
        outcomes = await write_batch(ctx.client, path, [body for _, body in chunk])
        stale = [(c, body) for (c, body), o in zip(chunk, outcomes, strict=True)
                 if names_not_found(o.error) and not retried]
        if stale:  # segment_group_id deleted in HubSpot: ensure it again, retry once
            await ensure_group_id_property(ctx, again=True)
            await _send(ctx, path, stale, results, written, retried=True)
        retrying = {id(company) for company, _ in stale}
        for (company, _), outcome in zip(chunk, outcomes, strict=True):
            if id(company) in retrying:
                continue
            if outcome.result is None:
                for index in company.indices:
                    results[index] = refused("companies", outcome.error)
                continue
            company_id = str(outcome.result["id"])
            written.ids[company.group_id] = company_id
            first, *later = company.indices
            results[first] = delivered("companies", company_id,
                                       bool(outcome.result.get("new", False)))
            for index in later:
                results[index] = delivered("companies", company_id, False)


async def _associate(
    ctx: ActionContext,
    companies: list[CompanyPayload],
    written: _Written,
    contact_ids: dict[int, str],
    results: list[ItemResult | None],
) -> None:
    pairs = {index: (written.ids[companies[index].group_id], contact_id)
             for index, contact_id in contact_ids.items()
             if companies[index].group_id in written.ids and _delivered(results[index])}
    failed = await associate(ctx.client, "companies", "contacts", list(pairs.values()))
    for index, pair in pairs.items():
        if pair in failed:
            results[index] = refused("companies", failed[pair], pair[0])


def _delivered(result: ItemResult | None) -> bool:
    return result is not None and result.status == "delivered"
