"""HubSpot client metrics (names: hubspot_stream_<noun>_<unit>[_total]; labels from enums)."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


class ClientMetrics:
    """Every HubSpot-client metric, registered once per registry (tests pass a fresh one)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.requests = Counter(
            "hubspot_stream_hubspot_requests_total", "HubSpot calls by bucket and status class",
            ["bucket", "status_class"], registry=registry)
        self.latency = Histogram(
            "hubspot_stream_hubspot_request_duration_seconds", "HubSpot call latency",
            ["bucket"], registry=registry)
        self.budget_wait = Histogram(
            "hubspot_stream_budget_wait_seconds", "Time a call waited for the rate budget",
            ["bucket"], buckets=(0, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60), registry=registry)
        self.rate_limited = Counter(
            "hubspot_stream_hubspot_429_total", "429 answers by HubSpot policy", ["policy"],
            registry=registry)
        self.retries = Counter(
            "hubspot_stream_hubspot_retries_total", "Retried HubSpot calls by reason",
            ["reason"], registry=registry)
        self.refreshes = Counter(
            "hubspot_stream_oauth_refreshes_total", "OAuth access-token refreshes",
            registry=registry)
        self.fallback = Gauge(
            "hubspot_stream_budget_fallback", "1 while Redis is unreachable and this worker "
            "paces with its share of the budget", registry=registry)

    def record_response(self, bucket: str, status: int, seconds: float) -> None:
        """One answered call (status 0: no response)."""
        self.requests.labels(bucket, f"{status // 100}xx" if status else "none").inc()
        self.latency.labels(bucket).observe(seconds)
