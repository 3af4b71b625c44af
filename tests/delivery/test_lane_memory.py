"""Lane memory: dedup window and contact ids, in-process and in a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from stream.delivery.lane_memory import InProcessLaneMemory, LaneMemory, RedisLaneMemory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_in_process_memory_forgets_outcomes_after_the_window() -> None:
    clock = Clock()
    memory = InProcessLaneMemory(window_seconds=60, clock=clock)
    await memory.remember(["user|m1|map|1"], {"u1": "51"})
    assert await memory.seen(["user|m1|map|1", "user|m2|map|1"]) == {"user|m1|map|1"}
    clock.now += 61
    assert await memory.seen(["user|m1|map|1"]) == set()
    assert await memory.contact_ids(["u1", "u2"]) == {"u1": "51"}


async def test_in_process_memory_stays_bounded() -> None:
    memory = InProcessLaneMemory(window_seconds=60, max_entries=3)
    await memory.remember([f"k{i}" for i in range(5)], {f"u{i}": str(i) for i in range(5)})
    assert await memory.seen([f"k{i}" for i in range(5)]) == {"k2", "k3", "k4"}
    assert await memory.contact_ids([f"u{i}" for i in range(5)]) == {
        "u2": "2", "u3": "3", "u4": "4"}


@pytest.fixture
async def redis_memory(redis_url: str) -> AsyncIterator[RedisLaneMemory]:
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        yield RedisLaneMemory(client, f"test-{uuid.uuid4().hex[:8]}", window_seconds=1.0)
    finally:
        await client.aclose()


async def test_redis_memory_is_shared_and_expires(redis_memory: RedisLaneMemory) -> None:
    other: LaneMemory = RedisLaneMemory(redis_memory.redis, redis_memory.prefix.split(":")[1],
                                        window_seconds=1.0)
    await redis_memory.remember(["group|m1|map|1"], {"u1": "51"})
    assert await other.seen(["group|m1|map|1", "group|m2|map|1"]) == {"group|m1|map|1"}
    assert await other.contact_ids(["u1", "u2"]) == {"u1": "51"}
    ttl_ms = await redis_memory.redis.pttl(f"{redis_memory.prefix}seen:group|m1|map|1")
    assert 0 < ttl_ms <= 1000
