"""`hubspot-stream demo` (what `make run` runs): local services, a worker, live output."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from stream.localdev.kafka import local_broker
from stream.topics.admin import create_topics
from stream.topics.declaration import load_declaration


def register(subparsers: Any) -> None:
    """Add `demo`."""
    demo = subparsers.add_parser("demo", help="the demo of `make run`")
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Start a broker (unless KAFKA_BOOTSTRAP_SERVERS is set), create topics, run a worker."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        return _run_with_broker(external, stop)
    with local_broker() as broker:
        print(f"local Kafka broker ready at {broker.bootstrap} in {broker.startup_seconds:.1f} s",
              flush=True)
        return _run_with_broker(broker.bootstrap, stop)


def _run_with_broker(bootstrap: str, stop: threading.Event) -> int:
    declaration = load_declaration().resolved("demo")
    create_topics({"bootstrap.servers": bootstrap}, declaration.topics)
    topic = declaration.by_id("input").name
    data_dir = Path(tempfile.mkdtemp(prefix="hubspot-stream-demo-"))
    worker = subprocess.Popen(
        [sys.executable, "-m", "stream.cli", "dev", "count", "--topic", topic,
         "--data-dir", str(data_dir)],
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}, start_new_session=True)
    print(f"worker consuming {topic}; produce by hand with:\n"
          f"  KAFKA_BOOTSTRAP_SERVERS={bootstrap} {sys.executable} -c \"from confluent_kafka "
          f"import Producer; p=Producer({{'bootstrap.servers': '{bootstrap}'}}); "
          f"p.produce('{topic}', b'{{}}'); p.flush()\"\nCtrl-C stops everything.", flush=True)
    try:
        while not stop.wait(0.5):
            if worker.poll() is not None:
                print(f"worker exited with code {worker.returncode}", file=sys.stderr)
                return 1
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
    return 0
