"""Direct delivery: an input record keyed by its routing key is delivered on its own partition.

The ingest stage normally re-keys every action call onto the user lane (one produce and one
consume per call). When the input topic has as many partitions as the user lane and a producer
keyed a record by the call's routing key with Kafka's default partitioner (murmur2, as Java,
faust and aiokafka clients do; librdkafka with `partitioner=murmur2_random`), the record already
sits on the user-lane partition its call would be sent to, and the worker owns that lane
partition too (faust assigns topics with equal partition counts together). Such a call is then
delivered where it was read, with the user lane's state and order; every other call takes the
lane topic as before.
"""

from __future__ import annotations

from functools import lru_cache

from aiokafka.partitioner import murmur2  # type: ignore[import-untyped]

from stream.delivery.action_call import ActionCall
from stream.delivery.records import InRecord


@lru_cache(maxsize=8192)  # recent keys: a miss costs one murmur2 (~5 µs)
def default_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives `key` among `partitions` (murmur2, as
    Java, faust and aiokafka producers; librdkafka's `murmur2_random`)."""
    return int(murmur2(key) & 0x7FFFFFFF) % partitions


class DirectRouting:
    """Decides, per call, whether its input record is already on the call's user-lane
    partition (same key, same partition), so the hop through the lane topic can be skipped."""

    def __init__(self, lane_partitions: int) -> None:
        self.lane_partitions = lane_partitions

    def applies(self, record: InRecord, call: ActionCall) -> bool:
        """True when the record's key is the call's routing key and the record is on the
        partition the lane topic would put that key on."""
        key = record.key
        if not key or key != call.routing_key.encode():
            return False
        return record.source.partition == default_partition(key, self.lane_partitions)
