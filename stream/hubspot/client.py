"""The HubSpot HTTP client: one aiohttp session per worker, the rate budget, auth and retries.

`request` returns a `Response(status, body, headers)` for 2xx and for the 4xx answers the actions
interpret (400, 403, 404, 409, ...). It retries 429, 423, 5xx, 52x, timeouts and resets inside
`call_budget_seconds` (kept well inside faust's rebalance timeout), then raises RetryableError;
auth that a refresh cannot fix raises FatalError. Tokens never appear in logs or errors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from prometheus_client import CollectorRegistry

from stream.errors import FatalError, Reason, RetryableError
from stream.hubspot.auth import Auth
from stream.hubspot.budget import Bucket, LocalBudget, bucket_for
from stream.hubspot.decision import (
    Decision,
    Done,
    GiveUp,
    Refresh,
    Retry,
    decide,
    decide_exception,
    wait_seconds,
)
from stream.metrics.catalog import ClientMetrics

log = logging.getLogger(__name__)


def correlation_id(headers: Mapping[str, str]) -> str | None:
    """HubSpot's id of a request (`X-HubSpot-Correlation-Id`, any case): what its support asks
    for, logged with every error answer."""
    return next((v for k, v in headers.items() if k.lower() == "x-hubspot-correlation-id"), None)


@dataclass(frozen=True)
class Response:
    """A HubSpot answer the caller interprets: status, parsed JSON body (or None), headers."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True for 2xx."""
        return 200 <= self.status < 300


@dataclass(frozen=True)
class ClientSettings:
    """Timeouts and the retry budget."""

    request_timeout_seconds: float = 15.0
    call_budget_seconds: float = 30.0
    max_connections: int = 20


class HubSpotClient:
    """Open with `async with` (or `await open()` / `await close()`)."""

    def __init__(self, base_url: str, auth: Auth, budget: LocalBudget,
                 metrics: ClientMetrics | None = None, settings: ClientSettings | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.budget = budget
        self.metrics = metrics or ClientMetrics(registry=CollectorRegistry())
        self.settings = settings or ClientSettings()
        self.clock = clock
        self.sleep = sleep
        self.latency_seconds = 0.5  # moving average of answered calls (in-flight sizing)
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> HubSpotClient:
        """Create the pooled keep-alive session."""
        timeout = aiohttp.ClientTimeout(total=self.settings.request_timeout_seconds)
        connector = aiohttp.TCPConnector(limit=self.settings.max_connections)
        self._session = aiohttp.ClientSession(timeout=timeout, connector=connector,
                                              json_serialize=lambda o: orjson.dumps(o).decode())
        return self

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> HubSpotClient:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("HubSpotClient is not open")
        return self._session

    def pace(self) -> tuple[float, float]:
        """(CRM calls per second the budget allows this worker, measured call latency in s):
        what Little's law needs to size the epochs in flight."""
        limit = self.budget.limits.get(Bucket.CRM)
        rate = limit.count * self.budget.share / limit.window_seconds if limit else 10.0
        return rate, self.latency_seconds

    def share_budget(self, share: float) -> None:
        """This worker owns `share` of the lane partitions: the part of the rate budget it
        paces with while the shared budget (Redis) is unreachable."""
        self.budget.share = max(share, 0.01)

    async def request(self, method: str, path: str, *, json: Any = None,
                      params: Mapping[str, str] | None = None) -> Response:
        """One logical call, retried as the decision says within the call budget."""
        bucket = bucket_for(path)
        deadline = self.clock() + self.settings.call_budget_seconds
        attempt, refreshed = 0, False
        while True:
            token, response, decision = await self._attempt(method, path, bucket, json, params)
            if isinstance(decision, Done):
                assert response is not None
                return response
            if isinstance(decision, GiveUp):
                raise FatalError(decision.reason, decision.message)
            if isinstance(decision, Refresh) and not refreshed:
                await self.auth.refresh(self.session, token)
                refreshed = True
                continue
            if isinstance(decision, Refresh):
                raise FatalError(Reason.AUTH, "HubSpot still answers 401 "
                                 "EXPIRED_AUTHENTICATION after a token refresh")
            assert isinstance(decision, Retry)
            wait = self._pause(bucket, decision, attempt)
            attempt += 1
            if self.clock() + wait > deadline:
                raise RetryableError(decision.reason, f"HubSpot {method} {path}: still "
                                     f"{decision.policy or decision.reason.value} after "
                                     f"{attempt} attempts", retry_after_seconds=wait)
            self.metrics.retries.labels(decision.reason.value).inc()
            await self.sleep(wait)

    async def _attempt(self, method: str, path: str, bucket: Bucket, json: Any,
                       params: Mapping[str, str] | None,
                       ) -> tuple[str, Response | None, Decision]:
        grant = await self.budget.acquire(bucket)
        self.metrics.budget_wait.labels(bucket.value).observe(grant.waited_seconds)
        token = await self.auth.token(self.session)
        headers = {"Authorization": f"Bearer {token}"}
        started = time.monotonic()
        try:
            async with self.session.request(method, self.base_url + path, json=json,
                                            params=params, headers=headers) as answer:
                raw = await answer.read()
                response = Response(answer.status, orjson.loads(raw) if raw else None,
                                    dict(answer.headers))
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            await self.budget.settle(bucket, grant)
            self.metrics.record_response(bucket.value, 0, time.monotonic() - started)
            return token, None, decide_exception(exc)
        except orjson.JSONDecodeError:
            response = Response(answer.status, None, dict(answer.headers))
        await self.budget.settle(bucket, grant)
        elapsed = time.monotonic() - started
        self.latency_seconds += 0.1 * (elapsed - self.latency_seconds)
        self.metrics.record_response(bucket.value, response.status, elapsed)
        if response.status >= 400:
            log.warning("HubSpot %s %s answered %d", method, path, response.status,
                        extra={"hubspot_correlation_id": correlation_id(response.headers),
                               "hubspot_status": response.status,
                            "hubspot_category": (response.body or {}).get("category")
                            if isinstance(response.body, dict) else None})
        self.budget.observe(bucket, response.headers)
        self.metrics.record_budget(response.headers, self.budget.parked_until)
        return token, response, decide(response.status, response.headers, response.body)

    def _pause(self, bucket: Bucket, decision: Retry, attempt: int) -> float:
        """Seconds to wait; 429s also pause the shared budget for every worker."""
        if decision.policy is not None:
            self.metrics.rate_limited.labels(bucket.value, decision.policy).inc()
        if decision.policy == "DAILY":
            parked_until = self.budget.park_until_midnight()
            self.metrics.parked_until.set(parked_until)
            return max(0.0, parked_until - self.budget.clock())
        wait = wait_seconds(decision, attempt)
        if decision.policy is not None:
            self.budget.cool_down(bucket, wait)
        return wait


