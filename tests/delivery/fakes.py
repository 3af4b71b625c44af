"""In-memory actions for unit tests of the delivery core (no HubSpot, no Kafka)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stream.actions.base import (
    Action,
    ActionContext,
    BatchLimits,
    ItemResult,
    Payload,
    delivered,
    invalid,
)
from stream.actions.cache import ActionCaches
from stream.errors import Reason, RetryableError


@dataclass(kw_only=True)
class FakePayload(Payload):
    key: str
    contact_id: str | None = None


@dataclass
class Recorder:
    """Every perform_batch call, in order: (action name, payload keys, contact ids)."""

    calls: list[tuple[str, list[str], list[str | None]]] = field(default_factory=list)
    failures_before_success: int = 0


def fake_action(name: str, recorder: Recorder, max_items: int = 100) -> Action:
    def build(rendered: Mapping[str, Any], *, message_id: str, mapping_id: str) -> FakePayload:
        if "key" not in rendered:
            raise invalid("key is required")
        return FakePayload(message_id=message_id, mapping_id=mapping_id, key=rendered["key"])

    async def perform(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
        items = [p for p in payloads if isinstance(p, FakePayload)]
        if recorder.failures_before_success > 0:
            recorder.failures_before_success -= 1
            raise RetryableError(Reason.HUBSPOT_UNAVAILABLE, "503 from HubSpot")
        recorder.calls.append((name, [p.key for p in items], [p.contact_id for p in items]))
        return [delivered(name, f"{name}:{p.key}", True) for p in items]

    return Action(name=name, fields=(), batch=BatchLimits(max_items),
                  build_payload=build, perform_batch=perform)


def fake_context() -> ActionContext:
    import time

    return ActionContext(client=None, caches=ActionCaches(clock=time.monotonic))
