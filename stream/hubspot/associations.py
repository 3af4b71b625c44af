"""Associations written in v4 batches (≤ 100 pairs per call), failures reported per pair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stream.errors import Reason
from stream.hubspot.batch import ItemError, Requester, call, item_error

Pair = tuple[str, str]
BATCH_PAIRS = 100


async def associate(
    client: Requester,
    from_type: str,
    to_type: str,
    pairs: Sequence[Pair],
    label: tuple[str, int] | None = None,
) -> dict[Pair, ItemError]:
    """Associate each (from id, to id) pair: the default association, or `label`
    (category, type id). Duplicate pairs are sent once. Returns the errors by pair."""
    unique = list(dict.fromkeys(pairs))
    failed: dict[Pair, ItemError] = {}
    verb = "associate/default" if label is None else "create"
    path = f"/crm/v4/associations/{from_type}/{to_type}/batch/{verb}"
    for start in range(0, len(unique), BATCH_PAIRS):
        failed.update(await _send(client, path, unique[start:start + BATCH_PAIRS], label))
    return failed


async def _send(
    client: Requester, path: str, chunk: list[Pair], label: tuple[str, int] | None
) -> dict[Pair, ItemError]:
    answer = await call(client, "POST", path, {"inputs": [_input(p, label) for p in chunk]})
    if answer.status in (400, 404, 409) and len(chunk) > 1:
        middle = len(chunk) // 2  # a whole-batch rejection: bisect to isolate the bad pair
        return {**await _send(client, path, chunk[:middle], label),
                **await _send(client, path, chunk[middle:], label)}
    return _failures(chunk, answer.status, answer.body)


async def dissociate(
    client: Requester, from_type: str, to_type: str, pairs: Sequence[Pair],
    label: tuple[str, int],
) -> dict[Pair, ItemError]:
    """Remove `label` between each pair (`batch/labels/archive`; removing the default label
    removes the whole association). Returns the errors by pair."""
    unique = list(dict.fromkeys(pairs))
    failed: dict[Pair, ItemError] = {}
    path = f"/crm/v4/associations/{from_type}/{to_type}/batch/labels/archive"
    for start in range(0, len(unique), BATCH_PAIRS):
        chunk = unique[start:start + BATCH_PAIRS]
        answer = await call(client, "POST", path, {"inputs": [_input(p, label) for p in chunk]})
        if not 200 <= answer.status < 300:
            failed.update((pair, item_error(answer.status, answer.body)) for pair in chunk)
    return failed


def _input(pair: Pair, label: tuple[str, int] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"from": {"id": pair[0]}, "to": {"id": pair[1]}}
    if label is not None:
        body["types"] = [{"associationCategory": label[0], "associationTypeId": label[1]}]
    return body


def _failures(chunk: list[Pair], status: int, body: Any) -> dict[Pair, ItemError]:
    """Pairs without a result fail with the (first) error HubSpot gave."""
    if not 200 <= status < 300:
        error = item_error(status, body)
        return {pair: error for pair in chunk}
    answered = {_result_pair(r) for r in _list(body, "results")}
    errors = _list(body, "errors")
    if not errors and not answered:
        return {}  # associate calls may answer without echoing results
    error = item_error(None, errors[0]) if errors else ItemError(
        Reason.INTERNAL, "HubSpot did not confirm this association", retryable=True)
    return {pair: error for pair in chunk if pair not in answered}


def _list(body: Any, key: str) -> list[Mapping[str, Any]]:
    items = body.get(key) if isinstance(body, Mapping) else None
    return [item for item in items or [] if isinstance(item, Mapping)]


def _result_pair(result: Mapping[str, Any]) -> Pair:
    source, target = result.get("from") or {}, result.get("to") or {}
    if "fromObjectId" in result:
        return str(result["fromObjectId"]), str(result.get("toObjectId"))
    return str(source.get("id")), str(target.get("id"))
