"""HubSpot's batch protocol for the actions: one call, CRM batch writes, per-input errors.

`call` answers any 2xx/4xx (the caller decides what a 404 or 409 means); `write_batch` sends a
CRM batch write with an objectWriteTraceId per input and answers one InputOutcome per input,
in input order (207 errors mapped back, a whole-batch 400/409 bisected here, not in the client).
Both raise RetryableError / FatalError as the client does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from stream.errors import Reason


@dataclass(frozen=True)
class ItemError:
    """Why one record was not delivered; `retryable` says whether replaying it could help."""

    reason: Reason
    message: str
    http_status: int | None = None
    category: str | None = None
    retryable: bool = False


@dataclass(slots=True)  # never mutated; not frozen: 3x cheaper __init__ (one per input)
class InputOutcome:
    """What happened to one input of a batch: its result object, or its error."""

    result: Mapping[str, Any] | None = None
    error: ItemError | None = None


class Reply(Protocol):
    """What the client answers (stream.hubspot.client.Response)."""

    @property
    def status(self) -> int: ...

    @property
    def body(self) -> Any: ...

    @property
    def ok(self) -> bool: ...


class Requester(Protocol):
    """The part of the HubSpot client the actions use (HubSpotClient, or a recorder of it)."""

    async def request(
        self, method: str, path: str, *, json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Reply: ...


async def call(
    client: Requester,
    method: str,
    path: str,
    body: Any = None,
    params: Mapping[str, str] | None = None,
) -> Reply:
    """One request; raises RetryableError (429/5xx/timeouts) or FatalError (auth)."""
    return await client.request(method, path, json=body, params=params)


async def write_batch(
    client: Requester, path: str, inputs: Sequence[Mapping[str, Any]]
) -> list[InputOutcome]:
    """A CRM batch write (≤ 100 inputs); one outcome per input, in input order."""
    if not inputs:
        return []
    traced = [{**item, TRACE: str(index)} for index, item in enumerate(inputs)]
    answer = await call(client, "POST", path, {"inputs": traced})
    if not answer.ok:
        if len(inputs) == 1 or answer.status not in (400, 409):
            error = item_error(answer.status, answer.body)
            return [InputOutcome(error=error) for _ in inputs]
        middle = len(inputs) // 2  # a whole-batch 400/409: bisect to isolate the bad input
        return [*await write_batch(client, path, inputs[:middle]),
                *await write_batch(client, path, inputs[middle:])]
    return traced_outcomes(len(inputs), answer.body)


def traced_outcomes(count: int, body: Any) -> list[InputOutcome]:
    """Results and 207 errors mapped back to inputs by objectWriteTraceId; an input neither
    answered nor failed is a failure (HubSpot's silent empty 200)."""
    outcomes: list[InputOutcome | None] = [None] * count
    for result in body.get("results", []) if isinstance(body, Mapping) else []:
        index = _trace_index(result.get(TRACE), count)
        if index is not None:
            outcomes[index] = InputOutcome(result=result)
    for error in body.get("errors", []) if isinstance(body, Mapping) else []:
        for trace in (error.get("context") or {}).get(TRACE, []):
            index = _trace_index(trace, count)
            if index is not None:
                outcomes[index] = InputOutcome(error=item_error(None, error))
    missing = ItemError(Reason.INTERNAL, "HubSpot answered neither a result nor an error for "
                        "this input", retryable=True)
    return [o or InputOutcome(error=missing) for o in outcomes]


def _trace_index(trace: Any, count: int) -> int | None:
    text = str(trace) if trace is not None else ""
    return int(text) if text.isdigit() and int(text) < count else None


def item_error(status: int | None, body: Any) -> ItemError:
    """An ItemError from a HubSpot error body (whole response or one 207 entry)."""
    fields = body if isinstance(body, Mapping) else {}
    category = fields.get("category")
    message = str(fields.get("message") or f"HubSpot answered {status}")
    reason = _REASONS.get(status or 0) or _CATEGORY_REASONS.get(str(category), Reason.VALIDATION)
    return ItemError(reason, message, status, str(category) if category else None)


_REASONS = {404: Reason.NOT_FOUND, 409: Reason.CONFLICT, 403: Reason.FORBIDDEN}
_CATEGORY_REASONS = {"OBJECT_NOT_FOUND": Reason.NOT_FOUND, "CONFLICT": Reason.CONFLICT,
                     "OBJECT_ALREADY_EXISTS": Reason.CONFLICT, "MISSING_SCOPES": Reason.FORBIDDEN}
TRACE = "objectWriteTraceId"
