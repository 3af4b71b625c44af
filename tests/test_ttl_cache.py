"""TtlCache expires entries after their TTL and loads each key once at a time."""

from __future__ import annotations

import asyncio

from stream.ttl_cache import TtlCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entry_expires_after_its_ttl() -> None:
    clock = FakeClock()
    cache: TtlCache[str, int] = TtlCache(60, clock)
    cache.put("contacts", 1)
    clock.now = 59.9
    assert cache.get("contacts") == 1
    clock.now = 60.0
    assert cache.get("contacts") is None


def test_least_recently_used_entry_is_evicted_when_full() -> None:
    cache: TtlCache[str, int] = TtlCache(60, FakeClock(), max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


async def test_concurrent_loads_of_one_key_run_the_loader_once() -> None:
    cache: TtlCache[str, int] = TtlCache(60, FakeClock())
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return 7

    values = await asyncio.gather(*(cache.get_or_load("k", load) for _ in range(5)))
    assert (values, calls) == ([7] * 5, 1)


async def test_dropped_key_is_loaded_again() -> None:
    cache: TtlCache[str, int] = TtlCache(60, FakeClock())
    cache.put("k", 1)
    cache.drop("k")

    async def load() -> int:
        return 2

    assert await cache.get_or_load("k", load) == 2
