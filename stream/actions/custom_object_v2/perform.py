"""Custom Object V2 writes: lists resolved first, merge by id (newest timestamp per property),
ensure properties, coerce, write ≤ 100 per batch call by sync mode, then associations and list
membership."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
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
from stream.actions.custom_object_v2.links import link_records
from stream.actions.custom_object_v2.lists import resolve_lists, update_lists
from stream.actions.custom_object_v2.payload import ObjectPayload, Written
from stream.actions.custom_object_v2.schema import object_property_types
from stream.actions.shared.coercion import instant
from stream.actions.shared.property_schema import coerce_item
from stream.hubspot.batch import InputOutcome, ItemError, write_batch

OBJECT_ID = "hs_object_id"


@batch_performer
async def sync_objects(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """One result per payload, in input order (ACTIONS.md Part A 5)."""
    records = narrow(payloads, ObjectPayload)
    results: list[ItemResult | None] = [None] * len(records)
    memberships = [r.list_membership for r in records]
    no_list = await resolve_lists(ctx, [r.object_type for r in records], memberships, results)
    groups: dict[tuple[str, str, str], list[int]] = {}
    for index, record in enumerate(records):
        if index in no_list:
            continue
        key = (record.object_type, record.id_field_name, record.sync_mode)
        groups.setdefault(key, []).append(index)
    written: list[Written] = []
    for (object_type, id_field, mode), indices in groups.items():
        merged = merge_records([(i, records[i]) for i in indices])
        written += await _write_group(ctx, object_type, id_field, mode, merged, results)
    await link_records(ctx, written, results)
    await update_lists(ctx, written, memberships, results)
    return [r or ItemResult("skipped") for r in results]


def merge_records(
    entries: list[tuple[int, ObjectPayload]]
) -> list[tuple[ObjectPayload, list[int]]]:
    """One payload per id value: each property from the payload with the newest timestamp
    (ties: the later one), associations unioned (HubSpot rejects duplicate ids in a batch)."""
    merged: dict[str, tuple[ObjectPayload, list[int], dict[str, Any]]] = {}
    for index, payload in entries:
        key = payload.id_field_value.lower() if payload.id_field_name == "email" \
            else payload.id_field_value
        stamp = _stamp(payload.timestamp, index)
        if key not in merged:
            stamps = dict.fromkeys([*payload.properties, *payload.sensitive_properties], stamp)
            merged[key] = (payload, [index], stamps)
            continue
        current, indices, stamps = merged[key]
        merged[key] = (_merge(current, payload, stamps, stamp), [*indices, index], stamps)
    return [(payload, indices) for payload, indices, _ in merged.values()]


def _stamp(timestamp: str | None, index: int) -> tuple[datetime | None, int]:
    try:
        return (instant(timestamp) if timestamp else None, index)
    except (ValueError, OverflowError, OSError):
        return (None, index)


def _newer(stamp: Any, stored: Any) -> bool:
    if stored is None or stamp[0] is None or stored[0] is None:
        return True
    return bool(stamp[0] >= stored[0])


def _merge(current: ObjectPayload, incoming: ObjectPayload, stamps: dict[str, Any],
           stamp: Any) -> ObjectPayload:
    properties, sensitive = dict(current.properties), dict(current.sensitive_properties)
    for target, source in ((properties, incoming.properties),
                           (sensitive, incoming.sensitive_properties)):
        for name, value in source.items():
            if _newer(stamp, stamps.get(name)):
                target[name], stamps[name] = value, stamp
    return replace(current, properties=properties, sensitive_properties=sensitive,
                   associations=tuple(dict.fromkeys(current.associations + incoming.associations)),
                   dissociations=tuple(dict.fromkeys(current.dissociations
                                                     + incoming.dissociations)))


async def _write_group(
    ctx: ActionContext, object_type: str, id_field: str, mode: str,
    merged: list[tuple[ObjectPayload, list[int]]], results: list[ItemResult | None],
) -> list[Written]:
    types, errors = await object_property_types(ctx, object_type, [p for p, _ in merged])
    ready: list[tuple[ObjectPayload, list[int], dict[str, str]]] = []
    for position, (payload, indices) in enumerate(merged):
        coerced = errors.get(position) or coerce_item(
            object_type, {**payload.properties, **payload.sensitive_properties}, types)
        if isinstance(coerced, ItemError):
            _settle(results, indices, refused(object_type, coerced))
        else:
            ready.append((payload, indices, coerced))
    written: list[Written] = []
    for start in range(0, len(ready), 100):
        chunk = ready[start:start + 100]
        path, inputs = _request(object_type, id_field, mode, chunk)
        outcomes = await write_batch(ctx.client, path, inputs)
        for (payload, indices, _), outcome in zip(chunk, outcomes, strict=True):
            result = _result(object_type, path, outcome)
            _settle(results, indices, result)
            if result.status == "delivered" and result.object_id:
                written.append(Written(payload, result.object_id, indices))
    return written


def _request(
    object_type: str, id_field: str, mode: str,
    chunk: list[tuple[ObjectPayload, list[int], dict[str, str]]],
) -> tuple[str, list[dict[str, Any]]]:
    base = f"/crm/v3/objects/{object_type}/batch"
    if mode == "add":
        return f"{base}/create", [{"properties": _with_id(p, id_field, props)}
                                  for p, _, props in chunk]
    if mode == "upsert" and id_field != OBJECT_ID:
        return f"{base}/upsert", [{"idProperty": id_field, "id": p.id_field_value,
                                   "properties": _with_id(p, id_field, props)}
                                  for p, _, props in chunk]
    # update (and upsert by record id, which HubSpot refuses: PR #3957) address by id
    by_property = {} if id_field == OBJECT_ID else {"idProperty": id_field}
    return f"{base}/update", [{**by_property, "id": p.id_field_value, "properties": props}
                              for p, _, props in chunk]


def _with_id(payload: ObjectPayload, id_field: str, props: dict[str, str]) -> dict[str, str]:
    return props if id_field == OBJECT_ID else {**props, id_field: payload.id_field_value}


def _result(object_type: str, path: str, outcome: InputOutcome) -> ItemResult:
    if outcome.result is not None:
        created = path.endswith("create") or bool(outcome.result.get("new", False))
        return delivered(object_type, str(outcome.result["id"]), created)
    error = outcome.error
    category = error.category if error else None
    if path.endswith("update") and category == "OBJECT_NOT_FOUND":
        return ItemResult("skipped", object_type)  # sync mode update: never creates
    if path.endswith("create") and category in ("CONFLICT", "OBJECT_ALREADY_EXISTS"):
        return ItemResult("skipped", object_type)  # sync mode add: never updates
    return refused(object_type, error)


def _settle(results: list[ItemResult | None], indices: list[int], result: ItemResult) -> None:
    for index in indices:
        results[index] = result
