"""Idempotent topic provisioning with confluent-kafka's AdminClient."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from stream.topics.declaration import TopicSpec

ADMIN_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class ProvisionReport:
    """What a provisioning run did."""

    created: tuple[str, ...]
    existing: tuple[str, ...]


def create_topics(
    client_config: Mapping[str, str], topics: Iterable[TopicSpec], replication_factor: int = 1
) -> ProvisionReport:
    """Create the topics that do not exist; existing ones are left unchanged.

    Raises KafkaException for any error other than "already exists".
    """
    admin = AdminClient(dict(client_config))
    wanted = {t.name: t for t in topics}
    present = set(admin.list_topics(timeout=ADMIN_TIMEOUT_SECONDS).topics)
    to_create = [
        NewTopic(t.name, num_partitions=t.partitions, replication_factor=replication_factor,
                 config=t.config())
        for name, t in wanted.items() if name not in present
    ]
    created: list[str] = []
    existing = [name for name in wanted if name in present]
    if to_create:
        for name, future in admin.create_topics(to_create,
                                                operation_timeout=ADMIN_TIMEOUT_SECONDS).items():
            try:
                future.result()
                created.append(name)
            except KafkaException as exc:
                if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise
                existing.append(name)
    return ProvisionReport(tuple(sorted(created)), tuple(sorted(existing)))


def partition_count(client_config: Mapping[str, str], topic: str) -> int | None:
    """The number of partitions of `topic` (None when it does not exist)."""
    admin = AdminClient(dict(client_config))
    metadata = admin.list_topics(topic=topic, timeout=ADMIN_TIMEOUT_SECONDS).topics.get(topic)
    if metadata is None or metadata.error is not None:
        return None
    return len(metadata.partitions)
