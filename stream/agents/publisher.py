"""Publishing records in batches per partition through faust's aiokafka producer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from aiokafka.partitioner import DefaultPartitioner  # type: ignore[import-untyped]

from stream.delivery.records import OutRecord, Publish

PARTITIONER = DefaultPartitioner()


@lru_cache(maxsize=8192)  # recent keys: a miss costs one murmur2 (~5 µs)
def keyed_partition(key: bytes, partitions: tuple[int, ...]) -> int:
    """Kafka's default partition of a key (murmur2, as Java, faust and aiokafka producers)."""
    return int(PARTITIONER(key, list(partitions), list(partitions)))


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
        for index, record in enumerate(records):
            topic = names[record.topic]
            try:
                partition = record.partition if record.partition is not None else (
                    await _partition(producer, topic, record.key))
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


async def _partition(producer: Any, topic: str, key: bytes | None) -> int:
    partitions = producer.client.cluster.partitions_for_topic(topic)
    if not partitions:
        await producer.client._wait_on_metadata(topic)
        partitions = producer.client.cluster.partitions_for_topic(topic)
    ordered = tuple(sorted(partitions))
    if key is None:
        return int(PARTITIONER(None, list(ordered), list(ordered)))
    return keyed_partition(key, ordered)


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
