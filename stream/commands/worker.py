"""`hubspot-stream worker --config FILE`: the composition root of one destination's worker."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from pathlib import Path
from typing import Any

import uvloop

from stream.actions.base import ActionContext, DestinationSettings
from stream.actions.cache import ActionCaches
from stream.actions.catalog import ACTIONS
from stream.agents.app import build_app
from stream.delivery.crash_ledger import CrashLedger
from stream.delivery.direct import DirectRouting
from stream.delivery.ingest import Ingestor
from stream.delivery.lane_memory import (
    DegradingLaneMemory,
    InProcessLaneMemory,
    LaneMemory,
    RedisLaneMemory,
)
from stream.delivery.lane_state import LaneState
from stream.delivery.pipeline import Pipeline
from stream.delivery.runner import ActionRunner, PausePolicy
from stream.delivery.state_store import MemoryStateStore, RocksStateStore, StateStore
from stream.errors import ConfigError
from stream.logs import configure_logging
from stream.mappings import DestinationConfig, load_destination
from stream.metrics.pipeline import PipelineMetrics
from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.admin import create_topics, partition_count
from stream.topics.changelog import ChangelogReader
from stream.topics.declaration import TopicDeclaration, load_declaration

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add `worker`."""
    parser = subparsers.add_parser("worker", help="run a worker for one destination config")
    parser.add_argument("--config", type=Path, default=None,
                        help="destination config YAML (default: $HUBSPOT_STREAM_CONFIG)")
    parser.add_argument("--loglevel", default="warning")
    parser.add_argument("--no-create-topics", action="store_true",
                        help="do not create missing topics at start (they must exist)")
    parser.set_defaults(func=run)


def load_config(path: Path | None) -> DestinationConfig:
    """The destination config; ConfigError names the file and the fix."""
    if path is None:
        raise ConfigError("no destination config: pass --config FILE or set "
                          "HUBSPOT_STREAM_CONFIG")
    return load_destination(path, {name: action.fields for name, action in ACTIONS.items()})


def build_pipeline(destination: DestinationConfig, settings: WorkerSettings,
                   metrics: PipelineMetrics, topics: TopicDeclaration,
                   kafka: KafkaSettings) -> Pipeline:
    """The delivery core, with the HubSpot client opened lazily inside faust's event loop."""
    ingestor = Ingestor(destination, ACTIONS, settings.max_event_bytes)

    async def open_runner() -> ActionRunner:
        from stream.commands.hubspot_client import open_client

        client = await open_client(destination, settings)
        context = ActionContext(client=client, caches=ActionCaches(),
                                settings=DestinationSettings(portal_id=destination.hubspot.hub_id))
        pause = PausePolicy(fatal_seconds=settings.fatal_pause_seconds)

        def on_pause(action: str, exc: Exception) -> None:
            metrics.pauses.labels(destination.id, action, type(exc).__name__).inc()

        return ActionRunner(ACTIONS, context, pause, on_pause=on_pause, pacing=client)

    states = {"user": lane_state("user", topics.by_id("user_state").name, settings, kafka),
              "group": lane_state("group", topics.by_id("group_state").name, settings, kafka)}
    ledger = CrashLedger(settings.data_dir / "crash-ledger.json", settings.poison_crash_limit)
    return Pipeline(ingestor, open_runner, metrics, lane_memory(destination, settings, metrics),
                    states, ledger, direct_routing(settings, topics, kafka))


def direct_routing(settings: WorkerSettings, topics: TopicDeclaration,
                   kafka: KafkaSettings) -> DirectRouting | None:
    """Direct delivery of input records keyed by their routing key (stream/delivery/direct.py),
    when enabled and the input topic has as many partitions as the user lane."""
    if not settings.direct_delivery:
        return None
    config = kafka.confluent_config()
    source, lane = topics.by_id("input").name, topics.by_id("user_lane").name
    counts = partition_count(config, source), partition_count(config, lane)
    if counts[0] is None or counts[0] != counts[1]:
        log.warning("direct delivery off: the input topic %s has %s partitions, the user lane "
                    "%s (every action call takes the user-lane topic)", source, *counts)
        return None
    return DirectRouting(counts[0])


def lane_state(lane: str, topic: str, settings: WorkerSettings,
               kafka: KafkaSettings) -> LaneState:
    """A lane's durable state, restored from its changelog topic into RocksDB under the data
    dir (memory when RocksDB cannot open there: a warning says why)."""
    path = settings.data_dir / "lane-state" / lane
    store: StateStore
    try:
        store = RocksStateStore(path)
    except Exception as exc:  # rocksdict raises its own exception types
        log.warning("lane state of the %s lane kept in memory: RocksDB cannot open %s (%s)",
                    lane, path, exc)
        store = MemoryStateStore()
    return LaneState(ChangelogReader(kafka.confluent_config(), topic).read,
                     settings.dedup_window_seconds, store=store)


def lane_memory(destination: DestinationConfig, settings: WorkerSettings,
                metrics: PipelineMetrics) -> LaneMemory:
    """Redis when configured (shared by all workers; an outage degrades, never stops a lane),
    else this process's memory."""
    if settings.redis_url:
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(settings.redis_url, socket_timeout=2.0,
                                              socket_connect_timeout=2.0)
        gauge = metrics.memory_degraded.labels(destination.id)
        gauge.set(0)
        return DegradingLaneMemory(
            RedisLaneMemory(client, destination.id, settings.dedup_window_seconds),
            on_degraded=lambda degraded: gauge.set(1 if degraded else 0))
    return InProcessLaneMemory(settings.dedup_window_seconds)


def quiet_collector() -> None:
    """Python's cyclic garbage collector ran every 700 allocations and took about 5 % of the
    per-record CPU (bench/ingest_cpu.py): what start-up built (the app, mappings, metrics) is
    frozen out of its scans, and the youngest generation is collected every 50,000 allocations.
    Reference counting still frees everything acyclic at once."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def run(args: argparse.Namespace) -> int:
    """Start the worker; a bad config exits 2 with every problem printed."""
    configure_logging(args.loglevel)
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())  # before any loop exists
    settings, kafka = WorkerSettings(), KafkaSettings()
    try:
        destination = load_config(args.config or settings.config_path)
    except ConfigError as exc:
        print(f"hubspot-stream worker: {exc}", file=sys.stderr)
        return 2
    topics = load_declaration().resolved(destination.id, settings.topic_overrides())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not args.no_create_topics:
        create_topics(kafka.confluent_config(), topics.topics)
    pipeline = build_pipeline(destination, settings, PipelineMetrics(), topics, kafka)
    parts = build_app(pipeline, topics, kafka, settings)
    print(f"worker destination={destination.id} app={parts.app.conf.id} "
          f"web=http://127.0.0.1:{settings.web_port}", flush=True)
    from stream.agents.worker import run_worker

    quiet_collector()
    grace = settings.shutdown_timeout_seconds / 2  # then running calls are cut, records unacked
    run_worker(parts.app, args.loglevel, on_stop=lambda: pipeline.request_stop(grace),
               shutdown_timeout_seconds=settings.shutdown_timeout_seconds)
    return 0
