"""Durable lane state: what a lane remembers per key, restored from a compacted Kafka changelog.

Each lane (user, group) has a changelog topic with the lane's partition count. The state of a lane
key is written to the changelog partition of the lane record it came from, so partition p of the
changelog holds exactly the keys of lane partition p (co-partitioned). A worker restores a lane
partition's state the first time it processes a record of that partition (and again after the
partition was revoked), so a restarted or rebalanced worker knows every contact id and every
recently published outcome of the keys it now owns. Redis is at most a cache (lane_memory.py).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson

from stream.delivery.state_store import MemoryStateStore, StateStore
from stream.ttl_cache import TtlCache

log = logging.getLogger(__name__)

SCHEMA = "hubspot-stream.lane-state/1"
MAX_SEEN_PER_KEY = 64  # recent outcomes kept per key: covers any uncommitted tail redelivered
# decoded states of the keys read or written last: an epoch reads a key's state several times
# (dedup, contact id, next state) and its next events come soon; at most ~10 KB each
DECODED_KEYS = 2048

# (partition) -> every (key, value) record of that changelog partition, oldest first
PartitionReader = Callable[[int], Awaitable[Sequence[tuple[bytes, bytes | None]]]]


@dataclass
class KeyState:
    """What one lane key (a user or a group) remembers."""

    contact_id: str | None = None
    contact_failure: str | None = None  # why the user's last contact write failed
    seen: dict[str, float] = field(default_factory=dict)  # dedup key -> published at (unix s)

    def encode(self) -> bytes:
        """The changelog value."""
        return orjson.dumps({"schema": SCHEMA, "contact_id": self.contact_id,
                             "contact_failure": self.contact_failure,
                             "seen": list(self.seen.items())})  # pairs as arrays

    @classmethod
    def decode(cls, raw: bytes) -> KeyState:
        """Parse a changelog value; ValueError on anything else."""
        data: Any = orjson.loads(raw)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError("not a lane-state record")
        return cls(contact_id=data.get("contact_id"),
                   contact_failure=data.get("contact_failure"),
                   seen={str(key): float(at) for key, at in data.get("seen") or []})


@dataclass(frozen=True)
class StateUpdate:
    """One changelog record to publish with an epoch's outcomes."""

    partition: int
    key: str
    state: KeyState

    @cached_property
    def value(self) -> bytes:
        """The encoded state: published, then stored (encoded once)."""
        return self.state.encode()


class LaneState:
    """The state of the lane partitions this worker processes, restored on first use."""

    def __init__(self, read_partition: PartitionReader, window_seconds: float,
                 clock: Callable[[], float] = time.time,
                 store: StateStore | None = None) -> None:
        self.read_partition = read_partition
        self.window_seconds = window_seconds
        self.clock = clock
        self.store = store or MemoryStateStore()  # encoded KeyStates (state_store.py)
        self._partitions: set[int] = set()  # restored
        self._restoring: dict[int, asyncio.Future[None]] = {}
        self._decoded = self._no_decoded()
        self.restored_keys = 0

    def _no_decoded(self) -> TtlCache[tuple[int, str], KeyState]:
        """An empty cache of decoded states (never mutated: `updated` makes new ones), in front
        of the store; emptied whenever a partition is forgotten."""
        return TtlCache(math.inf, self.clock, DECODED_KEYS)

    async def restore(self, partitions: Iterable[int]) -> None:
        """Read the changelog of every partition not restored yet (concurrent callers share one
        read per partition)."""
        for partition in sorted(set(partitions)):
            if partition in self._partitions:
                continue
            pending = self._restoring.get(partition)
            if pending is None:
                pending = asyncio.ensure_future(self._restore_one(partition))
                self._restoring[partition] = pending
            try:
                await asyncio.shield(pending)
            finally:
                if pending.done():
                    self._restoring.pop(partition, None)

    async def _restore_one(self, partition: int) -> None:
        keys: dict[str, bytes] = {}
        for raw_key, value in await self.read_partition(partition):
            key = raw_key.decode("utf-8", errors="replace")
            if value is None:
                keys.pop(key, None)
                continue
            try:
                KeyState.decode(value)
            except (ValueError, TypeError):
                continue  # not ours or from a future schema: forget rather than crash
            keys[key] = value
        self.store.replace(partition, keys)
        self._partitions.add(partition)
        self.restored_keys += len(keys)

    def revoke(self, partitions: Iterable[int]) -> None:
        """Forget partitions now owned by another worker (restored again if they come back)."""
        for partition in partitions:
            if partition in self._partitions:
                self._partitions.discard(partition)
                self._decoded = self._no_decoded()
                self.store.drop(partition)

    def get(self, partition: int, key: str) -> KeyState:
        """The state of `key` (empty when unknown); restore(partition) must have run."""
        if partition not in self._partitions:
            return KeyState()
        state = self._decoded.get((partition, key))
        if state is None:
            raw = self.store.get(partition, key)
            state = KeyState.decode(raw) if raw is not None else KeyState()
            self._decoded.put((partition, key), state)
        return state

    def was_published(self, partition: int, key: str, dedup_key: str) -> bool:
        """True when this (event, mapping, attempt) already got its outcome in the window."""
        at = self.get(partition, key).seen.get(dedup_key)
        return at is not None and self.clock() - at < self.window_seconds

    def updated(self, partition: int, key: str, published: Sequence[str] = (),
                contact_id: str | None = None, contact_failure: str | None = None) -> StateUpdate:
        """The key's next state (not applied until `apply`): published dedup keys added (the
        newest MAX_SEEN_PER_KEY within the window), a learned contact id or a contact failure."""
        current = self.get(partition, key)
        now = self.clock()
        seen = {k: at for k, at in current.seen.items() if now - at < self.window_seconds}
        seen.update(dict.fromkeys(published, now))
        if len(seen) > MAX_SEEN_PER_KEY:
            seen = dict(sorted(seen.items(), key=lambda item: item[1])[-MAX_SEEN_PER_KEY:])
        state = KeyState(contact_id=contact_id or current.contact_id,
                         contact_failure=None if contact_id else (
                             contact_failure or current.contact_failure),
                         seen=seen)
        return StateUpdate(partition, key, state)

    def apply(self, updates: Iterable[StateUpdate]) -> None:
        """Take updates Kafka acknowledged into the local copy, in one write. A copy that cannot
        take them (RocksDB: a full disk) is forgotten and restored again, with these updates,
        from the changelog on next use, instead of failing an epoch whose outcomes are
        published."""
        kept = [update for update in updates if update.partition in self._partitions]
        if not kept:
            return
        try:
            self.store.put_many([(u.partition, u.key, u.value) for u in kept])
        except Exception as exc:
            partitions = sorted({update.partition for update in kept})
            log.warning("lane state of partitions %s not stored (%s): restored from the "
                        "changelog on next use", partitions, exc)
            self._partitions.difference_update(partitions)
            self._decoded = self._no_decoded()
            return
        for update in kept:
            self._decoded.put((update.partition, update.key), update.state)
