"""HubSpot property types per object type, cached, and property values coerced by them.

A property the cache does not know refreshes the cache once before the record is rejected, so a
property created in HubSpot after the cache was filled is never refused (a cache never loses data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stream.actions.base import ActionContext
from stream.actions.cache import PropertyType, PropertyTypes
from stream.actions.shared.coercion import CoercionError, coerce_value
from stream.errors import Reason, RejectedError
from stream.hubspot.batch import ItemError, call

Coerced = dict[str, str] | ItemError


async def property_types(
    ctx: ActionContext, object_type: str, *, refresh: bool = False, sensitive: bool = False
) -> PropertyTypes:
    """The property types of `object_type` (`GET /crm/v3/properties/{type}`, cached with TTL);
    `sensitive` reads the sensitive ones (`?dataSensitivity=sensitive`)."""
    cache = ctx.caches.properties
    key = f"{object_type}#sensitive" if sensitive else object_type
    if refresh:
        cache.drop(key)
    params = {"dataSensitivity": "sensitive"} if sensitive else None

    async def load() -> PropertyTypes:
        answer = await call(ctx.client, "GET", f"/crm/v3/properties/{object_type}", params=params)
        if not answer.ok:
            message = (answer.body or {}).get("message", "") if isinstance(answer.body, dict) \
                else ""
            raise RejectedError(Reason.VALIDATION, f"Cannot read the properties of "
                                f"{object_type} ({answer.status}): {message}")
        return {str(p["name"]): PropertyType.from_hubspot(p)
                for p in answer.body.get("results", []) if isinstance(p, Mapping)}

    return await cache.get_or_load(key, load)


async def coerce_all(
    ctx: ActionContext, object_type: str, items: Sequence[Mapping[str, Any]]
) -> list[Coerced]:
    """Each item's properties coerced by type, or the ItemError that rejects that item."""
    types = await property_types(ctx, object_type)
    unknown = {name for item in items for name in item if name not in types}
    if unknown and await _worth_refreshing(ctx, object_type, unknown):
        types = await property_types(ctx, object_type, refresh=True)
        for name in unknown - types.keys():
            ctx.caches.missing_properties.put((object_type, name), True)
    return [coerce_item(object_type, item, types) for item in items]


async def _worth_refreshing(ctx: ActionContext, object_type: str, unknown: set[str]) -> bool:
    missing = ctx.caches.missing_properties
    return any(missing.get((object_type, name)) is None for name in unknown)


def coerce_item(object_type: str, item: Mapping[str, Any], types: PropertyTypes) -> Coerced:
    """One item's properties coerced, or the error naming the first bad property."""
    coerced: dict[str, str] = {}
    for name, value in item.items():
        prop = types.get(name)
        if prop is None:
            return ItemError(Reason.VALIDATION, f'Property "{name}" does not exist on '
                             f"{object_type} in HubSpot", category="PROPERTY_DOESNT_EXIST")
        try:
            coerced[name] = coerce_value(name, value, prop)
        except CoercionError as exc:
            return ItemError(Reason.VALIDATION, str(exc), category="INVALID_VALUE")
    return coerced


def names_not_found(error: ItemError | None) -> bool:
    """True when HubSpot said a property does not exist (the cache was stale)."""
    return error is not None and "PROPERTY_DOESNT_EXIST" in f"{error.category} {error.message}"
