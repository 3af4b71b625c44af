"""The delivery core: no gaps, per-record internal failures, durable lane state, dedup."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from stream.actions.base import Action, ActionContext, ItemResult, Payload
from stream.delivery.action_call import ActionCall
from stream.delivery.ingest import Ingestor, IngestResult
from stream.delivery.lane_memory import DegradingLaneMemory, InProcessLaneMemory, LaneMemory
from stream.delivery.lane_state import LaneState
from stream.delivery.pipeline import InRecord, Lane, OutRecord, Pipeline
from stream.delivery.runner import ActionRunner, LaneStopped, PausePolicy
from stream.metrics.pipeline import PipelineMetrics
from stream.outcomes.model import Outcome, SourceCoordinates
from tests.delivery.fakes import Recorder, fake_action, fake_context
from tests.delivery.test_epoch import make_call


@dataclass
class FakeKafka:
    """Published records by topic id; the state topics double as the changelog to restore."""

    records: list[OutRecord] = field(default_factory=list)
    failures_left: int = 0

    async def publish(self, records: Sequence[OutRecord]) -> list[BaseException | None]:
        answers: list[BaseException | None] = []
        for record in records:
            if self.failures_left > 0:
                self.failures_left -= 1
                answers.append(ConnectionError("broker unreachable"))
            else:
                self.records.append(record)
                answers.append(None)
        return answers

    def reader(self, topic: str) -> Any:
        async def read(partition: int) -> list[tuple[bytes, bytes | None]]:
            return [(r.key or b"", r.value) for r in self.records
                    if r.topic == topic and r.partition == partition]
        return read

    def outcomes(self) -> list[dict[str, Any]]:
        import orjson

        return [orjson.loads(r.value) for r in self.records
                if r.topic in ("results", "failures")]

    def forwards(self) -> list[ActionCall]:
        return [ActionCall.decode(r.value) for r in self.records if r.topic == "group_lane"]


def make_pipeline(recorder: Recorder, kafka: FakeKafka, memory: LaneMemory | None = None,
                  actions: dict[str, Action] | None = None,
                  metrics: PipelineMetrics | None = None) -> Pipeline:
    actions = actions or {name: fake_action(name, recorder)
                          for name in ("upsert_contact", "upsert_company")}
    runner = ActionRunner(actions, fake_context(), PausePolicy(base_seconds=0.01))

    async def open_runner() -> ActionRunner:
        return runner

    ingestor = Ingestor.__new__(Ingestor)
    ingestor.destination = type("D", (), {"id": "d"})()  # type: ignore[assignment]
    states = {"user": LaneState(kafka.reader("user_state"), 60),
              "group": LaneState(kafka.reader("group_state"), 60)}
    return Pipeline(ingestor, open_runner, metrics or PipelineMetrics(CollectorRegistry()),
                    memory or InProcessLaneMemory(window_seconds=60), states)


def lane(*calls: ActionCall, partition: int = 3) -> list[InRecord]:
    return [InRecord(SourceCoordinates("lane", partition, offset), call.encode())
            for offset, call in enumerate(calls)]


async def run(pipeline: Pipeline, kafka: FakeKafka, which: Lane,
              records: list[InRecord]) -> None:
    await pipeline.process(which, records, kafka.publish)


async def test_a_redelivered_call_gets_no_second_outcome_even_after_a_restart() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    record = lane(make_call("upsert_contact", "c1", "u1", "m1"))
    await run(make_pipeline(recorder, kafka), kafka, "user", record)
    restarted = make_pipeline(recorder, kafka)  # empty cache: only the Kafka lane state knows
    await run(restarted, kafka, "user", record)
    assert [o["status"] for o in kafka.outcomes()] == ["delivered"]
    assert len(recorder.calls) == 1


async def test_a_replay_attempt_is_not_taken_for_a_repeat() -> None:
    kafka = FakeKafka()
    pipeline = make_pipeline(Recorder(), kafka)
    call = make_call("upsert_contact", "c1", "u1", "m1")
    await run(pipeline, kafka, "user", lane(call))
    replay = ActionCall.decode(call.encode().replace(b'"attempts":1', b'"attempts":2'))
    await run(pipeline, kafka, "user", lane(replay))
    assert [o["attempts"] for o in kafka.outcomes()] == [1, 2]


async def test_a_restarted_worker_still_knows_the_contact_of_each_user() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    await run(make_pipeline(recorder, kafka), kafka, "user",
              lane(make_call("upsert_contact", "c1", "u1", "m1")))
    restarted = make_pipeline(recorder, kafka, InProcessLaneMemory(window_seconds=60))
    await run(restarted, kafka, "user",
              lane(make_call("upsert_company", "g1", "u1", "m2", group_id="g1")))
    assert [(f.group_id, f.contact_id) for f in kafka.forwards()] == [("g1", "upsert_contact:c1")]


async def test_state_of_a_revoked_partition_is_restored_again_when_it_comes_back() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    first, second = make_pipeline(recorder, kafka), make_pipeline(recorder, kafka)
    await run(first, kafka, "user", lane(make_call("upsert_contact", "c1", "u1", "m1")))
    await run(second, kafka, "user", lane(make_call("upsert_contact", "c2", "u1", "m2")))
    first.partitions_revoked("user", [3])
    await run(first, kafka, "user",
              lane(make_call("upsert_company", "g1", "u1", "m3", group_id="g1")))
    assert [f.contact_id for f in kafka.forwards()] == ["upsert_contact:c2"]


async def test_a_group_of_a_user_whose_contact_write_failed_names_that_failure() -> None:
    kafka = FakeKafka()
    pipeline = make_pipeline(Recorder(), kafka)
    contact = make_call("upsert_contact", "c1", "u1", "m1")
    bad = ActionCall.decode(contact.encode().replace(b'"payload":{"key":"c1"}', b'"payload":{}'))
    await run(pipeline, kafka, "user", lane(bad))
    await run(pipeline, kafka, "user",
              lane(make_call("upsert_company", "g1", "u1", "m2", group_id="g1")))
    [forward] = kafka.forwards()
    assert forward.contact_id is None
    assert forward.contact_failure == "invalid_payload: key is required"


async def test_an_undecodable_lane_record_becomes_its_own_failure_outcome() -> None:
    kafka = FakeKafka()
    records = [InRecord(SourceCoordinates("lane", 0, 7), b"garbage"),
               *lane(make_call("upsert_contact", "c1", "u1", "m1"), partition=0)]
    await run(make_pipeline(Recorder(), kafka), kafka, "user", records)
    statuses = sorted((o["status"], (o["error"] or {}).get("reason")) for o in kafka.outcomes())
    assert statuses == [("delivered", None), ("failed", "internal")]


def exploding_action(name: str, recorder: Recorder, poison: str) -> Action:
    """A fake action whose build or batch raises a bug-like exception for the `poison` key."""
    base = fake_action(name, recorder)

    async def perform(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
        if any(getattr(p, "key", None) == poison for p in payloads):
            raise KeyError(f"bug for {poison}")
        return await base.perform_batch(ctx, payloads)

    return Action(name=name, fields=(), batch=base.batch,
                  build_payload=base.build_payload, perform_batch=perform)


async def test_an_exception_inside_perform_batch_fails_only_the_record_that_raises_it() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    actions = {"upsert_contact": exploding_action("upsert_contact", recorder, "c3")}
    calls = [make_call("upsert_contact", f"c{i}", f"u{i}", f"m{i}") for i in range(8)]
    await run(make_pipeline(recorder, kafka, actions=actions), kafka, "user", lane(*calls))
    by_message = {o["message_id"]: o for o in kafka.outcomes()}
    assert len(by_message) == 8
    assert by_message["m3"]["status"] == "failed"
    assert by_message["m3"]["error"]["reason"] == "internal"
    assert by_message["m3"]["error"]["message"] == "KeyError: 'bug for c3'"
    assert {m for m, o in by_message.items() if o["status"] == "delivered"} == {
        f"m{i}" for i in range(8) if i != 3}


async def test_an_exception_while_ingesting_one_event_fails_that_event_only() -> None:
    class Exploding:
        destination = type("D", (), {"id": "d"})()

        def ingest(self, raw: bytes, source: SourceCoordinates, attempt: int) -> IngestResult:
            if raw == b"poison":
                raise RecursionError("maximum recursion depth exceeded")
            return IngestResult(calls=[make_call("upsert_contact", "c", "u", raw.decode())])

    kafka = FakeKafka()
    pipeline = make_pipeline(Recorder(), kafka)
    pipeline.ingestor = Exploding()  # type: ignore[assignment]
    await run(pipeline, kafka, "ingest", [InRecord(SourceCoordinates("in", 1, i), raw)
                                           for i, raw in enumerate([b"a", b"poison", b"b"])])
    [failure] = kafka.outcomes()
    assert failure["message_id"] == "source:in:1:1"
    assert failure["error"]["message"] == (
        "event: RecursionError: maximum recursion depth exceeded")
    assert [r.topic for r in kafka.records] == ["failures", "user_lane", "user_lane"]


async def test_a_failing_publication_is_retried_until_kafka_takes_every_record() -> None:
    kafka = FakeKafka(failures_left=3)
    pipeline = make_pipeline(Recorder(), kafka)
    calls = [make_call("upsert_contact", f"c{i}", f"u{i}", f"m{i}") for i in range(2)]
    await run(pipeline, kafka, "user", lane(*calls))
    assert sorted(o["message_id"] for o in kafka.outcomes()) == ["m0", "m1"]
    assert pipeline.problems() == {}


async def test_the_lane_reports_itself_blocked_while_kafka_refuses_records() -> None:
    kafka = FakeKafka(failures_left=10**6)
    pipeline = make_pipeline(Recorder(), kafka)
    task = asyncio.ensure_future(run(pipeline, kafka, "user",
                                     lane(make_call("upsert_contact", "c1", "u1", "m1"))))
    await asyncio.sleep(0.2)
    assert pipeline.problems() == {
        "lane user": "publish: ConnectionError: broker unreachable"}
    pipeline.request_stop()
    with pytest.raises(LaneStopped):
        await task
    assert kafka.outcomes() == []


async def test_shutdown_abandons_an_epoch_paused_on_hubspot_without_outcomes() -> None:
    recorder, kafka = Recorder(failures_before_success=10**6), FakeKafka()
    pipeline = make_pipeline(recorder, kafka)
    (await pipeline.runner()).pause = PausePolicy(base_seconds=60, cap_seconds=60)
    task = asyncio.ensure_future(run(pipeline, kafka, "user",
                                     lane(make_call("upsert_contact", "c1", "u1", "m1"))))
    await asyncio.sleep(0.1)
    assert pipeline.problems()["action upsert_contact"].startswith("retryable pause since")
    paused = pipeline.metrics.lane_paused.labels("d", "user", "retryable")
    assert paused._value.get() == 0  # problems() only reads; the gauge timer sets the gauges
    pipeline.refresh_gauges()
    assert paused._value.get() == 1
    pipeline.request_stop()
    with pytest.raises(LaneStopped):
        await asyncio.wait_for(task, timeout=2)
    assert kafka.records == []


class BrokenMemory:
    async def seen(self, dedup_keys: Sequence[str]) -> set[str]:
        raise ConnectionError("Redis is gone")

    async def contact_ids(self, routing_keys: Any) -> dict[str, str]:
        raise ConnectionError("Redis is gone")

    async def remember(self, dedup_keys: Sequence[str], contact_ids: Any) -> None:
        raise ConnectionError("Redis is gone")


async def test_an_unreachable_lane_cache_degrades_and_the_lane_keeps_flowing() -> None:
    kafka, states = FakeKafka(), list[bool]()
    memory = DegradingLaneMemory(BrokenMemory(), states.append)
    pipeline = make_pipeline(Recorder(), kafka, memory)
    await run(pipeline, kafka, "user", lane(make_call("upsert_contact", "c1", "u1", "m1")))
    await run(pipeline, kafka, "user",
              lane(make_call("upsert_company", "g1", "u1", "m2", group_id="g1")))
    assert [o["status"] for o in kafka.outcomes()] == ["delivered"]
    assert [f.contact_id for f in kafka.forwards()] == ["upsert_contact:c1"]
    assert states == [True]


async def test_a_company_call_forwarded_by_the_user_lane_runs_in_the_group_lane() -> None:
    kafka = FakeKafka()
    pipeline = make_pipeline(Recorder(), kafka)
    await run(pipeline, kafka, "user",
              lane(make_call("upsert_company", "g1", "u1", "m2", group_id="g1")))
    forwards = [r for r in kafka.records if r.topic == "group_lane"]
    await run(pipeline, kafka, "group", [InRecord(SourceCoordinates("g", 5, 0), r.value)
                                         for r in forwards])
    await run(pipeline, kafka, "group", [InRecord(SourceCoordinates("g", 5, 0), r.value)
                                         for r in forwards])
    assert [o["status"] for o in kafka.outcomes()] == ["delivered"]
    assert {r.partition for r in kafka.records if r.topic == "group_state"} == {5}


def test_an_outcome_whose_event_cannot_be_encoded_still_encodes() -> None:
    import orjson

    deep: Any = {}
    for _ in range(300):
        deep = {"a": deep}
    outcome = Outcome(status="rejected", destination="d", mapping="m", action="a",
                      message_id="x", event_type="track", routing_key="u",
                      source=SourceCoordinates("t", 0, 1), event=deep,
                      error=None)
    record = orjson.loads(outcome.encode_safely())
    assert record["message_id"] == "x"
    assert record["event"]["unencodable"] == "TypeError: Recursion limit reached"
    assert record["event"]["raw_text"].startswith("{'a': {'a':")



async def test_a_record_that_keeps_killing_the_worker_is_passed_with_a_failure(
        tmp_path: Any) -> None:
    from stream.delivery.crash_ledger import CrashLedger

    path = tmp_path / "crash-ledger.json"
    calls = [make_call("upsert_contact", f"c{i}", f"u{i}", f"m{i}") for i in range(4)]
    records = lane(*calls)

    def died_during(ledger: CrashLedger, batch: list[InRecord], alone: bool = False) -> None:
        ledger.begin("user", [r.source for r in batch], alone)  # never ended: the worker died

    died_during(CrashLedger(path), records)  # first death: the whole batch was in flight
    CrashLedger(path).begin("user", [r.source for r in records], rerun=True)  # its re-run died
    for _ in range(2):  # after it, records run alone; the one at offset 2 kills it again
        died_during(CrashLedger(path), [records[2]], alone=True)
    kafka, recorder = FakeKafka(), Recorder()
    pipeline = make_pipeline(recorder, kafka)
    pipeline.ledger = CrashLedger(path)
    await run(pipeline, kafka, "user", records)
    outcomes = {o["message_id"]: o for o in kafka.outcomes()}
    assert outcomes["source:lane:3:2"]["error"]["message"] == (
        "user record: RuntimeError: the record killed the worker 3 times; passed without "
        "processing")
    assert [outcomes[m]["status"] for m in ("m0", "m1", "m3")] == ["delivered"] * 3
    assert len(outcomes) == 4
    assert [len(keys) for _, keys, _ in recorder.calls] == [1, 1, 1]  # one at a time
    assert CrashLedger(path).previous == []


async def test_a_batch_the_worker_died_in_once_runs_again_as_a_batch(tmp_path: Any) -> None:
    from stream.delivery.crash_ledger import CrashLedger

    path = tmp_path / "crash-ledger.json"
    records = lane(*[make_call("upsert_contact", "c", "u", f"m{i}") for i in range(3)])
    CrashLedger(path).begin("user", [r.source for r in records])  # the worker died in it
    kafka, recorder = FakeKafka(), Recorder()
    pipeline = make_pipeline(recorder, kafka)
    pipeline.ledger = CrashLedger(path)
    await run(pipeline, kafka, "user", records)
    assert [len(keys) for _, keys, _ in recorder.calls] == [3]  # one call, not one per record
    assert CrashLedger(path).previous == []
    CrashLedger(path).begin("user", [r.source for r in records], rerun=True)  # died again
    assert CrashLedger(path).must_isolate("user", [records[0].source])


async def test_a_batch_after_a_clean_run_is_not_isolated(tmp_path: Any) -> None:
    from stream.delivery.crash_ledger import CrashLedger

    kafka, recorder = FakeKafka(), Recorder()
    pipeline = make_pipeline(recorder, kafka)
    pipeline.ledger = CrashLedger(tmp_path / "crash-ledger.json")
    calls = [make_call("upsert_contact", f"c{i}", f"u{i}", f"m{i}") for i in range(3)]
    await run(pipeline, kafka, "user", lane(*calls))
    assert [len(keys) for _, keys, _ in recorder.calls] == [3]
    assert CrashLedger(tmp_path / "crash-ledger.json").previous == []


async def test_the_budget_share_and_the_pace_go_through_the_runners_pacing() -> None:
    class Pacing:
        shares: list[float] = []

        def pace(self) -> tuple[float, float]:
            return 19.0, 0.4

        def share_budget(self, share: float) -> None:
            self.shares.append(share)

    pipeline = make_pipeline(Recorder(), FakeKafka())
    pipeline.assignment_changed(0.5)  # before the runner opens: remembered
    runner = await pipeline.runner()
    pacing = Pacing()
    runner.pacing = pacing
    pipeline.assignment_changed(0.25)
    assert pacing.shares == [0.25]
    scheduler = pipeline.scheduler("user", FakeKafka().publish, lambda h: asyncio.sleep(0),
                                   type("S", (), {"batch_max_items": 100,
                                                  "batch_max_wait_seconds": 1.0,
                                                  "max_epochs_in_flight": 32,
                                                  "max_records_in_flight": 10})(),
                                   lambda handles: None)
    assert scheduler.limit.value() == 13  # ceil(19 calls/s x 0.4 s x 1.5) + 1
