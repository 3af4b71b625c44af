"""Custom Object V2 associations: "to" records found (or upserted, per association sync mode)
by their id property in batches, then associated or dissociated in v4 batches."""

from __future__ import annotations

from collections.abc import Sequence

from stream.actions.base import ActionContext, ItemResult, refused
from stream.actions.custom_object_v2.payload import AssociationSpec, Written
from stream.hubspot.associations import Pair, associate, dissociate
from stream.hubspot.batch import call, write_batch

Target = tuple[str, str, str]  # (object type, id property, value)


async def link_records(
    ctx: ActionContext, written: Sequence[Written], results: list[ItemResult | None]
) -> None:
    """Create each written record's associations and remove its dissociations; a failure
    rejects that record's outcome (the record itself was written: its id is kept)."""
    adds = [(w, s) for w in written for s in w.payload.associations]
    removes = [(w, s) for w in written for s in w.payload.dissociations]
    if not adds and not removes:
        return
    create = any(w.payload.association_sync_mode == "upsert" for w, _ in adds)
    ids = await resolve_targets(ctx, [_target(s) for _, s in adds], create=create)
    ids.update(await resolve_targets(ctx, [_target(s) for _, s in removes], create=False))
    for entries, remove in ((adds, False), (removes, True)):
        grouped: dict[tuple[str, str, str, int], list[tuple[Written, Pair]]] = {}
        for record, spec in entries:
            to_id = ids.get(_target(spec))
            if to_id is not None:  # target not found: association skipped (as Segment)
                key = (record.payload.object_type, spec.object_type, spec.category, spec.type_id)
                grouped.setdefault(key, []).append((record, (record.record_id, to_id)))
        for (from_type, to_type, category, type_id), pairs in grouped.items():
            send = dissociate if remove else associate
            failed = await send(ctx.client, from_type, to_type, [p for _, p in pairs],
                                (category, type_id))
            for record, pair in pairs:
                if pair in failed:
                    for index in record.indices:
                        results[index] = refused(from_type, failed[pair], record.record_id)


def _target(spec: AssociationSpec) -> Target:
    return (spec.object_type, spec.id_field_name, spec.id_field_value)


async def resolve_targets(
    ctx: ActionContext, targets: Sequence[Target], *, create: bool
) -> dict[Target, str]:
    """HubSpot ids of the targets, by batch/upsert (`create`) or batch/read per (type, id
    property), ≤ 100 per call; record ids (hs_object_id) need no call."""
    found: dict[Target, str] = {}
    groups: dict[tuple[str, str], list[str]] = {}
    for to_type, id_field, value in dict.fromkeys(targets):
        if id_field == "hs_object_id":
            found[(to_type, id_field, value)] = value
        else:
            groups.setdefault((to_type, id_field), []).append(value)
    for (to_type, id_field), values in groups.items():
        for start in range(0, len(values), 100):
            chunk = values[start:start + 100]
            resolved = await (_upsert if create else _read)(ctx, to_type, id_field, chunk)
            found.update(((to_type, id_field, v), i) for v, i in resolved.items())
    return found


async def _upsert(ctx: ActionContext, to_type: str, id_field: str,
                  values: list[str]) -> dict[str, str]:
    inputs = [{"idProperty": id_field, "id": v, "properties": {id_field: v}} for v in values]
    outcomes = await write_batch(ctx.client, f"/crm/v3/objects/{to_type}/batch/upsert", inputs)
    return {v: str(o.result["id"]) for v, o in zip(values, outcomes, strict=True) if o.result}


async def _read(ctx: ActionContext, to_type: str, id_field: str,
                values: list[str]) -> dict[str, str]:
    body = {"idProperty": id_field, "properties": [id_field],
            "inputs": [{"id": v} for v in values]}
    answer = await call(ctx.client, "POST", f"/crm/v3/objects/{to_type}/batch/read", body)
    by_value = {v.lower(): v for v in values}  # HubSpot lower-cases emails
    found: dict[str, str] = {}
    for result in answer.body.get("results", []) if answer.ok else []:
        value = str((result.get("properties") or {}).get(id_field, "")).lower()
        if value in by_value:
            found[by_value[value]] = str(result["id"])
    return found
