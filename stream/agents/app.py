"""faust wiring: one app per destination; agents move bytes between topics and the core."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import REGISTRY, CollectorRegistry

from stream.delivery.pipeline import LaneOutput, Pipeline
from stream.outcomes.model import SourceCoordinates
from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.declaration import TopicDeclaration

log = logging.getLogger(__name__)
INGEST_BATCH = 500
INGEST_WITHIN_SECONDS = 0.2
ATTEMPT_HEADER = "hubspot-stream-attempt"


@dataclass(frozen=True)
class AppParts:
    """The app and the handles tests and the worker command need."""

    app: Any
    pipeline: Pipeline


def attempt_of(headers: Any) -> int:
    """The replay attempt from the `hubspot-stream-attempt` header (1 when absent or bad)."""
    items = headers.items() if isinstance(headers, dict) else (headers or ())
    for name, value in items:
        if name == ATTEMPT_HEADER:
            try:
                return max(1, int(value))
            except (TypeError, ValueError):
                return 1
    return 1


def app_id_for(destination: str) -> str:
    """The faust app id (= consumer group, prefix of internal topics) of a destination."""
    return f"hubspot-stream-{destination}"


def _credentials(kafka: KafkaSettings) -> Any:
    if not kafka.sasl_mechanism:
        if kafka.security_protocol == "SSL":
            return faust.SSLCredentials(ssl.create_default_context(
                cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None))
        return None
    context = None
    if kafka.security_protocol == "SASL_SSL":
        context = ssl.create_default_context(
            cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    return faust.SASLCredentials(username=kafka.sasl_username, password=password,
                                 mechanism=kafka.sasl_mechanism, ssl_context=context)


def new_app(destination: str, kafka: KafkaSettings, settings: WorkerSettings,
            registry: CollectorRegistry) -> faust.App:
    """The faust app with our settings (no tables: see stream/delivery/lane_memory.py)."""
    app = faust.App(
        app_id_for(destination),
        broker=kafka.faust_broker_url(),
        broker_client_id=kafka.client_id,
        broker_credentials=_credentials(kafka),
        datadir=str(settings.data_dir),
        web_port=settings.web_port,
        web_bind="0.0.0.0",
        topic_partitions=settings.lane_partitions,
        topic_disable_leader=True,
        table_standby_replicas=0,
        broker_commit_every=100,
        broker_commit_interval=1.0,
        broker_rebalance_timeout=settings.rebalance_timeout_seconds,
        stream_buffer_maxsize=1000,
        consumer_group_instance_id=settings.consumer_group_instance_id,
        consumer_auto_offset_reset="earliest",
    )
    setup_prometheus_sensors(app, registry=registry, name_prefix="faust")
    return app


def add_health_pages(app: faust.App, progress: dict[str, float]) -> None:
    """/healthz (liveness) and /readyz (assigned, not rebalancing; last epoch time)."""

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        consumer = app.consumer if app.started else None
        ready = bool(consumer is not None and not app.rebalancing and consumer.assignment())
        body = {"ready": ready, "rebalancing": bool(app.rebalancing),
                "last_epoch": progress["last_epoch"]}
        return web.json(body, status=200 if ready else 503)


def build_app(pipeline: Pipeline, topics: TopicDeclaration, kafka: KafkaSettings,
              settings: WorkerSettings, registry: CollectorRegistry = REGISTRY) -> AppParts:
    """The faust app of one destination with its three agents."""
    app = new_app(pipeline.destination, kafka, settings, registry)

    def raw_topic(topic_id: Any) -> Any:
        return app.topic(topics.by_id(topic_id).name, key_type=bytes, value_type=bytes,
                         key_serializer="raw", value_serializer="raw")

    source, user_lane, group_lane = raw_topic("input"), raw_topic("user_lane"), raw_topic(
        "group_lane")
    results, failures = raw_topic("results"), raw_topic("failures")
    progress = {"last_epoch": 0.0}

    async def publish(output: LaneOutput, outcomes_only: bool = False) -> None:
        futures = []
        for outcome in output.outcomes:
            topic = failures if outcome.is_failure else results
            futures.append(await topic.send(key=outcome.key, value=outcome.encode()))
        for call in [] if outcomes_only else output.forwards:
            key = (call.group_id or call.routing_key).encode()
            futures.append(await group_lane.send(key=key, value=call.encode()))
        await asyncio.gather(*futures)  # Kafka acknowledged every record before any source ack

    async def ack_all(stream: Any, events: Iterable[Any]) -> None:
        for event in events:
            await stream.ack(event)

    async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        lane = topics.by_id("user_lane").name
        mine = sum(1 for tp in assigned if tp.topic == lane)
        pipeline.assignment_changed(mine / settings.lane_partitions)

    # faust's stubs describe the handler more narrowly than faust calls it (sender, assigned)
    app.on_partitions_assigned.connect(on_assigned)  # type: ignore[arg-type]

    @app.agent(source)
    async def ingest(stream: Any) -> None:
        async for events in stream.noack_take(INGEST_BATCH, within=INGEST_WITHIN_SECONDS):
            output = LaneOutput()
            futures = []
            for event in events:
                coordinates = SourceCoordinates(event.message.topic, event.message.partition,
                                                event.message.offset)
                result = pipeline.ingest(event.value or b"", coordinates,
                                         attempt_of(event.headers))
                output.outcomes.extend(result.outcomes)
                for call in result.calls:
                    futures.append(await user_lane.send(key=call.routing_key.encode(),
                                                        value=call.encode()))
            await asyncio.gather(*futures)
            await publish(output)
            await pipeline.published(output)
            await ack_all(stream, events)

    async def run_lane(stream: Any, lane: str) -> None:
        epoch = pipeline.user_epoch if lane == "user" else pipeline.group_epoch
        async for events in stream.noack_take(settings.batch_max_items,
                                              within=settings.batch_max_wait_seconds):
            started = time.monotonic()
            log.info("%s lane: epoch of %d records", lane, len(events))
            output = await epoch([event.value or b"" for event in events])
            await publish(output)
            await pipeline.published(output)
            await ack_all(stream, events)
            progress["last_epoch"] = time.time()
            log.info("%s lane: epoch done in %.2f s", lane, time.monotonic() - started)
            pipeline.metrics.epoch_seconds.labels(pipeline.destination, lane).observe(
                time.monotonic() - started)
            pipeline.metrics.last_epoch.labels(pipeline.destination, lane).set(time.time())

    @app.agent(user_lane)
    async def user_lane_agent(stream: Any) -> None:
        await run_lane(stream, "user")

    @app.agent(group_lane)
    async def group_lane_agent(stream: Any) -> None:
        await run_lane(stream, "group")

    add_health_pages(app, progress)
    return AppParts(app, pipeline)
