"""Publishing records in batches per partition through faust's aiokafka producer."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Any

from stream.delivery.direct import default_partition
from stream.delivery.records import OutRecord, Publish


def publisher(app: Any, names: dict[str, str]) -> Publish:
    """Sends records to their topics; per record, None once Kafka acknowledged it, else why.

    One record batch per (topic, partition) built with aiokafka's `create_batch` and sent with
    `send_batch`: one future and one await per batch instead of per record (faust's
    `Topic.send`, and even aiokafka's `send`, cost more CPU per record than encoding it). Keyed
    records go where the producer's default partitioner would put them."""

    async def publish(records: Sequence[OutRecord]) -> list[BaseException | None]:
        producer = app.producer._ensure_producer()  # faust's aiokafka producer (private)
        groups: dict[tuple[str, int], list[int]] = {}
        results: list[BaseException | None] = [None] * len(records)
        counts: dict[str, int] = {}  # partitions per topic, read once per call
        for index, record in enumerate(records):
            topic = names[record.topic]
            try:
                partition = record.partition
                if partition is None:
                    if topic not in counts:
                        counts[topic] = await _partition_count(producer, topic)
                    partition = (default_partition(record.key, counts[topic]) if record.key
                                 else random.randrange(counts[topic]))
            except Exception as exc:
                results[index] = exc
                continue
            groups.setdefault((topic, partition), []).append(index)
        sent: list[tuple[asyncio.Future[Any], list[int]]] = []
        for (topic, partition), indexes in groups.items():
            for batch, members in _batches(producer, records, indexes):
                try:
                    future = await producer.send_batch(batch, topic, partition=partition)
                except Exception as exc:
                    future = _failed(exc)
                sent.append((future, members))
        answers = await asyncio.gather(*(future for future, _ in sent), return_exceptions=True)
        for (_, members), answer in zip(sent, answers, strict=True):
            if isinstance(answer, BaseException):
                for index in members:
                    results[index] = answer
        return results

    return publish


async def _partition_count(producer: Any, topic: str) -> int:
    partitions = producer.client.cluster.partitions_for_topic(topic)
    if not partitions:
        await producer.client._wait_on_metadata(topic)
        partitions = producer.client.cluster.partitions_for_topic(topic)
    return len(partitions)


def _batches(producer: Any, records: Sequence[OutRecord],
             indexes: list[int]) -> list[tuple[Any, list[int]]]:
    """The records of one partition in as few batches as the producer's batch size allows (a
    record larger than that goes alone: a batch always takes its first record)."""
    batches: list[tuple[Any, list[int]]] = []
    batch, members = producer.create_batch(), list[int]()
    for index in indexes:
        record = records[index]
        if batch.append(timestamp=None, key=record.key, value=record.value) is None:
            batches.append((batch, members))
            batch, members = producer.create_batch(), list[int]()
            batch.append(timestamp=None, key=record.key, value=record.value)
        members.append(index)
    batches.append((batch, members))
    return batches


def _failed(exc: BaseException) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    future.set_exception(exc)
    return future
