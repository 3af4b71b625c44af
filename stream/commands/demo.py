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
from contextlib import ExitStack
from typing import Any

from stream.commands.produce_sample import produce_events
from stream.localdev.demo_status import DemoStatus
from stream.localdev.kafka import free_port, local_broker
from stream.localdev.sample_events import define_sample_events, sample_events
from stream.localdev.services import REPO_ROOT, Child
from stream.settings import KafkaSettings
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


def _run(args: argparse.Namespace, bootstrap: str, env: dict[str, str],
         stop: threading.Event, worker: Child) -> int:
    topics = load_declaration().resolved(DESTINATION)
    emulator_url = None if "HUBSPOT_HUB_ID" not in env else env[
        "HUBSPOT_STREAM_HUBSPOT_BASE_URL"]
    status = DemoStatus(bootstrap, [topics.by_id("results").name, topics.by_id("failures").name],
                        emulator_url, PLAN_LIMIT)
    kafka = KafkaSettings(bootstrap_servers=bootstrap)
    deadline = time.monotonic() + args.duration_seconds if args.duration_seconds else None
    interactive = sys.stdout.isatty()
    produced_users, last_print = 0, 0.0
    print("producing sample events (identify, group, track, page); Ctrl-C stops everything")
    try:
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            if produced_users < args.users:
                wave = min(args.wave, args.users - produced_users)
                status.produced += produce_events(kafka, topics.by_id("input").name,
                                                  sample_events(wave, start=produced_users))
                produced_users += wave
            for outcome in status.poll(1.0):
                if len(status.samples) < 3:
                    status.samples.append(outcome)
                    print("outcome: " + json.dumps({k: outcome[k] for k in (
                        "status", "mapping", "action", "message_id", "hubspot", "error")}))
            if worker.process.poll() is not None:
                print("\nthe worker exited:\n" + "\n".join(worker.lines[-20:]))
                return 1
            if interactive:
                print("\r" + status.line().ljust(110), end="", flush=True)
            elif time.monotonic() - last_print >= 5:
                print(status.line(), flush=True)
                last_print = time.monotonic()
    finally:
        status.poll(0.5)
        print("\n" + status.line())
        print(status.summary(), flush=True)
        status.close()
    return 0
