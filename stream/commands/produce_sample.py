"""`hubspot-stream produce-sample`: produce realistic Segment events to the input topic."""

from __future__ import annotations

import argparse
import os
from typing import Any

import orjson
from confluent_kafka import Producer

from stream.localdev.sample_events import define_sample_events, sample_events
from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.declaration import load_declaration


def register(subparsers: Any) -> None:
    """Add `produce-sample`."""
    parser = subparsers.add_parser("produce-sample", help="produce sample Segment events")
    parser.add_argument("--count", type=int, default=100,
                        help="number of users; each gets identify, group, track and page")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=int, default=0, help="number of the first user")
    parser.add_argument("--topic", default=None, help="default: the declared input topic")
    parser.add_argument("--define-events", action="store_true",
                        help="first create the sample track events' definitions in HubSpot "
                        "($HUBSPOT_STREAM_HUBSPOT_BASE_URL, $HUBSPOT_PRIVATE_APP_TOKEN)")
    parser.set_defaults(func=run)


def produce_events(kafka: KafkaSettings, topic: str, events: Any) -> int:
    """Produce each event keyed by its userId (murmur2, like faust); returns how many."""
    producer = Producer({**kafka.confluent_config(), "partitioner": "murmur2_random",
                         "linger.ms": 20})
    count = 0
    for event in events:
        key = event.get("userId") or event.get("anonymousId")
        producer.produce(topic, key=str(key).encode() if key else None,
                         value=orjson.dumps(event))
        producer.poll(0)
        count += 1
    producer.flush(60)
    return count


def run(args: argparse.Namespace) -> int:
    """Produce `4 * count` events and print how many."""
    settings = WorkerSettings()
    topic = args.topic or settings.input_topic or load_declaration().by_id("input").name
    if args.define_events:
        define_sample_events(settings.hubspot_base_url or "https://api.hubapi.com",
                             os.environ.get("HUBSPOT_PRIVATE_APP_TOKEN", ""))
    produced = produce_events(KafkaSettings(), topic,
                              sample_events(args.count, args.seed, args.start))
    print(f"produced {produced} events to {topic}")
    return 0
