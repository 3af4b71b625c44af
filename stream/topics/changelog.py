"""Reading one partition of a compacted changelog topic from its start to its end offset."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, TopicPartition

POLL_SECONDS = 0.5
READ_BUDGET_SECONDS = 120.0


class ChangelogReader:
    """Reads changelog partitions with a short-lived consumer (no group, nothing committed)."""

    def __init__(self, client_config: Mapping[str, str], topic: str) -> None:
        self.client_config = dict(client_config)
        self.topic = topic

    async def read(self, partition: int) -> Sequence[tuple[bytes, bytes | None]]:
        """Every (key, value) of `partition` up to its end offset now, oldest first; raises
        KafkaException when the broker cannot be read (the caller retries)."""
        return await asyncio.to_thread(self._read, partition)

    def _read(self, partition: int) -> list[tuple[bytes, bytes | None]]:
        consumer = Consumer({**self.client_config, "group.id": f"changelog-{uuid.uuid4().hex}",
                             "enable.auto.commit": False, "enable.partition.eof": False})
        try:
            low, high = consumer.get_watermark_offsets(
                TopicPartition(self.topic, partition), timeout=30)
            if high <= low:
                return []
            consumer.assign([TopicPartition(self.topic, partition, OFFSET_BEGINNING)])
            records: list[tuple[bytes, bytes | None]] = []
            deadline_polls = int(READ_BUDGET_SECONDS / POLL_SECONDS)
            position = low
            while position < high and deadline_polls > 0:
                messages = consumer.consume(10_000, POLL_SECONDS)
                if not messages:
                    deadline_polls -= 1
                for message in messages:
                    if message.error() is not None:
                        raise KafkaException(message.error())
                    position = (message.offset() or 0) + 1
                    key = message.key()
                    if key is not None:
                        records.append((key, message.value()))
            if position < high:
                raise KafkaException(f"{self.topic}[{partition}]: read {position} of {high} "
                                     f"offsets within {READ_BUDGET_SECONDS:.0f} s")
            return records
        finally:
            consumer.close()
