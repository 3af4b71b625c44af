"""The same contract for every action, against the emulator over HTTP: empty batch, one item,
100 items, a 207 partial, a 429 then success, a whole-batch 400 caused by one bad item, and
results aligned to inputs."""

from __future__ import annotations

import pytest

from stream.actions.base import ActionContext, ItemResult, Payload
from stream.actions.catalog import ACTIONS
from stream.errors import RetryableError
from tests.actions.cases import CASES, ActionCase
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.parametrize("case", CASES, ids=[c.action for c in CASES])


def build(case: ActionCase, emulator: EmulatorHandle, count: int,
          bad: frozenset[int] = frozenset()) -> list[Payload]:
    action = ACTIONS[case.action]
    payloads = []
    for i in range(count):
        rendered = case.render(i, i in bad)
        if "eventName" in rendered:
            rendered["eventName"] = rendered["eventName"].replace("{portal}",
                                                                  str(emulator.portal_id))
        payloads.append(action.build_payload(rendered, message_id=f"msg-{i}",
                                             mapping_id="contract"))
    return payloads


async def perform(case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle,
                  payloads: list[Payload]) -> list[ItemResult]:
    if case.setup is not None and not await emulator.requests(path_prefix="/events/v3/event-d"):
        await case.setup(emulator)
    return await ACTIONS[case.action].perform_batch(ctx, payloads)


async def writes(emulator: EmulatorHandle, case: ActionCase) -> list[dict[str, object]]:
    return [r for r in await emulator.requests(path_prefix=case.write_path)
            if r["method"] == "POST"]


async def test_empty_batch_makes_no_call(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    assert await ACTIONS[case.action].perform_batch(ctx, []) == []
    assert await emulator.requests() == []


async def test_one_item_is_delivered(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await perform(case, ctx, emulator, build(case, emulator, 1))
    assert [r.status for r in results] == ["delivered"]
    assert results[0].object_id


async def test_hundred_items_are_delivered_in_one_write_call(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await perform(case, ctx, emulator, build(case, emulator, 100))
    assert [r.status for r in results] == ["delivered"] * 100
    assert len({r.object_id for r in results}) == 100  # one distinct record per input
    assert len(await writes(emulator, case)) == 1


async def test_partial_failure_rejects_only_the_bad_record(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    if case.setup is not None:
        await case.setup(emulator)
    await case.haunt(ctx)
    results = await perform(case, ctx, emulator, build(case, emulator, 10, frozenset({3})))
    assert [r.status for r in results] == ["delivered"] * 3 + ["rejected"] + ["delivered"] * 6
    error = results[3].error
    assert error is not None
    assert "ghost_property" in error.message


async def test_rate_limited_call_is_retried_to_success(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    payloads = build(case, emulator, 5)
    await emulator.set_faults(script=[{"path_prefix": case.write_path, "times": 1,
                                       "status": 429, "policy": "SECONDLY"}])
    try:
        results = await perform(case, ctx, emulator, payloads)
    except RetryableError:  # the lane retries the epoch later; the writes are idempotent
        results = await perform(case, ctx, emulator, payloads)
    assert [r.status for r in results] == ["delivered"] * 5
    statuses = [r["status"] for r in await writes(emulator, case)]
    assert statuses[0] == 429
    assert statuses[-1] in (200, 201, 204)


async def test_one_bad_record_never_fails_the_whole_batch(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    """Event sends answer a whole-batch 400 for one bad occurrence: the bad one is isolated and
    the rest are sent again. CRM batches carry an objectWriteTraceId per input, so HubSpot
    answers 207 instead; the bisection of an untraceable whole-batch 400 is shown in
    test_calls.py against the emulator's duplicate-id 400."""
    if case.setup is not None:
        await case.setup(emulator)
    await case.haunt(ctx)
    results = await perform(case, ctx, emulator, build(case, emulator, 8, frozenset({5})))
    assert [r.status for r in results] == ["delivered"] * 5 + ["rejected"] + ["delivered"] * 2
    first = (await writes(emulator, case))[0]["status"]
    assert first == (400 if case.write_path.startswith("/events") else 207)


async def test_results_are_aligned_to_inputs(
    case: ActionCase, ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    if case.setup is not None:
        await case.setup(emulator)
    await case.haunt(ctx)
    bad = frozenset({0, 4, 9})
    results = await perform(case, ctx, emulator, build(case, emulator, 10, bad))
    assert len(results) == 10
    assert {i for i, r in enumerate(results) if r.status == "rejected"} == bad
