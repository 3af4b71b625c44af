"""`POST /crm/v3/objects/{type}/search` with HubSpot's caps and an optional index delay."""

from __future__ import annotations

import functools
from typing import Any

from aiohttp import web

from stream.emulator.crm_objects import BASE, object_type_of
from stream.emulator.endpoint import endpoint
from stream.emulator.object_types import ObjectType
from stream.emulator.record_lookup import requested_properties
from stream.emulator.responses import ApiError, json_response, read_object, validation_error
from stream.emulator.search_filters import check_filter_groups, compare, matches, matches_query
from stream.emulator.state import STATE
from stream.emulator.store import Record

MAX_LIMIT = 200
MAX_REACHABLE = 10_000
MAX_QUERY_CHARS = 3000


def visible_properties(record: Record, cutoff: float | None) -> dict[str, str] | None:
    """What the search index holds for a record at `cutoff` (None: fully consistent)."""
    if cutoff is None or record.updated_epoch <= cutoff:
        return record.properties
    if record.previous is not None and record.previous[0] <= cutoff:
        return record.previous[1]
    return None


def _paging(body: dict[str, Any]) -> tuple[int, int]:
    limit = int(body.get("limit", 10))
    after = int(body.get("after", 0) or 0)
    if limit > MAX_LIMIT:
        raise validation_error(f"limit must be less than or equal to {MAX_LIMIT}")
    if after + limit > MAX_REACHABLE:
        raise validation_error(f"The maximum number of results reachable by paging is "
                               f"{MAX_REACHABLE}.")
    return limit, after


@endpoint("crm.search", bucket="search", scope="objects.read")
async def search(request: web.Request) -> web.Response:
    """Filter groups, sorts, query, properties, limit and after paging."""
    state = request.app[STATE]
    object_type = object_type_of(request)
    body = await read_object(request)
    limit, after = _paging(body)
    query = str(body.get("query", "") or "")
    if len(query) > MAX_QUERY_CHARS:
        raise validation_error(f"query must be at most {MAX_QUERY_CHARS} characters")
    groups = check_filter_groups(body.get("filterGroups", []), state.settings.search_limits)
    _check_property_names(object_type, body, groups)
    delay_ms = state.settings.search_index_delay_ms
    cutoff = state.clock.now() - delay_ms / 1000 if delay_ms else None
    found: list[tuple[Record, dict[str, str]]] = []
    for record in state.store.of(object_type.object_type_id).records.values():
        properties = visible_properties(record, cutoff)
        if properties is None or not matches(properties, groups):
            continue
        if query and not matches_query(properties, query, object_type.text_search_properties):
            continue
        found.append((record, properties))
    found.sort(key=lambda item: int(item[0].id))
    for sort in reversed(body.get("sorts", []) or []):
        name = sort.get("propertyName", "") if isinstance(sort, dict) else str(sort)
        descending = isinstance(sort, dict) and sort.get("direction") == "DESCENDING"
        found.sort(key=_sort_key(name), reverse=descending)
    names = requested_properties(body.get("properties")) or object_type.read_properties
    page = found[after:after + limit]
    result: dict[str, Any] = {"total": len(found), "results": [
        {"id": r.id, "properties": {n: p.get(n) for n in names}, "createdAt": r.created_at,
         "updatedAt": r.updated_at, "archived": False} for r, p in page]}
    if after + limit < len(found):
        result["paging"] = {"next": {"after": str(after + limit)}}
    return json_response(result)


def _named_properties(body: dict[str, Any],
                      groups: list[list[dict[str, Any]]]) -> list[tuple[str, str]]:
    """(where, property name) of every property a search body names."""
    named = [(f"filterGroups[{g}].filters[{f}].propertyName", str(item.get("propertyName", "")))
             for g, filters in enumerate(groups) for f, item in enumerate(filters)]
    for index, sort in enumerate(body.get("sorts", []) or []):
        name = sort.get("propertyName", "") if isinstance(sort, dict) else str(sort)
        named.append((f"sorts[{index}].propertyName", str(name)))
    named += [(f"properties[{index}]", str(name))
              for index, name in enumerate(body.get("properties") or [])]
    return named


def _check_property_names(object_type: ObjectType, body: dict[str, Any],
                          groups: list[list[dict[str, Any]]]) -> None:
    """HubSpot's 400 when a filter, a sort or a requested property names no property."""
    unknown = [(where, name) for where, name in _named_properties(body, groups)
               if name not in object_type.properties]
    if not unknown:
        return
    names = list(dict.fromkeys(name for _, name in unknown))
    raise ApiError(
        400, "There was a problem with the request.", "VALIDATION_ERROR",
        errors=[{"message": f'Property "{name}" does not exist', "code": "PROPERTY_DOESNT_EXIST",
                 "in": where, "context": {"propertyName": [name]}} for where, name in unknown],
        context={"propertyName": names})


def _sort_key(name: str) -> Any:
    def key_compare(a: tuple[Record, dict[str, str]], b: tuple[Record, dict[str, str]]) -> int:
        left, right = a[1].get(name), b[1].get(name)
        if left is None or right is None:
            return (left is None) - (right is None)
        return compare(left, right)

    return functools.cmp_to_key(key_compare)


def add_routes(app: web.Application) -> None:
    """Register the search route."""
    app.router.add_post(BASE + "/search", search)
