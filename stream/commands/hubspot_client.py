"""Composition of the HubSpot client of one worker: auth, rate budget, metrics."""

from __future__ import annotations

import functools
from typing import Any

from stream.hubspot.auth import Auth, OAuthTokens, PrivateAppToken
from stream.hubspot.budget import LocalBudget, plan_limits
from stream.hubspot.client import ClientSettings, HubSpotClient
from stream.hubspot.redis_budget import RedisBudget
from stream.mappings import DestinationConfig, OAuthAuth
from stream.metrics.catalog import ClientMetrics
from stream.settings import WorkerSettings


@functools.cache
def client_metrics() -> ClientMetrics:
    """The process-wide client metrics (registered once in the default registry)."""
    return ClientMetrics()


def build_auth(destination: DestinationConfig, base_url: str, metrics: ClientMetrics) -> Auth:
    """Private-app token or OAuth refresh-token flow, from the destination config."""
    auth = destination.hubspot.auth
    if isinstance(auth, OAuthAuth):
        return OAuthTokens(base_url, auth.client_id, auth.client_secret.get_secret_value(),
                           auth.refresh_token.get_secret_value(),
                           on_refresh=metrics.refreshes.inc)
    return PrivateAppToken(auth.token.get_secret_value())


def build_budget(destination: DestinationConfig, settings: WorkerSettings,
                 metrics: ClientMetrics) -> LocalBudget:
    """Redis-shared when HUBSPOT_STREAM_REDIS_URL is set, else in-process."""
    limits = destination.hubspot.rate_limits
    paced = plan_limits(limits.requests_per_10s, limits.search_requests_per_second,
                        settings.rate_safety)
    for bucket, limit in paced.items():
        metrics.budget_limit.labels(bucket.value).set(limit.count / limit.window_seconds)
    if not settings.redis_url:
        return LocalBudget(paced, settings.portal_time_zone)
    import redis.asyncio

    client: Any = redis.asyncio.Redis.from_url(settings.redis_url, socket_timeout=2.0)
    scope = f"{destination.hubspot.hub_id or destination.id}:{destination.id}"
    return RedisBudget(client, scope, paced, settings.portal_time_zone,
                       on_fallback=lambda active: metrics.fallback.set(1 if active else 0))


async def open_client(destination: DestinationConfig, settings: WorkerSettings) -> HubSpotClient:
    """The worker's client, opened (one aiohttp session per worker)."""
    metrics = client_metrics()
    base_url = settings.hubspot_base_url or destination.hubspot.base_url
    client = HubSpotClient(base_url, build_auth(destination, base_url, metrics),
                           build_budget(destination, settings, metrics), metrics,
                           ClientSettings(call_budget_seconds=settings.hubspot_call_budget_seconds))
    return await client.open()
