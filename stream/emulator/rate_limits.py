"""HubSpot's rate limits: exact sliding logs per app and bucket, the portal's daily cap."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from stream.emulator.clock import iso_ms
from stream.emulator.config import EVENT_SENDS_PER_SECOND, SEARCH_PER_SECOND, Settings

TEN_SECONDS = 10.0
PORTAL = "portal"
# bucket -> (window seconds, counts toward daily, sends rate headers)
BUCKETS: dict[str, tuple[float, bool, bool]] = {
    "crm": (TEN_SECONDS, True, True), "associations": (TEN_SECONDS, True, True),
    "search": (1.0, True, False), "events": (1.0, False, False),
}


def _prune(log: deque[float], oldest_kept: float) -> None:
    while log and log[0] <= oldest_kept:
        log.popleft()


@dataclass(slots=True)
class Admission:
    """The limiter's answer: `policy` is None when admitted; headers go on the response."""

    policy: str | None
    headers: dict[str, str]


class DailyCounter:
    """Calls of the portal's local day, plus another app's share of the same budget."""

    def __init__(self, time_zone: str) -> None:
        self.zone = ZoneInfo(time_zone)
        self.used = 0
        self.other_share = 0.0
        self.other_calls = 0
        self.day_start = 0.0
        self.day_end = 0.0

    def roll(self, now: float) -> None:
        """Start a new day when `now` left the current one."""
        if self.day_start <= now < self.day_end:
            return
        local = datetime.fromtimestamp(now, self.zone)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        end = (start + timedelta(days=1, hours=2)).replace(hour=0)
        self.day_start, self.day_end = start.timestamp(), end.timestamp()
        self.used = 0
        self.other_calls = 0

    def other_used(self, now: float, limit: int) -> int:
        """Calls the other app has made today."""
        self.roll(now)
        fraction = (now - self.day_start) / (self.day_end - self.day_start)
        return int(self.other_share * limit * fraction) + self.other_calls

    def remaining(self, now: float, limit: int) -> int:
        """Calls left today for everyone."""
        return max(0, limit - self.used - self.other_used(now, limit))

    def to_json(self, now: float, limit: int) -> dict[str, Any]:
        """The `daily` object of the stats."""
        self.roll(now)
        return {"used": self.used, "other_app_used": self.other_used(now, limit),
                "limit": limit, "remaining": self.remaining(now, limit),
                "resets_at": iso_ms(self.day_end)}


class RateLimiter:
    """Admits or refuses calls per (bucket, app); tracks the busiest 10 s per bucket and app."""

    def __init__(self, settings: Settings, time_zone: str) -> None:
        self.settings = settings
        self.daily = DailyCounter(time_zone)
        self.windows: dict[tuple[str, str], deque[float]] = {}
        self.attempts: dict[tuple[str, str], deque[float]] = {}
        self.max_rolling: dict[str, dict[str, int]] = {name: {} for name in BUCKETS}
        self.rate_limited = {"TEN_SECONDLY_ROLLING": 0, "SECONDLY": 0, "DAILY": 0}

    def limit_of(self, bucket: str) -> int:
        """Calls allowed per window in a bucket under the current plan."""
        limits = self.settings.limits
        return {"crm": limits.burst_per_10s, "associations": limits.associations_per_10s,
                "search": SEARCH_PER_SECOND, "events": EVENT_SENDS_PER_SECOND}[bucket]

    def record_attempt(self, bucket: str, app: str, now: float) -> None:
        """Count a call that reached the bucket in the rolling-10 s maximum."""
        if bucket not in BUCKETS:
            return
        log = self.attempts.get((bucket, app))
        if log is None:
            log = self.attempts[(bucket, app)] = deque()
        log.append(now)
        _prune(log, now - TEN_SECONDS)
        seen = self.max_rolling[bucket]
        if len(log) > seen.get(app, 0):
            seen[app] = len(log)

    def admit(self, bucket: str, app: str, now: float) -> Admission:
        """Admit the call (counting it) or name the policy that refuses it."""
        if bucket not in BUCKETS:
            return Admission(None, {})
        window_seconds, counts_daily, sends_headers = BUCKETS[bucket]
        key = (bucket, app if window_seconds == TEN_SECONDS else PORTAL)
        log = self.windows.get(key)
        if log is None:
            log = self.windows[key] = deque()
        _prune(log, now - window_seconds)
        limit = self.limit_of(bucket)
        daily_limit = self.settings.limits.daily
        policy: str | None = None
        if counts_daily:
            self.daily.roll(now)
            if self.daily.remaining(now, daily_limit) <= 0:
                policy = "DAILY"
        if policy is None and len(log) >= limit:
            policy = "TEN_SECONDLY_ROLLING" if window_seconds == TEN_SECONDS else "SECONDLY"
        if policy is None:
            log.append(now)
            if counts_daily:
                self.daily.used += 1
        else:
            self.rate_limited[policy] += 1
        headers = self._headers(log, limit, now) if sends_headers else {}
        if policy is not None and self.settings.retry_after:
            headers["Retry-After"] = str(self._retry_after_seconds(policy, log, now))
        return Admission(policy, headers)

    def peek_headers(self, bucket: str, app: str, now: float) -> dict[str, str]:
        """The headers a call would get now, without counting it."""
        if bucket not in BUCKETS or not BUCKETS[bucket][2]:
            return {}
        log = self.windows.get((bucket, app), deque())
        _prune(log, now - BUCKETS[bucket][0])
        return self._headers(log, self.limit_of(bucket), now)

    def _headers(self, log: deque[float], limit: int, now: float) -> dict[str, str]:
        secondly = max(1, limit // 10)
        in_last_second = 0
        for stamp in reversed(log):
            if stamp <= now - 1.0:
                break
            in_last_second += 1
        headers = {
            "X-HubSpot-RateLimit-Max": str(limit),
            "X-HubSpot-RateLimit-Remaining": str(max(0, limit - len(log))),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Secondly": str(secondly),
            "X-HubSpot-RateLimit-Secondly-Remaining": str(max(0, secondly - in_last_second)),
        }
        limits = self.settings.limits
        if limits.daily_headers:
            headers["X-HubSpot-RateLimit-Daily"] = str(limits.daily)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(
                self.daily.remaining(now, limits.daily))
        return headers

    def _retry_after_seconds(self, policy: str, log: deque[float], now: float) -> int:
        if policy == "DAILY":
            return max(1, math.ceil(self.daily.day_end - now))
        if policy == "SECONDLY" or not log:
            return 1
        return max(1, math.ceil(log[0] + TEN_SECONDS - now))

    def stats(self) -> dict[str, Any]:
        """`max_rolling_10s` of the stats."""
        return {bucket: {"max": max(by_app.values(), default=0), "by_app": dict(by_app)}
                for bucket, by_app in self.max_rolling.items()}

    def reset(self) -> None:
        """Forget windows, maxima, 429 counts and today's usage."""
        self.windows.clear()
        self.attempts.clear()
        self.max_rolling = {name: {} for name in BUCKETS}
        self.rate_limited = dict.fromkeys(self.rate_limited, 0)
        self.daily.used = 0
        self.daily.other_calls = 0
