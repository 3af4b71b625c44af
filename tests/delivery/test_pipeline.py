"""The delivery core: dedup by (message id, mapping, attempt), contact memory across epochs."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from stream.delivery.action_call import ActionCall
from stream.delivery.ingest import Ingestor
from stream.delivery.lane_memory import InProcessLaneMemory
from stream.delivery.pipeline import Pipeline
from stream.delivery.runner import ActionRunner, PausePolicy
from stream.metrics.pipeline import PipelineMetrics
from tests.delivery.fakes import Recorder, fake_action, fake_context
from tests.delivery.test_epoch import make_call


def make_pipeline(recorder: Recorder, memory: InProcessLaneMemory) -> Pipeline:
    actions = {name: fake_action(name, recorder)
               for name in ("upsert_contact", "upsert_company")}
    runner = ActionRunner(actions, fake_context(), PausePolicy())

    async def open_runner() -> ActionRunner:
        return runner

    ingestor = Ingestor.__new__(Ingestor)
    ingestor.destination = type("D", (), {"id": "d"})()  # type: ignore[assignment]
    return Pipeline(ingestor, open_runner, PipelineMetrics(CollectorRegistry()), memory)


async def test_a_repeated_call_is_dropped_after_its_outcome_was_published() -> None:
    recorder = Recorder()
    pipeline = make_pipeline(recorder, InProcessLaneMemory(window_seconds=60))
    record = make_call("upsert_contact", "c1", "u1", "m1").encode()
    first = await pipeline.user_epoch([record])
    await pipeline.published(first)
    second = await pipeline.user_epoch([record])
    assert [o.status for o in first.outcomes] == ["delivered"]
    assert second.outcomes == []
    assert len(recorder.calls) == 1


async def test_a_replay_attempt_is_not_taken_for_a_repeat() -> None:
    recorder = Recorder()
    pipeline = make_pipeline(recorder, InProcessLaneMemory(window_seconds=60))
    call = make_call("upsert_contact", "c1", "u1", "m1")
    await pipeline.published(await pipeline.user_epoch([call.encode()]))
    replay = ActionCall.decode(call.encode().replace(b'"attempts":1', b'"attempts":2'))
    output = await pipeline.user_epoch([replay.encode()])
    assert [o.attempts for o in output.outcomes] == [2]


async def test_companies_use_the_contact_id_learned_in_an_earlier_epoch() -> None:
    recorder = Recorder()
    pipeline = make_pipeline(recorder, InProcessLaneMemory(window_seconds=60))
    contact = make_call("upsert_contact", "c1", "u1", "m1")
    await pipeline.published(await pipeline.user_epoch([contact.encode()]))
    company = make_call("upsert_company", "g1", "u1", "m2", group_id="g1")
    output = await pipeline.user_epoch([company.encode()])
    assert [(f.group_id, f.contact_id) for f in output.forwards] == [
        ("g1", "upsert_contact:c1")]


async def test_an_undecodable_lane_record_becomes_a_failure_outcome() -> None:
    pipeline = make_pipeline(Recorder(), InProcessLaneMemory(window_seconds=60))
    output = await pipeline.user_epoch([b"garbage"])
    assert [(o.status, o.error.reason.value if o.error else None) for o in output.outcomes] == [
        ("failed", "internal")]


async def test_a_company_call_marked_in_the_user_lane_still_runs_in_the_group_lane() -> None:
    recorder = Recorder()
    pipeline = make_pipeline(recorder, InProcessLaneMemory(window_seconds=60))
    company = make_call("upsert_company", "g1", "u1", "m2", group_id="g1")
    user_output = await pipeline.user_epoch([company.encode()])
    await pipeline.published(user_output)
    group_output = await pipeline.group_epoch([f.encode() for f in user_output.forwards])
    assert [o.status for o in group_output.outcomes] == ["delivered"]
