"""Lane memory: a cache of contact ids and published outcomes, shared across lanes and workers.

The durable record of both is the Kafka lane state (lane_state.py). This cache adds what the
per-key state cannot see: producer repeats of a message id that land in another epoch or, for
Redis, another worker, within the dedup window. Backends: in-process, or Redis (shared by every
worker of a destination), wrapped in DegradingLaneMemory so an outage never stops a lane.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from stream.ttl_cache import TtlCache

log = logging.getLogger(__name__)


class LaneMemory(Protocol):
    """What the lanes remember between epochs."""

    async def seen(self, dedup_keys: Sequence[str]) -> set[str]:
        """The keys whose outcome was published within the window."""
        ...

    async def contact_ids(self, routing_keys: Iterable[str]) -> dict[str, str]:
        """Known HubSpot contact ids of these users."""
        ...

    async def remember(self, dedup_keys: Sequence[str], contact_ids: Mapping[str, str]) -> None:
        """Mark outcomes published and store learned contact ids."""
        ...


class InProcessLaneMemory:
    """Bounded LRU caches in this process; dedup entries expire after the window."""

    def __init__(self, window_seconds: float, max_entries: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window_seconds = window_seconds
        self._seen: TtlCache[str, bool] = TtlCache(window_seconds, clock, max_entries)
        self._contacts: TtlCache[str, str] = TtlCache(math.inf, clock, max_entries)

    async def seen(self, dedup_keys: Sequence[str]) -> set[str]:
        return {key for key in dedup_keys if self._seen.get(key)}

    async def contact_ids(self, routing_keys: Iterable[str]) -> dict[str, str]:
        known = {key: self._contacts.get(key) for key in routing_keys}
        return {key: value for key, value in known.items() if value is not None}

    async def remember(self, dedup_keys: Sequence[str], contact_ids: Mapping[str, str]) -> None:
        if self.window_seconds > 0:
            for key in dedup_keys:
                self._seen.put(key, True)
        for user, contact_id in contact_ids.items():
            self._contacts.put(user, contact_id)


class RedisLaneMemory:
    """Keys `hubspot-stream:<destination>:seen:<dedup key>` (expiring after the window) and
    `hubspot-stream:<destination>:contact:<routing key>` (expiring after 30 days)."""

    CONTACT_TTL_SECONDS = 30 * 86400

    def __init__(self, redis: Any, destination: str, window_seconds: float) -> None:
        self.redis = redis
        self.prefix = f"hubspot-stream:{destination}:"
        self.window_seconds = window_seconds

    async def seen(self, dedup_keys: Sequence[str]) -> set[str]:
        if not dedup_keys or self.window_seconds <= 0:
            return set()
        values = await self.redis.mget([f"{self.prefix}seen:{key}" for key in dedup_keys])
        return {key for key, value in zip(dedup_keys, values, strict=True) if value is not None}

    async def contact_ids(self, routing_keys: Iterable[str]) -> dict[str, str]:
        keys = list(dict.fromkeys(routing_keys))
        if not keys:
            return {}
        values = await self.redis.mget([f"{self.prefix}contact:{key}" for key in keys])
        return {key: _text(value) for key, value in zip(keys, values, strict=True)
                if value is not None}

    async def remember(self, dedup_keys: Sequence[str], contact_ids: Mapping[str, str]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        if self.window_seconds > 0:
            window_ms = max(1, int(self.window_seconds * 1000))
            for key in dedup_keys:
                pipe.set(f"{self.prefix}seen:{key}", 1, px=window_ms)
        for user, contact_id in contact_ids.items():
            pipe.set(f"{self.prefix}contact:{user}", contact_id, ex=self.CONTACT_TTL_SECONDS)
        await pipe.execute()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class DegradingLaneMemory:
    """A lane memory whose backend may fail (Redis): a failure is logged once, reported through
    `on_degraded(True)`, and answers "nothing known" (dedup of producer repeats degrades to
    at-least-once; the Kafka lane state still holds). The backend is tried again every
    `probe_seconds`, and `on_degraded(False)` reports its return."""

    def __init__(self, inner: LaneMemory, on_degraded: Callable[[bool], None],
                 probe_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.on_degraded = on_degraded
        self.probe_seconds = probe_seconds
        self.clock = clock
        self.degraded_until: float | None = None

    def _usable(self) -> bool:
        return self.degraded_until is None or self.clock() >= self.degraded_until

    def _failed(self, exc: Exception) -> None:
        if self.degraded_until is None:
            log.error("lane memory unreachable (%s: %s): dedup of repeats degrades to "
                      "at-least-once until it is back", type(exc).__name__, exc)
            self.on_degraded(True)
        self.degraded_until = self.clock() + self.probe_seconds

    def _worked(self) -> None:
        if self.degraded_until is not None:
            log.warning("lane memory reachable again")
            self.on_degraded(False)
        self.degraded_until = None

    async def seen(self, dedup_keys: Sequence[str]) -> set[str]:
        if not self._usable():
            return set()
        try:
            found = await self.inner.seen(dedup_keys)
        except Exception as exc:
            self._failed(exc)
            return set()
        self._worked()
        return found

    async def contact_ids(self, routing_keys: Iterable[str]) -> dict[str, str]:
        if not self._usable():
            return {}
        try:
            found = await self.inner.contact_ids(routing_keys)
        except Exception as exc:
            self._failed(exc)
            return {}
        self._worked()
        return found

    async def remember(self, dedup_keys: Sequence[str], contact_ids: Mapping[str, str]) -> None:
        if not self._usable():
            return
        try:
            await self.inner.remember(dedup_keys, contact_ids)
        except Exception as exc:
            self._failed(exc)
            return
        self._worked()
