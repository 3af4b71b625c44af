"""Runs one action over many calls: payloads, chunks, perform_batch, outcomes; pauses on outages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from stream.actions.base import Action, ActionContext, ItemResult, Payload
from stream.delivery.action_call import ActionCall
from stream.errors import FatalError, Reason, RejectedError, RetryableError
from stream.hubspot.batch import ItemError
from stream.hubspot.decision import backoff_seconds
from stream.outcomes.model import Outcome, OutcomeError

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


class LaneStopped(Exception):
    """Shutdown was requested while the lane waited for HubSpot: the epoch is abandoned, its
    records stay unacked and are redelivered to whoever owns the partition next."""


class Pacing(Protocol):
    """What the delivery core asks of the HubSpot client besides calls: how fast it may go,
    and which share of the destination's budget this worker paces with."""

    def pace(self) -> tuple[float, float]: ...

    def share_budget(self, share: float) -> None: ...


class UnpacedClient:
    """Pacing for a runner without a rate budget (tests, fakes)."""

    def pace(self) -> tuple[float, float]:
        return 10.0, 0.5

    def share_budget(self, share: float) -> None:
        return None


@dataclass(frozen=True)
class PausePolicy:
    """How long to pause consumption while HubSpot cannot take a batch: HubSpot's hint, else
    the one capped full-jitter backoff (`backoff_seconds`) with this policy's base and cap."""

    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    fatal_seconds: float = 60.0

    def delay(self, attempt: int, error: BaseException) -> float:
        """Seconds to wait before retrying the chunk after `attempt` failures."""
        if isinstance(error, FatalError):
            return self.fatal_seconds
        hinted = getattr(error, "retry_after_seconds", None)
        if hinted:
            return float(hinted)
        return backoff_seconds(attempt, self.base_seconds, self.cap_seconds)


@dataclass(frozen=True)
class Pause:
    """Why an action is paused now (readiness and metrics read it)."""

    kind: str  # "retryable" | "fatal"
    reason: str
    since: float


class ActionRunner:
    """Executes action calls against HubSpot with one ActionContext per destination and worker."""

    def __init__(self, actions: Mapping[str, Action], context: ActionContext,
                 pause: PausePolicy | None = None, sleep: Sleep | None = None,
                 on_pause: Callable[[str, Exception], None] | None = None,
                 stopping: asyncio.Event | None = None, pacing: Pacing | None = None) -> None:
        self.actions = actions
        self.pacing = pacing or UnpacedClient()
        self.context = context
        self.pause = pause or PausePolicy()
        self._sleep = sleep
        self.on_pause = on_pause
        self.stopping = stopping or asyncio.Event()
        self.paused: dict[str, Pause] = {}
        self.in_flight = 0  # perform_batch calls running now

    async def perform(self, action_name: str, calls: Sequence[ActionCall]) -> list[Outcome]:
        """One outcome per call, in call order. Never raises for HubSpot trouble (retryable and
        fatal errors pause and retry the chunk) nor for a bug (the records it hits fail with
        reason `internal`); raises LaneStopped when shutdown interrupts a pause."""
        action = self.actions[action_name]
        outcomes: dict[int, Outcome] = {}
        built: list[tuple[int, Payload]] = []
        for index, call in enumerate(calls):
            try:
                built.append((index, _payload(action, call)))
            except RejectedError as exc:
                outcomes[index] = call.failed(exc.reason, exc.message)
            except Exception as exc:
                log.exception("%s: build_payload raised", action.name)
                outcomes[index] = to_outcome(call, ItemResult("failed", error=internal_error(exc)),
                                             1)
        size = action.batch.max_items
        for start in range(0, len(built), size):
            chunk = built[start:start + size]
            results = await self._perform_isolating(action, [payload for _, payload in chunk])
            for (index, _), result in zip(chunk, results, strict=True):
                outcomes[index] = to_outcome(calls[index], result, len(chunk))
        return [outcomes[index] for index in range(len(calls))]

    async def _perform_isolating(self, action: Action,
                                 payloads: list[Payload]) -> list[ItemResult]:
        """perform_batch; when it raises an unexpected exception, the halves are tried apart
        (effects are idempotent) until the records that raise are alone: only they fail."""
        try:
            return await self._perform_chunk(action, payloads)
        except (LaneStopped, asyncio.CancelledError):
            raise
        except Exception as exc:
            if len(payloads) == 1:
                log.exception("%s: perform_batch raised for one record", action.name)
                return [ItemResult("failed", error=internal_error(exc))]
            log.warning("%s: perform_batch raised %s for %d records; isolating", action.name,
                        type(exc).__name__, len(payloads))
            middle = len(payloads) // 2
            return (await self._perform_isolating(action, payloads[:middle])
                    + await self._perform_isolating(action, payloads[middle:]))

    async def _perform_chunk(self, action: Action, payloads: list[Payload]) -> list[ItemResult]:
        attempt = 0
        while True:
            if self.stopping.is_set():
                raise LaneStopped(action.name)
            self.in_flight += 1
            try:
                results = await action.perform_batch(self.context, payloads)
            except (RetryableError, FatalError) as exc:
                delay = self.pause.delay(attempt, exc)
                attempt += 1
                kind = "fatal" if isinstance(exc, FatalError) else "retryable"
                self.paused[action.name] = Pause(kind, f"{exc.reason.value}: {exc.message}",
                                                 self.paused.get(action.name, Pause(
                                                     kind, "", time.time())).since)
                log.warning("%s: HubSpot cannot take the batch (%s: %s); pausing %.1f s",
                            action.name, type(exc).__name__, exc.reason.value, delay)
                if self.on_pause is not None:
                    self.on_pause(action.name, exc)
                await self._wait(delay)
                continue
            finally:
                self.in_flight -= 1
            self.paused.pop(action.name, None)
            if len(results) != len(payloads):
                raise AssertionError(f"{action.name}.perform_batch returned {len(results)} "
                                     f"results for {len(payloads)} inputs")
            return results

    async def _wait(self, seconds: float) -> None:
        """Sleep, cut short by a stop request (then LaneStopped)."""
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        if self.stopping.is_set():
            raise LaneStopped("stop requested during a pause")


def _payload(action: Action, call: ActionCall) -> Payload:
    payload = call.built
    if payload is None:
        payload = action.build_payload(call.payload, message_id=call.message_id,
                                       mapping_id=call.mapping)
    if call.contact_id is not None and hasattr(payload, "contact_id"):
        payload = replace(payload, contact_id=call.contact_id)  # type: ignore[call-arg]
    if call.contact_failure is not None and hasattr(payload, "contact_failure"):
        payload = replace(payload, contact_failure=call.contact_failure)  # type: ignore[call-arg]
    return payload


def internal_error(exc: BaseException) -> ItemError:
    """The error of a record an unexpected exception hit: reason internal, class and message."""
    return ItemError(Reason.INTERNAL, f"{type(exc).__name__}: {exc}"[:2000], retryable=True)


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
