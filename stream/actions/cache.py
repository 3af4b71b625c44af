"""Caches shared by the actions of a worker: property types, event definitions, lists, ensured
properties and contact ids by email, each with a TTL and single-flight loading."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from stream.actions.coercion import PropertyType

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """A bounded LRU map whose entries expire `ttl_seconds` after they were stored."""

    def __init__(
        self, ttl_seconds: float, clock: Callable[[], float], max_entries: int = 2000
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._locks: dict[K, asyncio.Lock] = {}

    def get(self, key: K) -> V | None:
        """The live value for `key`, or None (expired entries are dropped)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() - entry[0] >= self.ttl_seconds:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: K, value: V) -> None:
        """Store `value`, evicting the least recently used entry when full."""
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def drop(self, key: K) -> None:
        """Forget `key` (the next get_or_load reloads it)."""
        self._entries.pop(key, None)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or `load()` stored; concurrent callers for one key load once."""
        value = self.get(key)
        if value is not None:
            return value
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            value = self.get(key)
            if value is None:
                value = await load()
                self.put(key, value)
            return value


PropertyTypes = dict[str, PropertyType]


@dataclass(frozen=True)
class EventDefinition:
    """A custom event definition: its fully qualified name and property types."""

    fully_qualified_name: str
    properties: PropertyTypes
    archived: bool = False


@dataclass
class ActionCaches:
    """The worker-shared caches; TTLs follow Segment's where it has them (ACTIONS.md Part B 7)."""

    clock: Callable[[], float] = time.monotonic
    property_ttl_seconds: float = 3600.0
    event_ttl_seconds: float = 3600.0
    list_ttl_seconds: float = 1800.0
    ensured_ttl_seconds: float = 86400.0
    contact_id_ttl_seconds: float = 86400.0
    properties: TtlCache[str, PropertyTypes] = field(init=False)
    event_definitions: TtlCache[str, EventDefinition] = field(init=False)
    lists: TtlCache[tuple[str, str], str] = field(init=False)
    ensured: TtlCache[str, bool] = field(init=False)
    contact_ids: TtlCache[str, str] = field(init=False)
    missing_properties: TtlCache[tuple[str, str], bool] = field(init=False)
    missing_ttl_seconds: float = 60.0

    def __post_init__(self) -> None:
        self.properties = TtlCache(self.property_ttl_seconds, self.clock)
        self.event_definitions = TtlCache(self.event_ttl_seconds, self.clock)
        self.lists = TtlCache(self.list_ttl_seconds, self.clock)
        self.ensured = TtlCache(self.ensured_ttl_seconds, self.clock)
        self.contact_ids = TtlCache(self.contact_id_ttl_seconds, self.clock, max_entries=100_000)
        # names a refresh confirmed missing: no new refresh for them until this expires
        self.missing_properties = TtlCache(self.missing_ttl_seconds, self.clock)
