"""Behavioral event sends: names checked against the portal's prefix, values coerced by each
event's definition (cached), ≤ 500 per call with a deterministic uuid."""

from __future__ import annotations

import re
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
from stream.actions.send_custom_behavioral_event.payload import BehavioralEventPayload
from stream.actions.shared.event_occurrences import (
    coerce_for_event,
    occurrence,
    short_name,
    unknown_event,
)
from stream.errors import Reason
from stream.hubspot.batch import ItemError
from stream.hubspot.event_sends import send_occurrences

_PREFIX = re.compile(r"^pe\d+_")
EVENTS = "events"


def prefix_problem(name: str, portal_id: str | None) -> str | None:
    """Why `name` is not an event of this portal (Segment's message, with the portal's own
    prefix `pe22596207_` when the hub id is configured), or None."""
    if portal_id:
        prefix = f"pe{portal_id}_"
        return None if name.startswith(prefix) else f"EventName should begin with {prefix}"
    if _PREFIX.match(name):
        return None
    return ("EventName should begin with pe<hubId>_ (set hubspot.hub_id in the destination "
            "config to check against the portal's own prefix)")


@batch_performer
async def send_behavioral_events(
    ctx: ActionContext, payloads: Sequence[Payload]
) -> list[ItemResult]:
    """Check names against the portal, coerce by each event's definition (cached), send in
    batches of ≤ 500 with a deterministic uuid. One result per payload, in input order."""
    events = narrow(payloads, BehavioralEventPayload)
    results: list[ItemResult | None] = [None] * len(events)
    by_name: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        problem = prefix_problem(event.event_name, ctx.settings.portal_id)
        if problem:
            results[index] = rejected(Reason.INVALID_PAYLOAD, problem)
        else:
            by_name.setdefault(event.event_name, []).append(index)
    sends: list[tuple[int, dict[str, Any]]] = []
    for name, indices in by_name.items():
        definition, coerced = await coerce_for_event(
            ctx, short_name(name), [events[i].properties for i in indices])
        for position, index in enumerate(indices):
            outcome = coerced[position] if definition else unknown_event(name)
            if isinstance(outcome, ItemError):
                results[index] = refused(EVENTS, outcome)
            else:
                event = events[index]
                sends.append((index, occurrence(
                    name, event.message_id, event.mapping_id, outcome,
                    occurredAt=event.occurred_at, email=event.email, utk=event.utk,
                    objectId=event.object_id)))
    errors = await send_occurrences(ctx.client, [body for _, body in sends])
    for (index, body), error in zip(sends, errors, strict=True):
        if error is not None and "does not exist" in error.message:
            ctx.caches.event_definitions.drop(short_name(events[index].event_name))
        results[index] = refused(EVENTS, error) if error else \
            ItemResult("delivered", EVENTS, body["uuid"])
    return [r or rejected(Reason.INTERNAL, "no outcome") for r in results]
