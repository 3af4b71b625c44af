"""List membership for Custom Object V2: find or create a MANUAL list by name (cached) before any
record is written, then one add-and-remove call per list for the whole batch (ACTIONS.md Part B
5.6). Records whose list cannot be had are not written at all (as Segment)."""

from __future__ import annotations

from collections.abc import Sequence

from stream.actions.base import ActionContext, ItemResult, refused
from stream.actions.custom_object_v2.payload import ListMembership, Written
from stream.actions.shared.object_types import object_type_id
from stream.errors import Reason
from stream.hubspot.batch import ItemError, call, item_error


async def resolve_lists(
    ctx: ActionContext, object_types: Sequence[str],
    memberships: Sequence[ListMembership | None], results: list[ItemResult | None],
) -> set[int]:
    """Find (or create, when any payload allows it) every list the batch names, before any
    write; the indices of payloads whose list cannot be had, with their results set."""
    wanted: dict[tuple[str, str], tuple[list[int], bool]] = {}
    for index, membership in enumerate(memberships):
        if membership is not None:
            indices, create = wanted.setdefault((object_types[index], membership.name), ([], False))
            indices.append(index)
            wanted[(object_types[index], membership.name)] = (indices, create or membership.create)
    refused_indices: set[int] = set()
    for (object_type, name), (indices, create) in wanted.items():
        list_id = await find_list(ctx, object_type, name, create=create)
        if isinstance(list_id, ItemError):
            for index in indices:
                results[index] = refused(object_type, list_id)
            refused_indices.update(indices)
    return refused_indices


async def update_lists(
    ctx: ActionContext, written: Sequence[Written],
    memberships: Sequence[ListMembership | None], results: list[ItemResult | None],
) -> None:
    """Add or remove each written record per its payloads' list membership."""
    changes: dict[tuple[str, str], tuple[dict[str, list[int]], dict[str, list[int]], bool]] = {}
    for record in written:
        for index in record.indices:
            membership = memberships[index]
            if membership is None:
                continue
            key = (record.payload.object_type, membership.name)
            adds, removes, create = changes.setdefault(key, ({}, {}, False))
            target = adds if membership.add else removes
            target.setdefault(record.record_id, []).append(index)
            changes[key] = (adds, removes, create or membership.create)
    for (object_type, name), (adds, removes, create) in changes.items():
        list_id = await find_list(ctx, object_type, name, create=create)
        error = list_id if isinstance(list_id, ItemError) else await _apply(
            ctx, list_id, list(adds), list(removes))
        if error is not None and error.http_status == 404:  # deleted in HubSpot: look again
            ctx.caches.lists.drop((object_type_id(object_type), name))
        if error is not None:
            for record_id, indices in [*adds.items(), *removes.items()]:
                for index in indices:
                    results[index] = refused(object_type, error, record_id)


async def find_list(
    ctx: ActionContext, object_type: str, name: str, *, create: bool
) -> str | ItemError:
    """The id of MANUAL list `name` (cached with TTL), created when allowed and absent."""
    type_id = object_type_id(object_type)
    key = (type_id, name)
    cached = ctx.caches.lists.get(key)
    if cached is not None:
        return cached
    answer = await call(ctx.client, "GET", f"/crm/v3/lists/object-type-id/{type_id}/name/{name}")
    found = (answer.body or {}).get("list") if answer.ok else None
    if found and found.get("processingType") != "MANUAL":
        return ItemError(Reason.VALIDATION, f"List {name} is not a MANUAL list; HubSpot only "
                         "changes memberships of MANUAL lists")
    if not found and not create:
        return ItemError(Reason.NOT_FOUND, f"List with name {name} does not exist in HubSpot. "
                         "To create the list, set the 'Create List' field to true.")
    if not found:
        body = {"name": name, "objectTypeId": type_id, "processingType": "MANUAL"}
        created = await call(ctx.client, "POST", "/crm/v3/lists", body)
        if not created.ok:
            return item_error(created.status, created.body)
        found = created.body.get("list") or {}
    list_id = str(found["listId"])
    ctx.caches.lists.put(key, list_id)
    return list_id


async def _apply(
    ctx: ActionContext, list_id: str, adds: list[str], removes: list[str]
) -> ItemError | None:
    body = {"recordIdsToAdd": adds, "recordIdsToRemove": removes}
    path = f"/crm/v3/lists/{list_id}/memberships/add-and-remove"
    answer = await call(ctx.client, "PUT", path, body)
    return None if answer.ok else item_error(answer.status, answer.body)
