"""`hubspot-stream replay`: re-publish failure records' original events to the input topic."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from confluent_kafka import Consumer, Producer, TopicPartition

from stream.outcomes.redaction import configured
from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.declaration import load_declaration

ATTEMPT_HEADER = "hubspot-stream-attempt"


def register(subparsers: Any) -> None:
    """Add `replay`."""
    parser = subparsers.add_parser(
        "replay", help="re-publish failed events to the input topic (after a config fix)")
    parser.add_argument("--destination", help="only failures of this destination")
    parser.add_argument("--reason", action="append", help="error.reason to replay (repeatable)")
    parser.add_argument("--mapping", action="append", help="mapping id to replay (repeatable)")
    parser.add_argument("--since", type=_time, help="completed_at >= this ISO-8601 time")
    parser.add_argument("--until", type=_time, help="completed_at < this ISO-8601 time")
    parser.add_argument("--dry-run", action="store_true", help="count, do not produce")
    parser.add_argument("--progress-every", type=int, default=10000, metavar="N",
                        help="print progress to stderr every N records scanned (and every 5 s)")
    parser.set_defaults(func=run)


def _time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def selected(record: dict[str, Any], args: argparse.Namespace) -> bool:
    """Whether a failure record matches the filters and carries an event that can be replayed."""
    error = record.get("error") or {}
    completed = _time(record["completed_at"]) if record.get("completed_at") else None
    return (isinstance(record.get("event"), dict) and "raw_text" not in record["event"]
            and (not args.destination or record.get("destination") == args.destination)
            and (not args.reason or error.get("reason") in args.reason)
            and (not args.mapping or record.get("mapping") in args.mapping)
            and (args.since is None or (completed is not None and completed >= args.since))
            and (args.until is None or (completed is not None and completed < args.until)))


def read_failures(kafka: KafkaSettings, topic: str) -> Iterator[dict[str, Any]]:
    """Every record of the failures topic, from the beginning to the end offsets of now."""
    consumer = Consumer({**kafka.confluent_config(), "group.id": "hubspot-stream-replay",
                         "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        ends = {}
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), 30)
            if high > low:
                ends[partition] = high
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        remaining = dict(ends)
        while remaining:
            message = consumer.poll(5.0)
            if message is None or message.error():
                continue
            offset, partition, value = message.offset(), message.partition(), message.value()
            if offset is not None and offset + 1 >= remaining.get(partition or 0, 0):
                remaining.pop(partition or 0, None)
            if value:
                yield orjson.loads(value)
    finally:
        consumer.close()


class Progress:
    """A progress line on stderr every `every` records or every 5 s of a long scan."""

    def __init__(self, every: int, interval_seconds: float = 5.0) -> None:
        self.every = max(1, every)
        self.interval_seconds = interval_seconds
        self.count = 0
        self.next_report = time.monotonic() + interval_seconds

    def scanned(self, selected_so_far: int) -> None:
        self.count += 1
        if self.count % self.every == 0 or time.monotonic() >= self.next_report:
            self.next_report = time.monotonic() + self.interval_seconds
            print(f"scanned {self.count} failure records, {selected_so_far} selected so far",
                  file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Produce each selected failure's original event (messageId kept) with attempt + 1."""
    settings, kafka = WorkerSettings(), KafkaSettings()
    declaration = load_declaration().resolved(args.destination or "default",
                                              settings.topic_overrides())
    producer = None if args.dry_run else Producer(
        {**kafka.confluent_config(), "partitioner": "murmur2_random"})
    replayed = 0
    progress = Progress(args.progress_every)
    for record in read_failures(kafka, declaration.by_id("failures").name):
        progress.scanned(replayed)
        if not selected(record, args):
            continue
        replayed += 1
        if producer is not None:
            event = configured().without_redacted(record["event"])
            key = event.get("userId") or event.get("anonymousId")
            attempt = str(int(record.get("attempts") or 1) + 1).encode()
            producer.produce(declaration.by_id("input").name, value=orjson.dumps(event),
                             key=str(key).encode() if key else None,
                             headers=[(ATTEMPT_HEADER, attempt)])
            producer.poll(0)
    if producer is not None and producer.flush(60) != 0:
        print("some replayed events were not acknowledged by Kafka")
        return 3
    print(f"{'would replay' if args.dry_run else 'replayed'} {replayed} events")
    return 0
