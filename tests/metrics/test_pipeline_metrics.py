"""Pipeline metrics: the cached label children count under the right label values."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from stream.metrics.pipeline import PipelineMetrics


def test_cached_children_count_per_label_set() -> None:
    registry = CollectorRegistry()
    metrics = PipelineMetrics(registry)
    for _ in range(3):
        metrics.record_events("a", "routed")
    metrics.record_events("b", "routed", count=5)
    metrics.record_events("a", "invalid")
    metrics.record_outcome("a", "upsert_contact", "delivered", None)
    metrics.record_outcome("a", "upsert_contact", "delivered", None)
    metrics.record_outcome("a", None, "rejected", "invalid_event")

    def events(destination: str, disposition: str) -> float | None:
        return registry.get_sample_value("hubspot_stream_events_total", {
            "destination": destination, "disposition": disposition})

    assert (events("a", "routed"), events("b", "routed"), events("a", "invalid")) == (3, 5, 1)
    assert registry.get_sample_value("hubspot_stream_outcomes_total", {
        "destination": "a", "action": "upsert_contact", "status": "delivered",
        "reason": ""}) == 2
    assert registry.get_sample_value("hubspot_stream_outcomes_total", {
        "destination": "a", "action": "", "status": "rejected",
        "reason": "invalid_event"}) == 1


def test_two_registries_keep_separate_children() -> None:
    first, second = CollectorRegistry(), CollectorRegistry()
    PipelineMetrics(first).record_events("a", "routed")
    PipelineMetrics(second).record_events("a", "routed", count=2)
    labels = {"destination": "a", "disposition": "routed"}
    assert first.get_sample_value("hubspot_stream_events_total", labels) == 1
    assert second.get_sample_value("hubspot_stream_events_total", labels) == 2
