"""faust wiring: one app per destination; agents move bytes between topics and the core."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from stream.agents.consumer import DrainingTransport
from stream.agents.monitor import LeanMonitor
from stream.agents.publisher import publisher
from stream.delivery.inflight import Held
from stream.delivery.pipeline import Lane, Pipeline
from stream.delivery.records import InRecord
from stream.outcomes.model import SourceCoordinates
from stream.settings import KafkaSettings, WorkerSettings
from stream.topics.declaration import TopicDeclaration, TopicId

log = logging.getLogger(__name__)
ATTEMPT_HEADER = "hubspot-stream-attempt"
LAG_REFRESH_SECONDS = 5.0
PRODUCER_LINGER_SECONDS = 0.005  # fewer, larger produce requests: less CPU per record
PRODUCER_BATCH_BYTES = 256 * 1024  # a lane batch's outcomes of one partition in one record batch
# faust commits every N acks, else every broker_commit_interval (1 s): at 1,000 records/s a
# commit per 100 acks was 2 % of the worker's CPU; redelivery after a crash stays bounded by the
# 1 s interval, and the lane state drops what was already published
COMMIT_EVERY_ACKS = 1000
STUCK_LOOP_SECONDS = 30.0  # /healthz fails when the 5 s gauge timer has not run for this long
OUT_TOPICS: tuple[TopicId, ...] = ("results", "failures", "user_lane", "group_lane",
                                   "user_state", "group_state")
FAUST_PAGES = ("web_router_enabled", "web_tables_enabled", "web_graph_enabled",
               "web_stats_enabled", "web_metrics_enabled")


@dataclass(frozen=True)
class AppParts:
    """The app and the handles tests and the worker command need."""

    app: Any
    pipeline: Pipeline


@dataclass
class Liveness:
    """Which agent loops run, and when each last finished a batch or waited for one."""

    running: dict[str, bool] = field(default_factory=dict)
    last_epoch: float = 0.0
    last_tick: float = field(default_factory=time.monotonic)  # the gauge timer's last run


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
    """The faust app with our settings (no tables: lane state is an explicit changelog)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        app_id_for(destination),
        broker=kafka.faust_broker_url(),
        broker_client_id=kafka.client_id,
        broker_credentials=_credentials(kafka),
        datadir=str(settings.data_dir),
        web_port=settings.web_port,
        web_bind=settings.web_bind,
        topic_partitions=settings.lane_partitions,
        topic_disable_leader=True,
        table_standby_replicas=0,
        broker_commit_every=COMMIT_EVERY_ACKS,
        broker_commit_interval=1.0,
        broker_rebalance_timeout=settings.rebalance_timeout_seconds,
        stream_buffer_maxsize=1000,
        producer_linger=PRODUCER_LINGER_SECONDS,
        producer_max_batch_size=PRODUCER_BATCH_BYTES,
        consumer_group_instance_id=settings.consumer_group_instance_id,
        consumer_auto_offset_reset="earliest",
        Monitor=LeanMonitor,
        **_faust_pages(settings.web_debug_pages),
    )
    app.transport = DrainingTransport(app.conf.broker_consumer, app)
    if settings.faust_metrics:  # per record in, per stream event, per record out: CPU
        setup_prometheus_sensors(app, registry=registry, name_prefix="faust")  # serves /metrics
    idempotent_producer(app)
    return app


def idempotent_producer(app: faust.App) -> None:
    """The producer retries on its own when the broker fails over or restarts; without
    idempotence a retry of a request the broker had written duplicates its records (an outcome
    published twice: seen in the broker-restart fault scenario). faust turns it on only for
    transactions, so its settings hook is extended here, before the producer starts."""
    producer: Any = app.producer  # the aiokafka driver's Producer (a private hook)
    defaults = producer._settings_extra

    def settings_extra() -> dict[str, Any]:
        return {**defaults(), "acks": "all", "enable_idempotence": True}

    producer._settings_extra = settings_extra


