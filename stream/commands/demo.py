"""`hubspot-stream demo` (what `make run` runs): Kafka, Redis, the HubSpot emulator, a worker and
sample events, with a live one-line status and a summary; Ctrl-C stops everything."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from stream.commands.produce_sample import produce_events
from stream.localdev.demo_status import DemoStatus
from stream.localdev.kafka import free_port, local_broker
from stream.localdev.sample_events import define_sample_events, sample_events
from stream.localdev.services import REPO_ROOT, Child
from stream.settings import KafkaSettings
from stream.topics.admin import create_topics
from stream.topics.declaration import load_declaration

CONFIG = REPO_ROOT / "config" / "examples" / "segment-defaults.yaml"
DESTINATION = "segment-defaults"
TOKEN = "pat-na1-demo"
PLAN_LIMIT = 190  # professional


def register(subparsers: Any) -> None:
    """Add `demo`."""
    demo = subparsers.add_parser("demo", help="the demo of `make run`")
    demo.add_argument("--users", type=int, default=300, help="sample users (4 events each)")
    demo.add_argument("--wave", type=int, default=50, help="users produced per wave")
    demo.add_argument("--wave-seconds", type=float, default=3.0, help="time between waves")
    demo.add_argument("--rounds", type=int, default=0,
                      help="times through the users (0: start over until stopped)")
    demo.add_argument("--duration-seconds", type=float, default=0,
                      help="stop by itself after this long (0: until Ctrl-C)")
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Everything on 127.0.0.1 unless KAFKA_BOOTSTRAP_SERVERS / HUBSPOT_STREAM_REDIS_URL /
    HUBSPOT_STREAM_HUBSPOT_BASE_URL point at real services."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with ExitStack() as stack:
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            broker = stack.enter_context(local_broker())
            bootstrap = broker.bootstrap
            print(f"local Kafka broker at {bootstrap} (ready in {broker.startup_seconds:.1f} s)")
        create_topics(KafkaSettings(bootstrap_servers=bootstrap).confluent_config(),
                      load_declaration().resolved(DESTINATION).topics)
        env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, **_redis(stack), **_hubspot(stack)}
        worker = Child("worker", ["worker", "--config", str(CONFIG)], {
            **env, "HUBSPOT_STREAM_WEB_PORT": str(free_port()),
            "HUBSPOT_STREAM_DATA_DIR": tempfile.mkdtemp(prefix="hubspot-stream-demo-"),
            "HUBSPOT_STREAM_BATCH_MAX_WAIT_SECONDS": "1.0"})
        stack.callback(worker.stop)
        print(worker.line_starting("worker destination=", 90), flush=True)
        return _run(args, bootstrap, env, stop, worker)
    return 0


def _redis(stack: ExitStack) -> dict[str, str]:
    url = os.environ.get("HUBSPOT_STREAM_REDIS_URL")
    if not url:
        from stream.localdev.redis import RedisError, local_redis

        try:
            url = stack.enter_context(local_redis())
        except RedisError as exc:
            print(f"no Redis ({exc}); the worker paces with its in-process budget")
            return {}
        print(f"local Redis at {url} (shared rate budget and lane memory)")
    return {"HUBSPOT_STREAM_REDIS_URL": url}


def _hubspot(stack: ExitStack) -> dict[str, str]:
    base_url = os.environ.get("HUBSPOT_STREAM_HUBSPOT_BASE_URL")
    if base_url:
        return {"HUBSPOT_STREAM_HUBSPOT_BASE_URL": base_url}
    emulator = Child("emulator", ["emulator", "--port", "0", "--plan", "professional",
                                  "--token", TOKEN])
    stack.callback(emulator.stop)
    base_url = emulator.line_starting("listening=", 60).split("=", 1)[1]
    portal_id = emulator.line_starting("portal_id=", 10).split()[0].split("=", 1)[1]
    define_sample_events(base_url, TOKEN)
    print(f"HubSpot emulator at {base_url} (portal {portal_id}, professional plan)")
    return {"HUBSPOT_STREAM_HUBSPOT_BASE_URL": base_url, "HUBSPOT_PRIVATE_APP_TOKEN": TOKEN,
            "HUBSPOT_HUB_ID": portal_id}


class Waves:
    """Sample users in waves of `size` every `seconds`; after the last user, the next round
    starts over (updates of the same contacts) until `rounds` are done (0: never done)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.users, self.size, self.seconds = args.users, args.wave, args.wave_seconds
        self.rounds, self.round, self.next_user, self.due = args.rounds, 0, 0, 0.0

    def next(self) -> Iterator[dict[str, Any]] | None:
        """The events of the wave that is due now, or None."""
        if time.monotonic() < self.due or (self.rounds and self.round >= self.rounds):
            return None
        wave = min(self.size, self.users - self.next_user)
        events = sample_events(wave, seed=self.round * 1000 + self.next_user,
                               start=self.next_user)
        self.next_user += wave
        if self.next_user >= self.users:
            self.round, self.next_user = self.round + 1, 0
        self.due = time.monotonic() + self.seconds
        return events


def _run(args: argparse.Namespace, bootstrap: str, env: dict[str, str],
         stop: threading.Event, worker: Child) -> int:
    topics = load_declaration().resolved(DESTINATION)
    emulator_url = env["HUBSPOT_STREAM_HUBSPOT_BASE_URL"] if "HUBSPOT_HUB_ID" in env else None
    status = DemoStatus(bootstrap, [topics.by_id("results").name, topics.by_id("failures").name],
                        emulator_url, PLAN_LIMIT)
    kafka, waves = KafkaSettings(bootstrap_servers=bootstrap), Waves(args)
    deadline = time.monotonic() + args.duration_seconds if args.duration_seconds else None
    print("producing sample events (identify, group, track, page); Ctrl-C stops everything")
    try:
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            events = waves.next()
            if events is not None:
                status.produced += produce_events(kafka, topics.by_id("input").name, events)
            _show(status, status.poll(1.0))
            if worker.process.poll() is not None:
                print("\nthe worker exited:\n" + "\n".join(worker.lines[-20:]))
                return 1
    finally:
        status.poll(0.5)
        print("\n" + status.line())
        print(status.summary(), flush=True)
        status.close()
    return 0


def _show(status: DemoStatus, fresh: list[dict[str, Any]]) -> None:
    """The first outcomes in full, then the status line (in place on a terminal)."""
    for outcome in fresh:
        if len(status.samples) < 3:
            status.samples.append(outcome)
            print("outcome: " + json.dumps({k: outcome[k] for k in (
                "status", "mapping", "action", "message_id", "hubspot", "error")}))
    if sys.stdout.isatty():
        print("\r" + status.line().ljust(110), end="", flush=True)
    elif time.monotonic() - status.last_print >= 5:
        print(status.line(), flush=True)
        status.last_print = time.monotonic()
