"""The rate budget shared by every worker of a destination: one Redis sliding log per bucket.

One atomic Lua script per acquire (Redis `TIME` is the only clock, so workers' clocks do not
matter); a 429 or a DAILY park sets a shared key every worker checks first. When Redis cannot be
reached, the worker falls back to a local budget scaled to its share of the lane partitions and
the metric hubspot_stream_budget_fallback says so.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from stream.hubspot.budget import Bucket, Grant, Limit, LocalBudget

log = logging.getLogger(__name__)
REDIS_PROBE_SECONDS = 5.0  # while fallen back, try Redis again this often

# KEYS: log zset, cool-down key, park key. ARGV: window ms, limit, member.
# Returns {0, calls in the window} when granted, else {milliseconds to wait, calls}.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = math.max(tonumber(redis.call('GET', KEYS[2]) or 0),
                         tonumber(redis.call('GET', KEYS[3]) or 0))
if blocked > now then return {blocked - now, 0} end
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local limit = tonumber(ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {0, count + 1}
end
local edge = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return {math.max(1, tonumber(edge[2]) + window - now), count}
"""
# KEYS: log zset. ARGV: member. Re-scores an answered call to now (if still in the log).
SETTLE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
"""
# KEYS: the key to block with. ARGV: unix ms until which to block.
BLOCK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untils = tonumber(ARGV[1])
if untils > tonumber(redis.call('GET', KEYS[1]) or 0) then
  redis.call('SET', KEYS[1], untils, 'PX', math.max(1, untils - now))
end
return 0
"""


class RedisBudget(LocalBudget):
    """LocalBudget's interface over Redis keys `hubspot-stream:budget:<portal>:<app>:...`."""

    def __init__(self, redis: Any, scope: str, limits: Mapping[Bucket, Limit],
                 time_zone: str = "UTC", on_fallback: Callable[[bool], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(limits, time_zone, **kwargs)
        self.redis = redis
        self.prefix = f"hubspot-stream:budget:{scope}:"
        self._acquire = redis.register_script(ACQUIRE)
        self._block = redis.register_script(BLOCK)
        self._settle = redis.register_script(SETTLE)
        self.on_fallback = on_fallback
        self.fallen_back = False
        self._global_counts: dict[Bucket, int] = {}
        self._probe_redis_at = 0.0

    def calls_in_window(self, bucket: Bucket) -> int:
        """All workers' calls in the window, as of this worker's last acquire."""
        if self.fallen_back:
            return super().calls_in_window(bucket)
        return self._global_counts.get(bucket, 0)

    async def acquire(self, bucket: Bucket) -> Grant:
        """Wait until the shared bucket grants a call; returns the wait and the ticket."""
        limit = self.limits.get(bucket)
        if limit is None:
            return Grant(0.0, "")
        if self.fallen_back and self.clock() < self._probe_redis_at:
            return await LocalBudget.acquire(self, bucket)
        waited, ticket = 0.0, uuid.uuid4().hex
        while True:
            try:
                wait_ms, in_window = await self._acquire(
                    keys=[self._key(bucket, "log"), self._key(bucket, "cool"),
                          self._key(None, "park")],
                    args=[int(limit.window_seconds * 1000),
                          max(1, limit.count - self._external_use(bucket, self.clock())),
                          ticket])
            except Exception as exc:  # redis.exceptions.ConnectionError, timeouts, resets
                if not _unreachable(exc):
                    raise
                grant = await self._fallback_acquire(bucket, exc)
                return Grant(waited + grant.waited_seconds, grant.ticket)
            self._set_fallback(False)
            self._global_counts[bucket] = int(in_window)
            if int(wait_ms) <= 0:
                return Grant(waited, ticket)
            await self.sleep(int(wait_ms) / 1000)  # type: ignore[misc]
            waited += int(wait_ms) / 1000

    async def settle(self, bucket: Bucket, grant: Grant) -> None:
        """Re-score the answered call to now in the shared log (see LocalBudget.settle)."""
        if self.fallen_back or bucket not in self.limits:
            await super().settle(bucket, grant)
            return
        try:
            await self._settle(keys=[self._key(bucket, "log")], args=[grant.ticket])
        except Exception as exc:
            if not _unreachable(exc):
                raise

    def cool_down(self, bucket: Bucket, seconds: float) -> None:
        """Shared: every worker waits (and locally at once)."""
        super().cool_down(bucket, seconds)
        self._spawn_block(self._key(bucket, "cool"), self.clock() + seconds)

    def park_until_midnight(self) -> float:
        """Shared DAILY park until the portal's midnight."""
        until = super().park_until_midnight()
        self._spawn_block(self._key(None, "park"), until)
        return until

    def _spawn_block(self, key: str, until: float) -> None:
        async def block() -> None:
            try:
                await self._block(keys=[key], args=[int(until * 1000)])
            except Exception:
                log.warning("could not share a rate-limit pause through Redis", exc_info=True)

        asyncio.get_running_loop().create_task(block())

    async def _fallback_acquire(self, bucket: Bucket, exc: Exception) -> Grant:
        self._probe_redis_at = self.clock() + REDIS_PROBE_SECONDS
        if not self.fallen_back:
            log.warning("Redis unreachable (%s); using this worker's share %.2f of the budget",
                        type(exc).__name__, self.share)
        self._set_fallback(True)
        return await super().acquire(bucket)

    def _set_fallback(self, active: bool) -> None:
        if active != self.fallen_back and self.on_fallback is not None:
            self.on_fallback(active)
        self.fallen_back = active

    def _key(self, bucket: Bucket | None, kind: str) -> str:
        return f"{self.prefix}{bucket.value if bucket else 'all'}:{kind}"


def _unreachable(exc: Exception) -> bool:
    """Redis could not be reached (as opposed to a bug or a script error)."""
    if isinstance(exc, OSError | ConnectionError | TimeoutError | asyncio.TimeoutError):
        return True
    import redis.exceptions

    return isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError)
