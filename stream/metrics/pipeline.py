"""Pipeline metrics: events in, outcomes, epochs, pauses (names: hubspot_stream_<noun>_<unit>)."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


class PipelineMetrics:
    """Every pipeline metric, registered once per registry (tests pass a fresh one)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
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
        # `.labels(...)` hashes and validates its values on every call: the per-event counters
        # keep their children here (the label sets are few: destinations x actions x statuses).
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Counter, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def record_events(self, destination: str, disposition: str, count: int = 1) -> None:
        """disposition: routed | invalid | filtered_integrations | filtered_no_mapping."""
        self._child(self.events, destination, disposition).inc(count)

    def record_outcome(self, destination: str, action: str | None, status: str,
                       reason: str | None) -> None:
        """One outcome published; reason is '' for delivered / skipped."""
        self._child(self.outcomes, destination, action or "", status, reason or "").inc()
