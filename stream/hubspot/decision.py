"""The error taxonomy: one function turns a HubSpot response into what happens next.

Decisions are values (STYLE.md section 3): `Done` (hand the answer to the caller, which decides
what a 400/404/409 means for its records), `Retry` (after a wait), `Refresh` (the OAuth access
token expired: refresh once, then retry) and `GiveUp` (auth a refresh cannot fix).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from stream.errors import Reason

LOCKED_MIN_SECONDS = 2.0           # HubSpot: 423 Locked means "retry after at least 2 s"
SECONDLY_WAIT_SECONDS = 1.0
TEN_SECONDLY_WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Done:
    """Not retried: 2xx, or a 4xx that the action turns into per-record outcomes."""


@dataclass(frozen=True)
class Retry:
    """Retry after `after_seconds` (None: capped exponential backoff with full jitter)."""

    reason: Reason
    after_seconds: float | None = None
    policy: str | None = None
    minimum_seconds: float = 0.0


@dataclass(frozen=True)
class Refresh:
    """401 EXPIRED_AUTHENTICATION: refresh the OAuth token once (single-flight), retry."""


@dataclass(frozen=True)
class GiveUp:
    """Stop: auth that a refresh cannot fix. Becomes a FatalError."""

    reason: Reason
    message: str


Decision = Done | Retry | Refresh | GiveUp


def decide(status: int, headers: Mapping[str, str], body: Any) -> Decision:
    """The decision for one HTTP response (headers case-insensitive, body parsed JSON or None)."""
    fields = body if isinstance(body, Mapping) else {}
    if status == 429:
        return _rate_limited(headers, fields)
    if status == 423:
        return Retry(Reason.HUBSPOT_UNAVAILABLE, minimum_seconds=LOCKED_MIN_SECONDS)
    if status >= 500:
        return Retry(Reason.HUBSPOT_UNAVAILABLE)
    if status == 401:
        category = str(fields.get("category", ""))
        if category == "EXPIRED_AUTHENTICATION":
            return Refresh()
        return GiveUp(Reason.AUTH, f"HubSpot answered 401 {category or ''}".strip())
    return Done()


def decide_exception(error: BaseException) -> Decision:
    """The decision for a call that got no response: timeouts and resets are retried."""
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return Retry(Reason.TIMEOUT)
    if isinstance(error, aiohttp.ClientError | ConnectionError):
        return Retry(Reason.HUBSPOT_UNAVAILABLE)
    raise error


def backoff_seconds(attempt: int, base_seconds: float = 0.5, cap_seconds: float = 8.0) -> float:
    """Capped exponential backoff with full jitter for retry number `attempt` (0-based)."""
    return random.uniform(0, min(cap_seconds, base_seconds * 2 ** attempt))


def wait_seconds(decision: Retry, attempt: int) -> float:
    """How long to wait before the next try."""
    wait = decision.after_seconds if decision.after_seconds is not None else backoff_seconds(
        attempt)
    return max(wait, decision.minimum_seconds)


def _rate_limited(headers: Mapping[str, str], fields: Mapping[str, Any]) -> Retry:
    policy = str(fields.get("policyName") or "")
    retry_after = _float(headers.get("Retry-After"))
    if policy == "DAILY":
        return Retry(Reason.RATE_LIMITED, retry_after, policy)  # the budget parks until midnight
    if policy == "SECONDLY":
        return Retry(Reason.RATE_LIMITED, retry_after or SECONDLY_WAIT_SECONDS, policy)
    interval = _float(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds"))
    window = interval / 1000 if interval else TEN_SECONDLY_WAIT_SECONDS
    return Retry(Reason.RATE_LIMITED, retry_after or window, policy or "TEN_SECONDLY_ROLLING")


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
