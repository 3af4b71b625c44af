"""Direct delivery: input records keyed by their routing key skip the user-lane topic."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner  # type: ignore[import-untyped]

from stream.delivery.action_call import ActionCall
from stream.delivery.direct import DirectRouting, default_partition
from stream.delivery.ingest import IngestResult
from stream.delivery.pipeline import InRecord, Pipeline
from stream.outcomes.model import SourceCoordinates
from tests.delivery.fakes import Recorder
from tests.delivery.test_epoch import make_call
from tests.delivery.test_pipeline import FakeKafka, lane, make_pipeline, run

PARTITIONS = 12


class OneCallPerRecord:
    """An ingestor whose record value is `action:key:user:message` (one call each)."""

    destination = type("D", (), {"id": "d"})()

    def ingest(self, raw: bytes, source: SourceCoordinates, attempt: int) -> IngestResult:
        action, key, user, message = raw.decode().split(":")
        extra = {"group_id": key} if action == "upsert_company" else {}
        return IngestResult(calls=[make_call(action, key, user, message, **extra)])


def lane_partition(key: bytes) -> int:
    """Where aiokafka's producer (the user-lane publisher) puts this key."""
    partitions = list(range(PARTITIONS))
    return int(DefaultPartitioner()(key, partitions, partitions))


def source(value: str, key: bytes | None, partition: int | None = None,
           offset: int = 0) -> InRecord:
    where = lane_partition(key or b"") if partition is None else partition
    return InRecord(SourceCoordinates("in", where, offset), value.encode(), 1, key)


def direct_pipeline(recorder: Recorder, kafka: FakeKafka) -> Pipeline:
    pipeline = make_pipeline(recorder, kafka)
    pipeline.ingestor = OneCallPerRecord()  # type: ignore[assignment]
    pipeline.direct = DirectRouting(PARTITIONS)
    return pipeline


def test_the_direct_partition_is_the_one_the_lane_producer_chooses() -> None:
    for user in ("u1", "user-2", "ünïcode", "x" * 200):
        key = user.encode()
        assert default_partition(key, PARTITIONS) == lane_partition(key)


async def test_a_record_keyed_by_its_routing_key_on_its_lane_partition_skips_the_lane() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    pipeline = direct_pipeline(recorder, kafka)
    record = source("upsert_contact:c1:u1:m1", b"u1")
    await run(pipeline, kafka, "ingest", [record])
    assert [r.topic for r in kafka.records] == ["results", "user_state"]
    assert kafka.records[1].partition == record.source.partition
    assert recorder.calls == [("upsert_contact", ["c1"], [None])]
    [outcome] = kafka.outcomes()
    assert (outcome["status"], outcome["message_id"]) == ("delivered", "m1")


async def test_records_keyed_otherwise_or_elsewhere_take_the_lane_topic() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    pipeline = direct_pipeline(recorder, kafka)
    elsewhere = (lane_partition(b"u3") + 1) % PARTITIONS
    await run(pipeline, kafka, "ingest", [
        source("upsert_contact:c1:u1:m1", b"anonymous-1", offset=0),
        source("upsert_contact:c2:u2:m2", None, partition=0, offset=1),
        source("upsert_contact:c3:u3:m3", b"u3", partition=elsewhere, offset=2)])
    calls = [ActionCall.decode(r.value) for r in kafka.records if r.topic == "user_lane"]
    assert [(c.routing_key, c.message_id) for c in calls] == [
        ("u1", "m1"), ("u2", "m2"), ("u3", "m3")]
    assert recorder.calls == []
    assert kafka.outcomes() == []


async def test_a_direct_call_and_its_repeat_through_the_lane_share_one_outcome() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    pipeline = direct_pipeline(recorder, kafka)
    record = source("upsert_contact:c1:u1:m1", b"u1")
    await run(pipeline, kafka, "ingest", [record])
    restarted = make_pipeline(recorder, kafka)  # only the Kafka lane state remembers
    repeat = lane(make_call("upsert_contact", "c1", "u1", "m1"),
                  partition=record.source.partition)
    await run(restarted, kafka, "user", repeat)
    assert [o["message_id"] for o in kafka.outcomes()] == ["m1"]
    assert len(recorder.calls) == 1


async def test_a_direct_contact_is_known_to_the_users_later_company_call() -> None:
    recorder, kafka = Recorder(), FakeKafka()
    pipeline = direct_pipeline(recorder, kafka)
    await run(pipeline, kafka, "ingest", [source("upsert_contact:c1:u1:m1", b"u1")])
    await run(pipeline, kafka, "ingest", [source("upsert_company:g1:u1:m2", b"u1", offset=1)])
    assert [(f.group_id, f.contact_id) for f in kafka.forwards()] == [("g1", "upsert_contact:c1")]


async def test_a_blocked_input_lane_shows_in_the_lane_paused_gauge() -> None:
    import asyncio

    kafka = FakeKafka(failures_left=10**6)
    pipeline = direct_pipeline(Recorder(), kafka)
    task = asyncio.ensure_future(run(pipeline, kafka, "ingest",
                                     [source("upsert_contact:c1:u1:m1", b"u1")]))
    await asyncio.sleep(0.2)
    pipeline.refresh_gauges()
    blocked = pipeline.metrics.lane_paused.labels("d", "ingest", "blocked")
    assert blocked._value.get() == 1
    pipeline.request_stop()
    await asyncio.gather(task, return_exceptions=True)
