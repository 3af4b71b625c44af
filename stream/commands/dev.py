"""`hubspot-stream dev ...`: local services for development and the demo."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from stream.settings import KafkaSettings


def register(subparsers: Any) -> None:
    """Add `dev kafka` and `dev count`."""
    dev = subparsers.add_parser("dev", help="local development services")
    dev_commands = dev.add_subparsers(dest="dev_command", required=True)
    kafka = dev_commands.add_parser(
        "kafka", help="run a local single-node Kafka broker (KRaft) in the foreground")
    kafka.set_defaults(func=run_kafka)
    count = dev_commands.add_parser(
        "count", help="a faust worker that consumes a topic and prints a running count")
    count.add_argument("--topic", default="segment.events")
    count.add_argument("--app-id", default="hubspot-stream-counter")
    count.add_argument("--data-dir", type=Path, default=None)
    count.set_defaults(func=run_count)


def run_kafka(args: argparse.Namespace) -> int:
    """First stdout line is exactly `bootstrap=127.0.0.1:PORT`; Ctrl-C stops the broker."""
    from stream.localdev.kafka import local_broker

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with local_broker() as broker:
        print(f"bootstrap={broker.bootstrap}", flush=True)
        print(f"# Kafka broker ready in {broker.startup_seconds:.1f} s; Ctrl-C stops it",
              file=sys.stderr, flush=True)
        stop.wait()
    return 0


def run_count(args: argparse.Namespace) -> int:
    """Consume `--topic` with a faust agent and print each message with a running count."""
    from stream.agents.counter import build_counter_app
    from stream.agents.worker import run_worker

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="hubspot-stream-counter-"))
    app = build_counter_app(KafkaSettings(), args.topic, args.app_id, data_dir)
    run_worker(app)
    return 0
