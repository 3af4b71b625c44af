"""The lane state stores: RocksDB on disk and memory behave alike."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from stream.delivery.lane_state import KeyState, LaneState
from stream.delivery.state_store import MemoryStateStore, RocksStateStore, StateStore


@pytest.fixture(params=["memory", "rocksdb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StateStore:
    if request.param == "memory":
        return MemoryStateStore()
    return RocksStateStore(tmp_path / "lane-state" / "user")


def test_partitions_are_kept_apart_replaced_and_dropped(store: StateStore) -> None:
    store.replace(1, {"u1": b"a", "u2": b"b"})
    store.replace(10, {"u1": b"c"})
    store.put_many([(1, "u3", b"d")])
    assert [store.get(1, k) for k in ("u1", "u2", "u3")] == [b"a", b"b", b"d"]
    assert store.get(10, "u1") == b"c"
    store.replace(1, {"u2": b"e"})
    assert [store.get(1, k) for k in ("u1", "u2", "u3")] == [None, b"e", None]
    store.drop(10)
    assert store.get(10, "u1") is None
    assert store.get(1, "u2") == b"e"
    store.put_many([(1, "u2", b"f"), (10, "u1", b"g"), (1, "u4", b"h")])
    assert [store.get(1, "u2"), store.get(10, "u1"), store.get(1, "u4")] == [b"f", b"g", b"h"]


def test_a_rocksdb_store_starts_empty_whatever_the_directory_held(tmp_path: Path) -> None:
    path = tmp_path / "lane-state" / "user"
    first = RocksStateStore(path)
    first.put_many([(0, "u1", b"old")])
    first.close()
    assert RocksStateStore(path).get(0, "u1") is None  # rebuilt from the changelog instead


async def test_lane_state_restores_into_rocksdb_and_reads_back(tmp_path: Path) -> None:
    changelog = {2: [(b"u1", KeyState(contact_id="c1").encode()), (b"u2", b"garbage"),
                     (b"u3", KeyState(contact_id="c3").encode()), (b"u3", None)]}

    async def read(partition: int) -> list[tuple[bytes, bytes | None]]:
        return changelog.get(partition, [])

    state = LaneState(read, 60, store=RocksStateStore(tmp_path / "user"))
    await state.restore([2])
    assert state.get(2, "u1").contact_id == "c1"
    assert (state.get(2, "u2"), state.get(2, "u3")) == (KeyState(), KeyState())
    state.apply([state.updated(2, "u4", ["m1|map|1"], contact_id="c4")])
    assert state.was_published(2, "u4", "m1|map|1")
    state.revoke([2])
    assert state.get(2, "u1") == KeyState()


async def test_an_update_the_store_refuses_makes_the_partition_restore_again() -> None:
    changelog: list[tuple[bytes, bytes | None]] = []

    async def read(partition: int) -> list[tuple[bytes, bytes | None]]:
        return list(changelog)

    class FullDisk(MemoryStateStore):
        def put_many(self, items: Sequence[tuple[int, str, bytes]]) -> None:
            raise OSError("No space left on device")

    state = LaneState(read, 60, store=FullDisk())
    await state.restore([0])
    update = state.updated(0, "u1", ["m1|map|1"], contact_id="c1")
    changelog.append((b"u1", update.value))  # published before it is applied
    state.apply([update])
    await state.restore([0])
    assert state.get(0, "u1").contact_id == "c1"


async def test_a_key_state_is_decoded_once_and_forgotten_with_its_partition() -> None:
    changelog = {0: [(b"u1", KeyState(contact_id="c1").encode())]}

    async def read(partition: int) -> list[tuple[bytes, bytes | None]]:
        return changelog.get(partition, [])

    class CountingStore(MemoryStateStore):
        reads = 0

        def get(self, partition: int, key: str) -> bytes | None:
            self.reads += 1
            return super().get(partition, key)

    store = CountingStore()
    state = LaneState(read, 60, store=store)
    await state.restore([0])
    assert [state.get(0, "u1").contact_id for _ in range(3)] == ["c1"] * 3
    state.apply([state.updated(0, "u1", ["m1|map|1"])])
    assert state.was_published(0, "u1", "m1|map|1") and state.get(0, "u1").contact_id == "c1"
    assert store.reads == 1
    state.revoke([0])
    changelog[0] = [(b"u1", KeyState(contact_id="c2").encode())]  # another worker's writes
    await state.restore([0])
    assert state.get(0, "u1") == KeyState(contact_id="c2") and store.reads == 2
