"""The broker is real: confluent-kafka produces, faust workers in subprocesses consume."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Consumer, TopicPartition

from tests.fixtures.kafka import produce
from tests.fixtures.process import ChildProcess, wait_until

pytestmark = pytest.mark.integration


def start_counter(bootstrap: str, topic: str, app_id: str, data_dir: Path,
                  name: str = "worker") -> ChildProcess:
    return ChildProcess(["dev", "count", "--topic", topic, "--app-id", app_id,
                         "--data-dir", str(data_dir)],
                        env={"KAFKA_BOOTSTRAP_SERVERS": bootstrap}, name=name)


def consumed(worker: ChildProcess) -> list[tuple[int, int, str]]:
    """(partition, offset, key) of every `consumed` line."""
    records = []
    for line in worker.matching("consumed "):
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        records.append((int(fields["partition"]), int(fields["offset"]), fields["key"]))
    return records


def assigned(worker: ChildProcess) -> set[int]:
    lines = worker.matching("assigned ")
    if not lines:
        return set()
    value = lines[-1].split("=", 1)[1]
    return {int(p) for p in value.split(",") if p}


def committed_offsets(kafka_config: dict[str, str], group: str, topic: str,
                      partitions: int) -> dict[int, int]:
    consumer = Consumer({**kafka_config, "group.id": group, "enable.auto.commit": False})
    try:
        tps = consumer.committed([TopicPartition(topic, p) for p in range(partitions)],
                                 timeout=10)
    finally:
        consumer.close()
    return {tp.partition: tp.offset for tp in tps}


def test_faust_worker_consumes_murmur2_keyed_messages_on_their_partitions(
        kafka_config: dict[str, str], new_topic: Callable[..., str], unique_id: str,
        worker_data_dir: Path) -> None:
    topic = new_topic("smoke", partitions=4)
    keys = [f"user-{i}".encode() for i in range(20)]
    produce(kafka_config, topic, [(key, b'{"type":"identify"}') for key in keys])
    worker = start_counter(kafka_config["bootstrap.servers"], topic, f"count-{unique_id}",
                           worker_data_dir)
    try:
        worker.wait_until(lambda: len(consumed(worker)) >= 20, 90, "20 consumed messages")
    finally:
        worker.stop()
    records = consumed(worker)
    assert sorted(key for _, _, key in records) == sorted(k.decode() for k in keys)
    by_key = {key: partition for partition, _, key in records}
    # the same key always lands on the same partition, and more than one partition is used
    assert len(set(by_key.values())) > 1
    # confluent-kafka's murmur2_random agrees with faust: a plain consumer sees the same
    # key -> partition map that the faust worker reported
    consumer = Consumer({**kafka_config, "group.id": f"check-{unique_id}",
                         "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    seen: dict[str, int] = {}

    def poll_one() -> bool:
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            seen[message.key().decode()] = message.partition()
        return len(seen) == len(by_key)

    try:
        wait_until(poll_one, 60, "every key read back by confluent-kafka")
    finally:
        consumer.close()
    assert seen == by_key


def test_two_workers_in_one_group_split_the_partitions(
        kafka_config: dict[str, str], new_topic: Callable[..., str], unique_id: str,
        tmp_path: Path) -> None:
    topic = new_topic("split", partitions=4)
    bootstrap = kafka_config["bootstrap.servers"]
    app_id = f"split-{unique_id}"
    first = start_counter(bootstrap, topic, app_id, tmp_path / "a", "worker-a")
    second = start_counter(bootstrap, topic, app_id, tmp_path / "b", "worker-b")
    try:
        wait_until(lambda: assigned(first) and assigned(second)
                   and assigned(first) | assigned(second) == {0, 1, 2, 3}
                   and not assigned(first) & assigned(second), 90, "a split assignment")
        produce(kafka_config, topic, [(f"k{i}".encode(), b"{}") for i in range(40)])
        wait_until(lambda: len(consumed(first)) + len(consumed(second)) >= 40, 60,
                   "40 messages across both workers")
    finally:
        first.stop()
        second.stop()
    partitions_a = {p for p, _, _ in consumed(first)}
    partitions_b = {p for p, _, _ in consumed(second)}
    assert partitions_a and partitions_b
    assert not partitions_a & partitions_b
    keys = [key for _, _, key in consumed(first) + consumed(second)]
    assert sorted(keys) == sorted(f"k{i}" for i in range(40))


def test_committed_offsets_survive_a_worker_restart(
        kafka_config: dict[str, str], new_topic: Callable[..., str], unique_id: str,
        worker_data_dir: Path) -> None:
    topic = new_topic("restart", partitions=2)
    bootstrap = kafka_config["bootstrap.servers"]
    app_id = f"restart-{unique_id}"
    produce(kafka_config, topic, [(f"a{i}".encode(), b"{}") for i in range(10)])
    first = start_counter(bootstrap, topic, app_id, worker_data_dir, "first run")
    try:
        wait_until(lambda: len(consumed(first)) >= 10, 90, "the first 10 messages")
        wait_until(lambda: sum(max(o, 0) for o in committed_offsets(
            kafka_config, app_id, topic, 2).values()) == 10, 30, "offsets committed")
    finally:
        first.stop()
    produce(kafka_config, topic, [(f"b{i}".encode(), b"{}") for i in range(10)])
    second = start_counter(bootstrap, topic, app_id, worker_data_dir, "second run")
    try:
        wait_until(lambda: len(consumed(second)) >= 10, 90, "the next 10 messages")
    finally:
        second.stop()
    assert sorted(key for _, _, key in consumed(second)) == sorted(f"b{i}" for i in range(10))


def read_all(kafka_config: dict[str, str], topic: str, group: str, count: int) -> list[bytes]:
    """Consume `count` values of `topic` in group `group`, committing them."""
    consumer = Consumer({**kafka_config, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    values: list[bytes] = []

    def poll() -> bool:
        for message in consumer.consume(100, 0.5):
            if message.error() is None:
                values.append(message.value())
        return len(values) >= count

    try:
        wait_until(poll, 60, f"{count} records of {topic}")
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    return values


def test_a_restarted_broker_keeps_its_port_topics_and_committed_offsets(tmp_path: Path) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    from stream.localdev.kafka import local_broker, restart_broker

    with local_broker(tmp_path / "kafka") as broker:
        config = {"bootstrap.servers": broker.bootstrap}
        admin = AdminClient(config)
        admin.create_topics([NewTopic("kept", 2, 1)])["kept"].result(30)
        produce(config, "kept", [(f"k{i}".encode(), f"before-{i}".encode()) for i in range(10)])
        assert len(read_all(config, "kept", "g", 10)) == 10
        for kill in (False, True):  # a clean stop, then a crash (SIGKILL)
            bootstrap, pid = broker.bootstrap, broker.process.pid
            restart_broker(broker, kill=kill)
            assert broker.bootstrap == bootstrap and broker.process.pid != pid
            produce(config, "kept", [(f"k{i}".encode(), f"after-{kill}-{i}".encode())
                                     for i in range(5)])
            # the group resumes at its committed offsets: only the new records come back
            assert sorted(read_all(config, "kept", "g", 5)) == sorted(
                f"after-{kill}-{i}".encode() for i in range(5))
        assert committed_offsets(config, "g", "kept", 2) and sum(
            committed_offsets(config, "g", "kept", 2).values()) == 20
