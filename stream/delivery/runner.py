"""Runs one action over many calls: payloads, chunks, perform_batch, outcomes; pauses on outages."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from stream.actions.base import Action, ActionContext, ItemError, ItemResult, Payload
from stream.delivery.action_call import ActionCall
from stream.errors import FatalError, Reason, RejectedError, RetryableError
from stream.outcomes.model import Outcome, OutcomeError

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class PausePolicy:
    """How long to pause consumption while HubSpot cannot take a batch (capped, full jitter)."""

    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    fatal_seconds: float = 60.0

    def delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait before retrying the chunk after `attempt` failures."""
        if isinstance(error, FatalError):
            return self.fatal_seconds
        hinted = getattr(error, "retry_after_seconds", None)
        if hinted:
            return float(hinted)
        return random.uniform(0, min(self.cap_seconds, self.base_seconds * 2 ** attempt))


class ActionRunner:
    """Executes action calls against HubSpot with one ActionContext per destination and worker."""

    def __init__(self, actions: Mapping[str, Action], context: ActionContext,
                 pause: PausePolicy | None = None, sleep: Sleep = asyncio.sleep,
                 on_pause: Callable[[str, Exception], None] | None = None) -> None:
        self.actions = actions
        self.context = context
        self.pause = pause or PausePolicy()
        self.sleep = sleep
        self.on_pause = on_pause

    async def perform(self, action_name: str, calls: Sequence[ActionCall]) -> list[Outcome]:
        """One outcome per call, in call order. Never raises for HubSpot trouble: retryable and
        fatal errors pause (retry the chunk) instead of failing events."""
        action = self.actions[action_name]
        outcomes: dict[int, Outcome] = {}
        built: list[tuple[int, Payload]] = []
        for index, call in enumerate(calls):
            try:
                payload = action.build_payload(call.payload, message_id=call.message_id,
                                               mapping_id=call.mapping)
            except RejectedError as exc:
                outcomes[index] = call.failed(exc.reason, exc.message)
                continue
            if call.contact_id is not None and hasattr(payload, "contact_id"):
                payload = replace(payload, contact_id=call.contact_id)  # type: ignore[call-arg]
            built.append((index, payload))
        size = action.batch.max_items
        for start in range(0, len(built), size):
            chunk = built[start:start + size]
            results = await self._perform_chunk(action, [payload for _, payload in chunk])
            for (index, _), result in zip(chunk, results, strict=True):
                outcomes[index] = to_outcome(calls[index], result, len(chunk))
        return [outcomes[index] for index in range(len(calls))]

    async def _perform_chunk(self, action: Action, payloads: list[Payload]) -> list[ItemResult]:
        attempt = 0
        while True:
            try:
                results = await action.perform_batch(self.context, payloads)
            except (RetryableError, FatalError) as exc:
                delay = self.pause.delay(attempt, exc)
                attempt += 1
                log.warning("%s: HubSpot cannot take the batch (%s: %s); pausing %.1f s",
                            action.name, type(exc).__name__, exc.reason.value, delay)
                if self.on_pause is not None:
                    self.on_pause(action.name, exc)
                await self.sleep(delay)
                continue
            except Exception as exc:  # a bug must not block the lane: fail these records
                log.exception("%s: perform_batch raised", action.name)
                return [_internal_failure(exc)] * len(payloads)
            if len(results) != len(payloads):
                raise AssertionError(f"{action.name}.perform_batch returned {len(results)} "
                                     f"results for {len(payloads)} inputs")
            return results


def _internal_failure(exc: Exception) -> ItemResult:
    return ItemResult("failed", error=ItemError(Reason.INTERNAL, f"{type(exc).__name__}: {exc}",
                                                retryable=True))


def to_outcome(call: ActionCall, result: ItemResult, batch_size: int) -> Outcome:
    """The outcome record of one call from its ItemResult."""
    hubspot: dict[str, Any] | None = None
    if result.object_id is not None or result.object_type is not None:
        hubspot = {"object_type": result.object_type, "id": result.object_id,
                   "created": result.created}
    error = None
    if result.error is not None:
        error = OutcomeError(result.error.reason, result.error.message, result.error.http_status,
                             result.error.category, result.error.retryable)
    return call.outcome(result.status, hubspot=hubspot, error=error, batch_size=batch_size)
