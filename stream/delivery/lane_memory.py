"""Lane memory: the HubSpot contact id per user and the outcomes already published (dedup).

Two backends with one interface: in-process (one worker, or when Redis is not configured) and
Redis (shared by every worker of a destination, so it survives rebalances and restarts). Both
expire dedup entries after the window. faust tables were tried first and dropped: with
faust-streaming 0.15.3 a worker joining a group that has table changelogs stopped every member's
consumption after the rebalance (docs/pipeline.md).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol


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
    """Bounded LRU maps in this process; dedup entries expire after the window."""

    def __init__(self, window_seconds: float, max_entries: int = 500_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window_seconds = window_seconds
        self.max_entries = max_entries
        self.clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._contacts: OrderedDict[str, str] = OrderedDict()

    async def seen(self, dedup_keys: Sequence[str]) -> set[str]:
        now = self.clock()
        return {key for key in dedup_keys
                if (at := self._seen.get(key)) is not None and now - at < self.window_seconds}

    async def contact_ids(self, routing_keys: Iterable[str]) -> dict[str, str]:
        return {key: self._contacts[key] for key in routing_keys if key in self._contacts}

    async def remember(self, dedup_keys: Sequence[str], contact_ids: Mapping[str, str]) -> None:
        now = self.clock()
        if self.window_seconds > 0:
            for key in dedup_keys:
                self._seen[key] = now
                self._seen.move_to_end(key)
        self._contacts.update(contact_ids)
        for mapping in (self._seen, self._contacts):
            while len(mapping) > self.max_entries:
                mapping.popitem(last=False)


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
