"""The action contract: a declaration (fields, batch limits) and two verbs.

`build_payload` validates one rendered mapping into a typed payload (raising RejectedError with
Reason.INVALID_PAYLOAD); `perform_batch` writes many payloads and returns one ItemResult per
input, in input order. perform_batch raises RetryableError when the whole batch cannot be done now
(the lane retries the epoch later, idempotently) and FatalError for auth a refresh cannot fix.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from stream.actions.cache import ActionCaches
from stream.errors import Reason, RejectedError
from stream.hubspot.batch import ItemError, Requester
from stream.mappings.fields import FieldSpec

ItemStatus = Literal["delivered", "skipped", "rejected", "failed"]


@dataclass(slots=True)  # never mutated; not frozen: 3x cheaper __init__ (one per input)
class ItemResult:
    """The outcome of one input of perform_batch (one per input, in input order)."""

    status: ItemStatus
    object_type: str | None = None
    object_id: str | None = None
    created: bool | None = None
    error: ItemError | None = None


@dataclass(kw_only=True)  # never mutated (copies: replace); not frozen: 3x cheaper __init__
class Payload:
    """A validated action input; subclasses add the action's typed fields.

    `message_id` and `mapping_id` identify the (event, mapping) pair: behavioral events derive
    their idempotency uuid from them.
    """

    message_id: str
    mapping_id: str


@dataclass(frozen=True)
class BatchLimits:
    """How many payloads one perform_batch call should receive (larger inputs are chunked)."""

    max_items: int = 100


@dataclass(frozen=True)
class DestinationSettings:
    """Destination-level settings the actions read (Segment has only `portalId`)."""

    portal_id: str | None = None


@dataclass
class ActionContext:
    """What perform_batch may use: the HubSpot client, the worker-shared caches, settings.

    One context per destination per worker; its caches are shared by every action call.
    """

    client: Requester
    caches: ActionCaches
    settings: DestinationSettings = field(default_factory=DestinationSettings)


class PayloadBuilder(Protocol):
    """Validate one rendered mapping; raise RejectedError(Reason.INVALID_PAYLOAD, why)."""

    def __call__(
        self, rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
    ) -> Payload: ...


BatchPerformer = Callable[[ActionContext, Sequence[Payload]], Awaitable[list[ItemResult]]]


def batch_performer(perform: BatchPerformer) -> BatchPerformer:
    """The perform_batch contract around `perform`: an empty batch makes no call, and a
    RejectedError that concerns the whole batch (e.g. the object type's properties cannot be
    read) becomes one rejected outcome per input instead of an exception."""

    @functools.wraps(perform)
    async def performer(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
        if not payloads:
            return []
        try:
            return await perform(ctx, payloads)
        except RejectedError as exc:
            return [ItemResult("rejected", error=ItemError(exc.reason, exc.message))] * len(
                payloads)

    return performer


@dataclass(frozen=True)
class Action:
    """One HubSpot action: a declaration, then two verbs (STYLE.md section 2)."""

    name: str
    fields: Sequence[FieldSpec]
    batch: BatchLimits
    build_payload: PayloadBuilder
    perform_batch: BatchPerformer


P = TypeVar("P", bound=Payload)


def narrow(payloads: Sequence[Payload], kind: type[P]) -> list[P]:
    """The payloads as `kind`; a payload built by another action is a programming error."""
    narrowed = [payload for payload in payloads if isinstance(payload, kind)]
    if len(narrowed) != len(payloads):
        raise TypeError(f"perform_batch expects {kind.__name__} payloads only")
    return narrowed


def invalid(message: str) -> RejectedError:
    """The error build_payload raises for an invalid rendered mapping."""
    return RejectedError(Reason.INVALID_PAYLOAD, message)


def delivered(object_type: str, object_id: str, created: bool | None = None) -> ItemResult:
    """A delivered outcome for a record HubSpot now holds."""
    return ItemResult("delivered", object_type, object_id, created)


def rejected(reason: Reason, message: str, **detail: Any) -> ItemResult:
    """A rejected outcome (not retried) with its error."""
    return ItemResult("rejected", error=ItemError(reason, message, **detail))


def refused(
    object_type: str | None, error: ItemError | None, object_id: str | None = None
) -> ItemResult:
    """The outcome of a record HubSpot did not take: `failed` when replaying it could help
    (`error.retryable`), else `rejected`."""
    status: ItemStatus = "failed" if error is not None and error.retryable else "rejected"
    return ItemResult(status, object_type, object_id, error=error)
