"""The shared budget in a real Redis: one log for all clients, shared pauses, and the fallback
to the worker's share when Redis cannot be reached."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from stream.hubspot.budget import Bucket, Limit
from stream.hubspot.redis_budget import RedisBudget
from stream.localdev.kafka import free_port


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


def budget(client: redis.asyncio.Redis, scope: str, count: int = 5) -> RedisBudget:
    return RedisBudget(client, scope, {Bucket.CRM: Limit(count, 10.0)})


async def test_two_workers_share_one_log(redis_client: redis.asyncio.Redis) -> None:
    scope = uuid.uuid4().hex
    first, second = budget(redis_client, scope), budget(redis_client, scope)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)
        raise TimeoutError("stop waiting")  # the 6th grant would have to wait

    second.sleep = record
    for _ in range(3):
        assert (await first.acquire(Bucket.CRM)).waited_seconds == 0
    for _ in range(2):
        assert (await second.acquire(Bucket.CRM)).waited_seconds == 0
    with pytest.raises(TimeoutError):
        await second.acquire(Bucket.CRM)
    assert 9.0 < waits[0] <= 10.0


async def test_a_cool_down_set_by_one_worker_stops_the_others(
        redis_client: redis.asyncio.Redis) -> None:
    scope = uuid.uuid4().hex
    first, second = budget(redis_client, scope), budget(redis_client, scope)
    first.cool_down(Bucket.CRM, 3.0)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)
        raise TimeoutError

    second.sleep = record
    for _ in range(50):  # the shared key is written by a background task
        if await redis_client.exists(f"hubspot-stream:budget:{scope}:crm:cool"):
            break
        await first.sleep(0.01)  # type: ignore[misc]
    with pytest.raises(TimeoutError):
        await second.acquire(Bucket.CRM)
    assert 2.0 < waits[0] <= 3.0


async def test_unreachable_redis_falls_back_to_the_worker_share() -> None:
    client = redis.asyncio.Redis(host="127.0.0.1", port=free_port(), socket_timeout=0.5,
                                 socket_connect_timeout=0.5)
    states: list[bool] = []
    fallback = RedisBudget(client, "nowhere", {Bucket.CRM: Limit(10, 10.0)},
                           on_fallback=states.append)
    fallback.share = 0.5
    grants = [await fallback.acquire(Bucket.CRM) for _ in range(5)]
    assert all(grant.waited_seconds == 0 for grant in grants)
    assert fallback.wait_for(Bucket.CRM) > 0  # 5 = 10 x 0.5 used up locally
    assert states == [True]
    assert fallback.fallen_back
    await client.aclose()
