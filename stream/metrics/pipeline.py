"""Pipeline metrics: events in, outcomes, epochs, pauses (names: hubspot_stream_<noun>_<unit>)."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


class PipelineMetrics:
    """Every pipeline metric, registered once per registry (tests pass a fresh one)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self._lag_labels: set[tuple[str, str]] = set()
        self.events = Counter(
            "hubspot_stream_events_total", "Source events read, by what became of them",
            ["destination", "disposition"], registry=registry)
        self.outcomes = Counter(
            "hubspot_stream_outcomes_total", "Outcome records published",
            ["destination", "action", "status", "reason"], registry=registry)
        self.duplicates = Counter(
            "hubspot_stream_duplicate_calls_total",
            "Action calls dropped because their outcome was already published (message id)",
            ["destination", "lane"], registry=registry)
        self.epoch_size = Histogram(
            "hubspot_stream_epoch_calls", "Action calls per lane epoch", ["destination", "lane"],
            buckets=(1, 5, 10, 25, 50, 100, 250, 500), registry=registry)
        self.epoch_seconds = Histogram(
            "hubspot_stream_epoch_duration_seconds", "Wall time of a lane epoch",
            ["destination", "lane"], registry=registry)
        self.pauses = Counter(
            "hubspot_stream_delivery_pauses_total",
            "Times a lane paused because HubSpot could not take a batch", ["destination",
                                                                           "action", "kind"],
            registry=registry)
        self.last_epoch = Gauge(
            "hubspot_stream_last_epoch_timestamp_seconds",
            "Unix time of the last completed epoch (progress probe)", ["destination", "lane"],
            registry=registry)
        self.lane_paused = Gauge(
            "hubspot_stream_lane_paused",
            "1 while a lane cannot make progress: kind retryable (HubSpot unavailable), fatal "
            "(auth HubSpot refuses) or blocked (Kafka unreachable, an internal error)",
            ["destination", "lane", "kind"], registry=registry)
        self.memory_degraded = Gauge(
            "hubspot_stream_lane_memory_degraded",
            "1 while the Redis lane cache is unreachable (dedup of producer repeats degrades "
            "to at-least-once; the Kafka lane state still holds)", ["destination"],
            registry=registry)
        self.poison_records = Counter(
            "hubspot_stream_poison_records_total",
            "Records that crashed the worker repeatedly and were passed with a failure outcome",
            ["destination", "lane"], registry=registry)
        self.state_restored = Counter(
            "hubspot_stream_lane_state_restored_keys_total",
            "Lane keys restored from the Kafka lane-state changelog", ["destination", "lane"],
            registry=registry)

        self.epochs_in_flight = Gauge(
            "hubspot_stream_epochs_in_flight", "Lane epochs running now",
            ["destination", "lane"], registry=registry)
        self.in_flight_limit = Gauge(
            "hubspot_stream_in_flight_limit",
            "Epochs a lane may run at once (budget rate x measured latency, capped)",
            ["destination", "lane"], registry=registry)
        self.key_wait = Histogram(
            "hubspot_stream_key_wait_seconds",
            "Time a lane record waited before its epoch started (its key busy, the limit "
            "reached, or the batch filling)", ["destination", "lane"],
            buckets=(0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60), registry=registry)
        self.consumer_lag = Gauge(
            "hubspot_stream_consumer_lag_records",
            "Records of an assigned partition not committed yet (end offset - committed)",
            ["destination", "topic", "partition"], registry=registry)
        self.calls_in_flight = Gauge(
            "hubspot_stream_hubspot_calls_in_flight",
            "Action batches (HubSpot calls with their retries) running now", ["destination"],
            registry=registry)
        # `.labels(...)` hashes and validates its values on every call: the per-event counters
        # keep their children here (the label sets are few: destinations x actions x statuses).
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Counter, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def record_lag(self, destination: str, lags: dict[tuple[str, int], int]) -> None:
        """The lag of every partition assigned now; partitions no longer assigned disappear."""
        current = {(topic, str(partition)) for topic, partition in lags}
        for labels in list(self._lag_labels - current):
            self.consumer_lag.remove(destination, *labels)
        for (topic, partition), lag in lags.items():
            self.consumer_lag.labels(destination, topic, str(partition)).set(lag)
        self._lag_labels = current

    def record_events(self, destination: str, disposition: str, count: int = 1) -> None:
        """disposition: routed | invalid | internal | filtered_integrations |
        filtered_no_mapping."""
        self._child(self.events, destination, disposition).inc(count)

    def record_outcome(self, destination: str, action: str | None, status: str,
                       reason: str | None, count: int = 1) -> None:
        """`count` outcomes published; reason is '' for delivered / skipped."""
        self._child(self.outcomes, destination, action or "", status, reason or "").inc(count)
