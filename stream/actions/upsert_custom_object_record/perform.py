"""V1 custom object record writes: search, then batch/create or batch/update, then v4 batch
associations, per object type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from stream.actions.shared.property_schema import coerce_all
from stream.actions.upsert_custom_object_record.payload import CustomRecordPayload
from stream.errors import Reason
from stream.hubspot.associations import associate
from stream.hubspot.batch import InputOutcome, ItemError, write_batch
from stream.hubspot.search import Found, search_many

SEARCH_FAILED = ("HubSpot returned 400 error while performing a custom object record search. "
                 "Please check if 'Custom Object Search Fields' contains valid properties.")
ASSOCIATE_SEARCH_FAILED = ("HubSpot returned 400 error while performing a search for the "
                           "record to associate. Please check 'Search Fields to Associate'.")
NOT_UNIQUE = ("The search criteria defined by Custom Object Record Search Fields returned more "
              "than one records. The update request will be rejected.")
ASSOCIATE_NOT_UNIQUE = ("Upsert Custom Object operation was completed but the association "
                        "failed as the search association object returned more than one items.")


@batch_performer
async def upsert_custom_records(
    ctx: ActionContext, payloads: Sequence[Payload]
) -> list[ItemResult]:
    """Search, then batch/create or batch/update, then v4 batch associations, per object
    type. One result per payload, in input order."""
    records = narrow(payloads, CustomRecordPayload)
    results: list[ItemResult | None] = [None] * len(records)
    by_type: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        by_type.setdefault(record.object_type, []).append(index)
    for object_type, indices in by_type.items():
        coerced = await coerce_all(ctx, object_type, [records[i].properties for i in indices])
        valid: list[tuple[int, dict[str, str]]] = []
        for index, props in zip(indices, coerced, strict=True):
            if isinstance(props, ItemError):
                results[index] = refused(object_type, props)
            else:
                valid.append((index, props))
        found = await search_many(ctx.client, object_type,
                                  [records[i].search_fields for i, _ in valid], SEARCH_FAILED)
        targets = await _targets(ctx, [records[i] for i, _ in valid])
        plans: list[_Plan] = []
        for (index, props), match, target in zip(valid, found, targets, strict=True):
            plan = _plan(records[index], index, props, match, target)
            if isinstance(plan, ItemResult):
                results[index] = plan
            else:
                plans.append(plan)
        await _write(ctx, object_type, plans, results)
    return [r or ItemResult("skipped") for r in results]


@dataclass
class _Plan:
    index: int
    properties: dict[str, str]
    record_id: str | None
    target: str | None
    label: tuple[str, int] | None
    target_not_unique: bool
    to_type: str | None


async def _targets(ctx: ActionContext,
                   records: list[CustomRecordPayload]) -> list[Found | ItemError]:
    """The association target of each record (Found(0) when it asks for none)."""
    targets: list[Found | ItemError] = [Found(0)] * len(records)
    by_type: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        if record.to_object_type and record.association and record.association_search:
            by_type.setdefault(record.to_object_type, []).append(position)
    for to_type, positions in by_type.items():
        searches = [records[p].association_search for p in positions]
        for position, found in zip(positions, await search_many(
                ctx.client, to_type, searches, ASSOCIATE_SEARCH_FAILED), strict=True):
            targets[position] = found
    return targets


def _plan(record: CustomRecordPayload, index: int, props: dict[str, str],
          found: Found | ItemError, target: Found | ItemError) -> _Plan | ItemResult:
    for searched in (found, target):
        if isinstance(searched, ItemError):
            return refused(record.object_type, searched)
    assert isinstance(found, Found) and isinstance(target, Found)
    if found.count > 1:
        return rejected(Reason.CONFLICT, NOT_UNIQUE)
    if found.count == 0 and not record.create_new:
        return ItemResult("skipped", record.object_type)
    return _Plan(index, props, found.record_id, target.record_id if target.count == 1 else None,
                 record.association, target.count > 1, record.to_object_type)


async def _write(
    ctx: ActionContext, object_type: str, plans: list[_Plan], results: list[ItemResult | None]
) -> None:
    creates = [p for p in plans if p.record_id is None]
    updates = [p for p in plans if p.record_id is not None]
    base = f"/crm/v3/objects/{object_type}/batch"
    for start in range(0, len(creates), 100):
        chunk = creates[start:start + 100]
        outcomes = await write_batch(ctx.client, f"{base}/create",
                                     [{"properties": p.properties} for p in chunk])
        for plan, outcome in zip(chunk, outcomes, strict=True):
            _settle(results, object_type, plan, outcome, created=True)
    for start in range(0, len(updates), 100):
        chunk = updates[start:start + 100]
        inputs = [{"id": p.record_id, "properties": p.properties} for p in chunk]
        outcomes = await write_batch(ctx.client, f"{base}/update", inputs)
        for plan, outcome in zip(chunk, outcomes, strict=True):
            _settle(results, object_type, plan, outcome, created=False)
    await _associate(ctx, object_type, plans, results)


def _settle(results: list[ItemResult | None], object_type: str, plan: _Plan,
            outcome: InputOutcome, *, created: bool) -> None:
    if outcome.result is None:
        results[plan.index] = refused(object_type, outcome.error)
        return
    plan.record_id = str(outcome.result["id"])
    results[plan.index] = delivered(object_type, plan.record_id, created)
    if plan.target_not_unique:
        results[plan.index] = ItemResult("rejected", object_type, plan.record_id, created,
                                         ItemError(Reason.CONFLICT, ASSOCIATE_NOT_UNIQUE))


async def _associate(ctx: ActionContext, object_type: str, plans: list[_Plan],
                     results: list[ItemResult | None]) -> None:
    groups: dict[tuple[str, str, int], list[_Plan]] = {}
    for plan in plans:
        delivered_ok = (results[plan.index] or ItemResult("failed")).status == "delivered"
        if delivered_ok and plan.target and plan.label and plan.to_type:
            groups.setdefault((plan.to_type, *plan.label), []).append(plan)
    for (to_type, category, type_id), linked in groups.items():
        pairs = [(str(p.record_id), str(p.target)) for p in linked]
        failed = await associate(ctx.client, object_type, to_type, pairs, (category, type_id))
        for plan, pair in zip(linked, pairs, strict=True):
            if pair in failed:
                results[plan.index] = refused(object_type, failed[pair], plan.record_id)
