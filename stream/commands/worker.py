"""`hubspot-stream worker --config FILE`: the composition root of one destination's worker."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from stream.actions.base import ActionContext, DestinationSettings
from stream.actions.cache import ActionCaches
from stream.actions.catalog import ACTIONS
from stream.agents.app import build_app
from stream.delivery.ingest import Ingestor
from stream.delivery.lane_memory import InProcessLaneMemory, LaneMemory, RedisLaneMemory
from stream.delivery.pipeline import Pipeline
from stream.delivery.runner import ActionRunner
from stream.errors import ConfigError
from stream.mappings import DestinationConfig, load_destination
from stream.metrics.pipeline import PipelineMetrics
from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.admin import create_topics
from stream.topics.declaration import load_declaration

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
                   metrics: PipelineMetrics) -> Pipeline:
    """The delivery core, with the HubSpot client opened lazily inside faust's event loop."""
    ingestor = Ingestor(destination, ACTIONS, settings.max_event_bytes)

    async def open_runner() -> ActionRunner:
        from stream.commands.hubspot_client import open_client

        client = await open_client(destination, settings)
        context = ActionContext(client=client, caches=ActionCaches(),
                                settings=DestinationSettings(portal_id=destination.hubspot.hub_id))
        return ActionRunner(ACTIONS, context, on_pause=lambda action, exc: metrics.pauses.labels(
            destination.id, action, type(exc).__name__).inc())

    return Pipeline(ingestor, open_runner, metrics, lane_memory(destination, settings))


def lane_memory(destination: DestinationConfig, settings: WorkerSettings) -> LaneMemory:
    """Redis when configured (shared by all workers), else this process's memory."""
    if settings.redis_url:
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(settings.redis_url)
        return RedisLaneMemory(client, destination.id, settings.dedup_window_seconds)
    return InProcessLaneMemory(settings.dedup_window_seconds)


def run(args: argparse.Namespace) -> int:
    """Start the worker; a bad config exits 2 with every problem printed."""
    logging.basicConfig(level=args.loglevel.upper(),
                        format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
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
    parts = build_app(build_pipeline(destination, settings, PipelineMetrics()), topics, kafka,
                      settings)
    print(f"worker destination={destination.id} app={parts.app.conf.id} "
          f"web=http://127.0.0.1:{settings.web_port}", flush=True)
    from stream.agents.worker import run_worker

    run_worker(parts.app, args.loglevel)
    return 0
