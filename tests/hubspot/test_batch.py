"""The batch write adapter: results mapped back by objectWriteTraceId, unanswered inputs
failed, and a whole-batch 400 bisected until the bad input is isolated."""

from __future__ import annotations

from stream.actions.base import ActionContext
from stream.hubspot.batch import traced_outcomes, write_batch
from tests.actions.hubspot_setup import calls, create_record
from tests.fixtures.emulator import EmulatorHandle


async def test_whole_batch_400_is_bisected_and_the_good_inputs_written(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    ids = [await create_record(emulator, "deals", {"dealname": f"D{i}"}) for i in range(4)]
    # a repeated id fails the whole request (HubSpot: "Duplicate IDs found in batch input")
    inputs = [{"id": ids[0], "properties": {"dealname": "A"}},
              {"id": ids[1], "properties": {"dealname": "B"}},
              {"id": ids[1], "properties": {"dealname": "B again"}},
              {"id": "999999", "properties": {"dealname": "missing"}}]
    outcomes = await write_batch(ctx.client, "/crm/v3/objects/deals/batch/update", inputs)
    assert [o.result is not None for o in outcomes] == [True, True, True, False]
    assert outcomes[3].error is not None
    assert outcomes[3].error.category == "OBJECT_NOT_FOUND"
    statuses = [c["status"] for c in await calls(emulator, "/crm/v3/objects/deals/batch/")]
    assert statuses[0] == 400


def test_results_and_errors_map_back_to_inputs_by_trace_id() -> None:
    body = {"results": [{"id": "2", "objectWriteTraceId": "1"}],
            "errors": [{"category": "VALIDATION_ERROR", "message": "bad",
                        "context": {"objectWriteTraceId": ["2"]}}]}
    outcomes = traced_outcomes(3, body)
    assert outcomes[0].error is not None
    assert outcomes[0].error.retryable  # neither answered nor failed: never silently dropped
    assert outcomes[1].result == {"id": "2", "objectWriteTraceId": "1"}
    assert outcomes[2].error is not None
    assert outcomes[2].error.message == "bad"


def test_silent_empty_answer_fails_every_input() -> None:
    outcomes = traced_outcomes(2, {"status": "COMPLETE", "results": []})
    assert all(o.error is not None and o.error.retryable for o in outcomes)
