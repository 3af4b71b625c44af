"""`hubspot-stream topics create`: provision every declared topic, idempotently."""

from __future__ import annotations

import argparse
from typing import Any

from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.admin import create_topics
from stream.topics.declaration import load_declaration


def register(subparsers: Any) -> None:
    """Add `topics create`."""
    topics = subparsers.add_parser("topics", help="Kafka topics of stream/topics/topics.yaml")
    commands = topics.add_subparsers(dest="topics_command", required=True)
    create = commands.add_parser("create", help="create missing topics; existing ones unchanged")
    create.add_argument("--destination", default="default",
                        help="destination id that fills {destination} in lane topic names")
    create.add_argument("--replication-factor", type=int, default=1)
    create.set_defaults(func=run_create)


def run_create(args: argparse.Namespace) -> int:
    """Create the topics; prints one line per topic and exits 0 when all exist afterwards."""
    declaration = load_declaration().resolved(args.destination,
                                              WorkerSettings().topic_overrides())
    report = create_topics(KafkaSettings().confluent_config(), declaration.topics,
                           args.replication_factor)
    for name in report.created:
        print(f"created {name}")
    for name in report.existing:
        print(f"exists  {name}")
    return 0
