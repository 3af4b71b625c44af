"""The agents' publisher against a real broker: batches per partition, Kafka's partitioning."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]
from confluent_kafka import Consumer

from stream.agents.publisher import publisher
from stream.delivery.records import OutRecord
from tests.fixtures.kafka import produce

pytestmark = pytest.mark.integration


class ProducerHolder:
    """What the publisher reads of faust's app: `app.producer._ensure_producer()`."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = self
        self._producer = producer

    def _ensure_producer(self) -> AIOKafkaProducer:
        return self._producer


def read_back(kafka_config: dict[str, str], topic: str,
              count: int) -> list[tuple[int, bytes | None, bytes]]:
    consumer = Consumer({**kafka_config, "group.id": f"read-{uuid.uuid4().hex[:8]}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    found: list[tuple[int, bytes | None, bytes]] = []
    try:
        for _ in range(60):
            for message in consumer.consume(count, timeout=1.0):
                if message.error() is None:
                    found.append((message.partition(), message.key(), message.value()))
            if len(found) >= count:
                break
    finally:
        consumer.close()
    return sorted(found, key=lambda item: item[0])  # stable: offset order within a partition


async def publish_with(kafka_bootstrap: str, names: dict[str, str],
                       records: list[OutRecord]) -> list[BaseException | None]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, max_batch_size=16384,
                                enable_idempotence=True, acks="all")
    await producer.start()
    try:
        return await publisher(ProducerHolder(producer), names)(records)
    finally:
        await producer.stop()


async def test_keyed_records_land_where_a_murmur2_producer_puts_the_same_keys(
        kafka_bootstrap: str, kafka_config: dict[str, str],
        new_topic: Callable[..., str]) -> None:
    ours, reference = new_topic("ours", partitions=6), new_topic("ref", partitions=6)
    keys = [f"user-{i}".encode() for i in range(60)]
    results = await publish_with(kafka_bootstrap, {"results": ours},
                                 [OutRecord("results", key, key + b"!") for key in keys])
    assert results == [None] * len(keys)
    produce(kafka_config, reference, [(key, key + b"!") for key in keys])
    assert sorted(read_back(kafka_config, ours, 60)) == sorted(
        read_back(kafka_config, reference, 60))


async def test_explicit_partitions_large_records_and_per_record_order_are_kept(
        kafka_bootstrap: str, kafka_config: dict[str, str],
        new_topic: Callable[..., str]) -> None:
    topic = new_topic("state", partitions=3)
    large = b"x" * 40_000  # more than the producer's 16 KB batch: a batch of its own
    values = [b"%03d" % i + (large if i % 10 == 0 else b"") for i in range(50)]
    records = [OutRecord("user_state", b"k", value, i % 3) for i, value in enumerate(values)]
    assert await publish_with(kafka_bootstrap, {"user_state": topic}, records) == [None] * 50
    found = read_back(kafka_config, topic, 50)
    for partition in range(3):
        mine = [value for p, _, value in found if p == partition]
        assert mine == [v for i, v in enumerate(values) if i % 3 == partition]


async def test_a_record_for_a_partition_that_does_not_exist_fails_alone(
        kafka_bootstrap: str, kafka_config: dict[str, str],
        new_topic: Callable[..., str]) -> None:
    topic = new_topic("one", partitions=1)
    records = [OutRecord("results", b"a", b"1"), OutRecord("results", b"b", b"2", 7)]
    answers: list[Any] = await publish_with(kafka_bootstrap, {"results": topic}, records)
    assert answers[0] is None
    assert isinstance(answers[1], BaseException)
    assert [value for _, _, value in read_back(kafka_config, topic, 1)] == [b"1"]