def add_metrics_page(app: faust.App, registry: CollectorRegistry,
                     refresh: Callable[[], None]) -> None:
    """/metrics: the registry in Prometheus' text format, gauges refreshed first."""

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        refresh()
        return web.bytes(generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


def _faust_pages(enabled: bool) -> Any:
    """faust's own pages (/router/, /table/, /graph/, ...) only when asked for."""
    return dict.fromkeys(FAUST_PAGES, enabled)


def add_health_pages(app: faust.App, pipeline: Pipeline, liveness: Liveness) -> None:
    """/healthz (liveness: every agent loop runs) and /readyz (consuming, or idle and able to:
    503 with the reasons while a lane is paused, blocked or stopping)."""

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        dead = sorted(name for name, running in liveness.running.items() if not running)
        lag = time.monotonic() - liveness.last_tick
        stuck = lag > STUCK_LOOP_SECONDS  # the event loop ran nothing else for that long
        status = "dead agents" if dead else "event loop stuck" if stuck else "ok"
        body = {"status": status, "dead_agents": dead, "loop_lag_seconds": round(lag, 1)}
        return web.json(body, status=503 if dead or stuck else 200)

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        problems = pipeline.problems()
        if not app.started:
            problems["worker"] = "starting"
        if pipeline.stopping.is_set():
            problems["worker"] = "stopping"
        consumer = app.consumer if app.started else None
        body = {"ready": not problems, "problems": problems,
                "rebalancing": bool(app.rebalancing),
                "partitions": len(consumer.assignment()) if consumer is not None else 0,
                "last_epoch": liveness.last_epoch}
        return web.json(body, status=503 if problems else 200)


def build_app(pipeline: Pipeline, topics: TopicDeclaration, kafka: KafkaSettings,
              settings: WorkerSettings, registry: CollectorRegistry = REGISTRY) -> AppParts:
    """The faust app of one destination with its three agents."""
    app = new_app(pipeline.destination, kafka, settings, registry)

    def raw_topic(topic_id: Any) -> Any:
        return app.topic(topics.by_id(topic_id).name, key_type=bytes, value_type=bytes,
                         key_serializer="raw", value_serializer="raw")

    liveness = Liveness()
    publish = publisher(app, {topic_id: topics.by_id(topic_id).name for topic_id in OUT_TOPICS})
    follow_assignment(app, pipeline, topics, settings.lane_partitions)

    async def run_lane(stream: Any, lane: Lane) -> None:
        async def ack(events: Sequence[Any]) -> None:
            await _ack_all(stream, events)
            liveness.last_epoch = time.time()

        scheduler = pipeline.scheduler(lane, publish, ack, settings, lambda events: abandon(
            app, events))
        liveness.running[lane] = True
        try:
            async for events in stream.noack_take(settings.batch_max_items,
                                                  within=settings.batch_max_wait_seconds):
                held = [Held(e.message.key or b"", in_record(e), e) for e in events]
                if not await scheduler.submit(held):  # stopping: it abandoned them (unacked)
                    break
        finally:
            liveness.running[lane] = pipeline.stopping.is_set()

    @app.agent(raw_topic("input"))
    async def ingest(stream: Any) -> None:
        await run_lane(stream, "ingest")

    @app.agent(raw_topic("user_lane"))
    async def user_lane_agent(stream: Any) -> None:
        await run_lane(stream, "user")

    @app.agent(raw_topic("group_lane"))
    async def group_lane_agent(stream: Any) -> None:
        await run_lane(stream, "group")

    @app.timer(LAG_REFRESH_SECONDS)  # type: ignore[untyped-decorator]  # faust's stub
    async def refresh_gauges() -> None:
        liveness.last_tick = time.monotonic()
        pipeline.refresh_gauges()
        if app.consumer is not None and app.started:
            pipeline.metrics.record_lag(pipeline.destination, consumer_lags(app.consumer))

    add_health_pages(app, pipeline, liveness)
    if not settings.faust_metrics:  # else faust's sensors serve /metrics (the timer refreshes)
        add_metrics_page(app, registry, pipeline.refresh_gauges)
    return AppParts(app, pipeline)


def consumer_lags(consumer: Any) -> dict[tuple[str, int], int]:
    """End offset minus committed offset of every assigned partition (faust keeps both)."""
    lags: dict[tuple[str, int], int] = {}
    committed = getattr(consumer, "_committed_offset", {})
    for tp in consumer.assignment():
        try:
            end = consumer.highwater(tp)
        except Exception:  # no fetch answered yet for this partition
            continue
        if end is None or end < 0:
            continue
        lags[(tp.topic, tp.partition)] = max(0, end - (committed.get(tp) or 0))
    return lags


def follow_assignment(app: faust.App, pipeline: Pipeline, topics: TopicDeclaration,
                      lane_partitions: int) -> None:
    """Tell the core its share of the lanes (rate budget) and which partitions it lost."""
    lane_names = {topics.by_id("user_lane").name: "user", topics.by_id("group_lane").name: "group"}

    async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        lane = topics.by_id("user_lane").name
        mine = sum(1 for tp in assigned if tp.topic == lane)
        pipeline.assignment_changed(mine / lane_partitions)

    async def on_revoked(sender: Any, revoked: Any, **kwargs: Any) -> None:
        for topic, lane in lane_names.items():
            pipeline.partitions_revoked(lane, [tp.partition for tp in revoked
                                               if tp.topic == topic])

    # faust's stubs describe the handlers more narrowly than faust calls them (sender, tps)
    app.on_partitions_assigned.connect(on_assigned)  # type: ignore[arg-type]
    app.on_partitions_revoked.connect(on_revoked)  # type: ignore[arg-type]


def abandon(app: faust.App, events: Sequence[Any]) -> None:
    """Shutdown gave up these records: never acked (so never committed: the partition's next
    owner gets them again), and no longer awaited by faust's `wait_empty`, which otherwise holds
    the shutdown until the grace period ends. faust commits only its acked offsets, which these
    are not part of."""
    consumer = app.consumer if app.started else None
    unacked = getattr(consumer, "_unacked_messages", None)
    if unacked is None:
        return
    for event in events:
        unacked.discard(event.message)


def in_record(event: Any) -> InRecord:
    """The delivery core's view of a faust event: coordinates, bytes, replay attempt."""
    message = event.message
    return InRecord(SourceCoordinates(message.topic, message.partition, message.offset),
                    event.value or b"", attempt_of(event.headers), message.key)


async def _ack_all(stream: Any, events: Iterable[Any]) -> None:
    for event in events:
        await stream.ack(event)
