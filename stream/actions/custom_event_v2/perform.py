"""Custom Event V2 sends: definitions and properties ensured per event name as the sync mode
allows, values coerced by the definition, ≤ 500 per call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stream.actions.base import (
    ActionContext,
    ItemResult,
    Payload,
    batch_performer,
    narrow,
    refused,
    rejected,
)
from stream.actions.custom_event_v2.definitions import ensure_definition
from stream.actions.custom_event_v2.payload import CustomEventPayload
from stream.actions.shared.event_occurrences import occurrence, without_blank_typed
from stream.actions.shared.property_schema import coerce_item
from stream.errors import Reason
from stream.hubspot.batch import ItemError
from stream.hubspot.event_sends import send_occurrences

EVENTS = "events"


@batch_performer
async def send_custom_events(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """Ensure definitions and properties per event name as sync mode allows, coerce values by
    the definition, send ≤ 500 per call. One result per payload, in input order."""
    events = narrow(payloads, CustomEventPayload)
    results: list[ItemResult | None] = [None] * len(events)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, event in enumerate(events):
        groups.setdefault((event.event_name, event.sync_mode), []).append(index)
    sends: list[tuple[int, dict[str, Any]]] = []
    for (name, mode), indices in groups.items():
        samples = [events[i].properties for i in indices]
        definition = await ensure_definition(ctx, name, events[indices[0]].object_type, mode,
                                             samples)
        if isinstance(definition, ItemError):
            for index in indices:
                results[index] = refused(EVENTS, definition)
            continue
        label = f"event {definition.fully_qualified_name}"
        for index in indices:
            coerced = coerce_item(label, without_blank_typed(events[index].properties,
                                                             definition.properties),
                                  definition.properties)
            if isinstance(coerced, ItemError):
                results[index] = refused(EVENTS, coerced)
            else:
                event = events[index]
                sends.append((index, occurrence(
                    definition.fully_qualified_name, event.message_id, event.mapping_id,
                    coerced, objectId=event.object_id, email=event.email, utk=event.utk,
                    occurredAt=event.occurred_at)))
    errors = await send_occurrences(ctx.client, [body for _, body in sends])
    for (index, body), error in zip(sends, errors, strict=True):
        if error is not None and "does not exist" in error.message:
            ctx.caches.event_definitions.drop(events[index].event_name)  # stale definition
        results[index] = refused(EVENTS, error) if error else \
            ItemResult("delivered", EVENTS, body["uuid"])
    return [r or rejected(Reason.INTERNAL, "no outcome") for r in results]
