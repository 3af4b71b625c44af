"""HubSpot client metrics (names: hubspot_stream_<noun>_<unit>[_total]; labels from enums)."""

from __future__ import annotations

from collections.abc import Mapping

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
            "hubspot_stream_hubspot_429_total", "429 answers by rate bucket and HubSpot policy",
            ["bucket", "policy"],
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
        self.budget_limit = Gauge(
            "hubspot_stream_budget_limit_calls_per_second", "Paced limit of a rate bucket for "
            "the whole destination (every worker together)", ["bucket"], registry=registry)
        self.daily_remaining = Gauge(
            "hubspot_stream_daily_budget_remaining_ratio", "Share of the portal's daily call "
            "limit left, from HubSpot's X-HubSpot-RateLimit-Daily(-Remaining) headers (NaN "
            "until an answer carried them)", registry=registry)
        self.daily_remaining.set(float("nan"))
        self.parked_until = Gauge(
            "hubspot_stream_budget_parked_until_timestamp_seconds", "Unix time until which "
            "this worker makes no HubSpot call (daily limit reached; 0: not parked)",
            registry=registry)

    def record_response(self, bucket: str, status: int, seconds: float) -> None:
        """One answered call (status 0: no response)."""
        self.requests.labels(bucket, f"{status // 100}xx" if status else "none").inc()
        self.latency.labels(bucket).observe(seconds)

    def record_budget(self, headers: Mapping[str, str], parked_until: float) -> None:
        """The daily budget an answer reports, and the park the budget is in."""
        limit = _number(headers.get("X-HubSpot-RateLimit-Daily"))
        remaining = _number(headers.get("X-HubSpot-RateLimit-Daily-Remaining"))
        if limit and remaining is not None:
            self.daily_remaining.set(max(0.0, remaining) / limit)
        self.parked_until.set(parked_until)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None
