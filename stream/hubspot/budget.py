"""The rate budget: HubSpot's buckets, paced with an exact sliding log so 429s do not happen.

A sliding log (the times of the calls granted in the last window) is what HubSpot itself counts
for its rolling 10-second limit, so granting only while fewer than `limit` calls are in the log
can never overrun it; see docs/rate-budget.md for why not GCRA. Two backends share the logic:
`LocalBudget` (one worker) and `stream.hubspot.redis_budget.RedisBudget` (all workers).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SAFETY = 1.0           # default share of the plan's window paced (HUBSPOT_STREAM_RATE_SAFETY)
DAILY_RESERVE = 10     # stop this many calls before the portal's daily cap
MIDNIGHT_SKEW_SECONDS = 600  # HubSpot's and our clocks may disagree this much around midnight
DAILY_RETRY_SECONDS = 5      # after a park, and between tries while HubSpot's day turns


class Bucket(StrEnum):
    """HubSpot's separate limits (HUBSPOT_API.md section 1)."""

    CRM = "crm"
    SEARCH = "search"
    ASSOCIATIONS = "associations"
    EVENTS = "events"


def bucket_for(path: str) -> Bucket:
    """Which bucket a request path counts against."""
    if path.startswith("/events/v3/send"):
        return Bucket.EVENTS
    if path.startswith("/crm/v3/objects/") and path.endswith("/search"):
        return Bucket.SEARCH
    if path.startswith("/crm/v4/associations/") and "/batch/" in path:
        return Bucket.ASSOCIATIONS
    return Bucket.CRM


@dataclass(frozen=True)
class Grant:
    """A granted call: how long it waited, and the ticket to settle once it was answered."""

    waited_seconds: float
    ticket: str


@dataclass(frozen=True)
class Limit:
    """At most `count` calls in any `window_seconds`."""

    count: int
    window_seconds: float


def plan_limits(requests_per_10s: int, search_per_second: int,
                safety: float = SAFETY) -> dict[Bucket, Limit]:
    """The paced limits of a plan, with the safety share applied (events are not paced:
    their 1,250/s cap is far above what one destination sends). The rolling 10 s limit is per
    app (token), so by default the budget paces to all of it; a share below 1 leaves headroom
    for other software using the same token."""
    return {
        Bucket.CRM: Limit(max(1, math.floor(requests_per_10s * safety)), 10.0),
        Bucket.ASSOCIATIONS: Limit(max(1, math.floor(requests_per_10s * safety)), 10.0),
        Bucket.SEARCH: Limit(max(1, search_per_second - 1), 1.0),
    }


def next_midnight(now: float, time_zone: str) -> float:
    """Unix time of the next midnight in the portal's time zone (when HubSpot resets the day)."""
    local = datetime.fromtimestamp(now, ZoneInfo(time_zone))
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.timestamp()


def daily_park_end(now: float, time_zone: str) -> float:
    """Until when a DAILY limit parks the destination: the portal's next midnight plus a little
    slack; but a DAILY answer in the first minutes after a midnight is HubSpot's clock lagging
    ours (its day has not turned yet), not a new day's exhaustion: retry in a short while
    instead of parking a whole day."""
    local = datetime.fromtimestamp(now, ZoneInfo(time_zone))
    since_midnight = now - local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    if since_midnight < MIDNIGHT_SKEW_SECONDS:
        return now + DAILY_RETRY_SECONDS
    return next_midnight(now, time_zone) + DAILY_RETRY_SECONDS


class LocalBudget:
    """Sliding logs per bucket in this process, plus cool-downs and the daily park."""

    def __init__(self, limits: Mapping[Bucket, Limit], time_zone: str = "UTC",
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], object] = asyncio.sleep) -> None:
        self.limits = dict(limits)
        self.time_zone = time_zone
        self.clock = clock
        self.sleep = sleep
        self.share = 1.0
        self._logs: dict[Bucket, deque[float]] = {bucket: deque() for bucket in limits}
        self._cool_until: dict[Bucket, float] = {}
        self._external: dict[Bucket, tuple[int, float]] = {}
        self.parked_until = 0.0
        self._last_grant = 0.0

    def wait_for(self, bucket: Bucket) -> float:
        """Seconds until a call may go (0: granted now, and recorded)."""
        now = self.clock()
        blocked = max(self.parked_until, self._cool_until.get(bucket, 0.0))
        if blocked > now:
            return blocked - now
        limit = self.limits.get(bucket)
        if limit is None:
            return 0.0
        log = self._logs[bucket]
        while log and log[0] <= now - limit.window_seconds:
            log.popleft()
        allowed = max(1, math.floor(limit.count * self.share) - self._external_use(bucket, now))
        if len(log) < allowed:
            log.append(now)
            self._last_grant = now
            return 0.0
        return log[len(log) - allowed] + limit.window_seconds - now

    async def acquire(self, bucket: Bucket) -> Grant:
        """Wait until the bucket grants a call; returns the wait and the grant's ticket."""
        waited = 0.0
        while (wait := self.wait_for(bucket)) > 0:
            await self.sleep(wait)  # type: ignore[misc]
            waited += wait
        return Grant(waited, str(self._last_grant))

    async def settle(self, bucket: Bucket, grant: Grant) -> None:
        """The call was answered: count it from now on, since HubSpot counted it on arrival,
        somewhere between the grant and now (so a slow request can never overrun a window)."""
        log = self._logs.get(bucket)
        if log is None:
            return
        with contextlib.suppress(ValueError):
            log.remove(float(grant.ticket))
        log.append(self.clock())

    def cool_down(self, bucket: Bucket, seconds: float) -> None:
        """No call to this bucket for `seconds` (after a 429)."""
        self._cool_until[bucket] = max(self._cool_until.get(bucket, 0.0), self.clock() + seconds)

    def park_until_midnight(self) -> float:
        """No call at all until the portal's midnight (DAILY; see daily_park_end); returns
        that time."""
        self.parked_until = daily_park_end(self.clock(), self.time_zone)
        return self.parked_until

    def observe(self, bucket: Bucket, headers: Mapping[str, str]) -> None:
        """Correct the local view from HubSpot's X-HubSpot-RateLimit-* headers: calls HubSpot
        counted that this budget did not grant (another worker or app) shrink what remains."""
        daily = _int(headers.get("X-HubSpot-RateLimit-Daily-Remaining"))
        if daily is not None and daily <= DAILY_RESERVE:
            self.park_until_midnight()
        maximum = _int(headers.get("X-HubSpot-RateLimit-Max"))
        remaining = _int(headers.get("X-HubSpot-RateLimit-Remaining"))
        if maximum is None or remaining is None or bucket not in self._logs:
            return
        others = max(0, (maximum - remaining) - self.calls_in_window(bucket))
        self._external[bucket] = (others, self.clock())

    def calls_in_window(self, bucket: Bucket) -> int:
        """The calls this budget granted in the current window."""
        return len(self._logs.get(bucket, ()))

    def _external_use(self, bucket: Bucket, now: float) -> int:
        others, seen_at = self._external.get(bucket, (0, 0.0))
        window = self.limits[bucket].window_seconds
        return others if now - seen_at < window else 0


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
