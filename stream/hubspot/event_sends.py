"""Custom event occurrences sent ≤ 500 per `POST /events/v3/send/batch`: a whole-batch 400 that
names bad occurrences (`context.index`) fails only those, else the batch is bisected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from stream.hubspot.batch import ItemError, Requester, call, item_error

SEND_BATCH = "/events/v3/send/batch"
MAX_SENDS = 500


async def send_occurrences(
    client: Requester, occurrences: Sequence[Mapping[str, Any]]
) -> list[ItemError | None]:
    """Send occurrences (≤ 500 per call); the error of each failed one, in input order.
    A whole-batch 400 is bisected so only the bad occurrences fail."""
    errors: list[ItemError | None] = []
    for start in range(0, len(occurrences), MAX_SENDS):
        errors += await _send(client, occurrences[start:start + MAX_SENDS])
    return errors


async def _send(client: Requester, chunk: Sequence[Mapping[str, Any]]) -> list[ItemError | None]:
    if not chunk:
        return []
    answer = await call(client, "POST", SEND_BATCH, {"inputs": list(chunk)})
    if answer.ok:
        return [None] * len(chunk)
    named = _errors_by_index(answer.body, len(chunk)) if answer.status == 400 else {}
    if named:  # HubSpot named the bad occurrences: fail those, send the rest again
        rest = [i for i in range(len(chunk)) if i not in named]
        sent = iter(await _send(client, [chunk[i] for i in rest]))
        return [named[i] if i in named else next(sent) for i in range(len(chunk))]
    if len(chunk) > 1 and answer.status in (400, 404, 409):
        middle = len(chunk) // 2  # a whole-batch 400 naming no input: bisect
        return [*await _send(client, chunk[:middle]), *await _send(client, chunk[middle:])]
    entries = _list_errors(answer.body)
    error = item_error(answer.status, entries[0] if len(chunk) == 1 and entries else answer.body)
    return [replace(error, http_status=answer.status)] * len(chunk)


def _list_errors(body: Any) -> list[Mapping[str, Any]]:
    errors = body.get("errors") if isinstance(body, Mapping) else None
    return [e for e in errors or [] if isinstance(e, Mapping)]


def _errors_by_index(body: Any, count: int) -> dict[int, ItemError]:
    named: dict[int, ItemError] = {}
    for entry in _list_errors(body):
        for index in (entry.get("context") or {}).get("index", []):
            if str(index).isdigit() and int(index) < count:
                named[int(index)] = replace(item_error(None, entry), http_status=400)
    return named
