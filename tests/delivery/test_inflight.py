"""Epochs in flight: concurrency within the limit, per-key order, backpressure, acks."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

from stream.delivery.inflight import AckGate, Held, InFlightLimit, LaneScheduler
from stream.delivery.records import InRecord
from stream.delivery.runner import LaneStopped
from stream.outcomes.model import SourceCoordinates


class Lane:
    """Epochs that finish when the test releases them; what ran, in which order."""

    def __init__(self) -> None:
        self.started: list[list[str]] = []
        self.acked: list[str] = []
        self.gates: list[asyncio.Event] = []
        self.running = 0
        self.most_running = 0

    async def run_epoch(self, records: Sequence[InRecord]) -> None:
        self.started.append([r.value.decode() for r in records])
        gate = asyncio.Event()
        self.gates.append(gate)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await gate.wait()
        finally:
            self.running -= 1

    async def ack(self, handles: Sequence[Any]) -> None:
        self.acked.extend(handles)

    async def settle(self) -> None:
        for _ in range(5):
            await asyncio.sleep(0)


_OFFSETS = itertools.count()


def held(key: str, name: str, partition: int = 0) -> Held:
    """A record of `partition`, at the next offset (the order the agent took it in)."""
    return Held(key.encode(), InRecord(SourceCoordinates("lane", partition, next(_OFFSETS)),
                                       name.encode()), name)


def scheduler(lane: Lane, limit: int = 4, batch: int = 2, max_records: int = 100,
              wait_seconds: float = 0.0) -> LaneScheduler:
    return LaneScheduler(lane.run_epoch, lane.ack, InFlightLimit(limit), batch, wait_seconds,
                         max_records)


async def test_epochs_of_different_keys_run_together_up_to_the_limit() -> None:
    lane = Lane()
    lanes = scheduler(lane, limit=3, batch=1)
    await lanes.submit([held(f"u{i}", f"e{i}") for i in range(5)])
    await lane.settle()
    assert lane.started == [["e0"], ["e1"], ["e2"]]
    for gate in list(lane.gates):
        gate.set()
    await lane.settle()
    assert lane.started[3:] == [["e3"], ["e4"]]
    for gate in lane.gates[3:]:
        gate.set()
    await lanes.drain()
    assert sorted(lane.acked) == [f"e{i}" for i in range(5)]
    assert lane.most_running == 3


async def test_a_key_with_an_epoch_in_flight_waits_while_other_keys_go_on() -> None:
    lane = Lane()
    lanes = scheduler(lane, limit=4, batch=2)
    await lanes.submit([held("u1", "a1"), held("u2", "b1")])
    await lanes.submit([held("u1", "a2"), held("u3", "c1"), held("u1", "a3"), held("u4", "d1")])
    await lane.settle()
    assert lane.started == [["a1", "b1"], ["c1", "d1"]]  # a2, a3 wait for a1's epoch
    lane.gates[1].set()
    await lane.settle()
    assert lane.acked == []  # c1 and d1 are done, but a1 and b1, before them, are not
    lane.gates[0].set()
    await lane.settle()
    assert lane.started[2] == ["a2", "a3"]  # in arrival order, in one epoch (which keeps it)
    lane.gates[2].set()
    await lanes.drain()
    assert lane.acked == ["a1", "b1", "a2", "c1", "a3", "d1"]  # offset order


async def test_submit_waits_while_the_lane_holds_its_record_cap() -> None:
    lane = Lane()
    lanes = scheduler(lane, limit=1, batch=2, max_records=3)
    await lanes.submit([held("u1", "a"), held("u2", "b"), held("u3", "c")])
    blocked = asyncio.ensure_future(lanes.submit([held("u4", "d")]))
    await lane.settle()
    assert not blocked.done()
    lane.gates[0].set()
    await lane.settle()
    assert blocked.done() and blocked.result() is True
    for _ in range(3):
        await lane.settle()
        for gate in lane.gates:
            gate.set()
    await lanes.drain()
    assert sorted(lane.acked) == ["a", "b", "c", "d"]


async def test_a_partial_epoch_waits_for_the_batch_wait_while_others_are_in_flight() -> None:
    lane = Lane()
    lanes = scheduler(lane, limit=4, batch=3, wait_seconds=0.2)
    await lanes.submit([held("u1", "a"), held("u2", "b"), held("u3", "c")])
    await lanes.submit([held("u4", "d")])
    await lane.settle()
    assert lane.started == [["a", "b", "c"]]
    await asyncio.sleep(0.3)
    assert lane.started == [["a", "b", "c"], ["d"]]
    for gate in lane.gates:
        gate.set()
    await lanes.drain()


async def test_a_stopped_epoch_stops_the_lane_and_acks_nothing_of_it() -> None:
    acked: list[Any] = []

    async def run_epoch(records: Sequence[InRecord]) -> None:
        raise LaneStopped("shutdown")

    async def ack(handles: Sequence[Any]) -> None:
        acked.extend(handles)

    lanes = LaneScheduler(run_epoch, ack, InFlightLimit(4), 10, 0.0, 100)
    await lanes.submit([held("u1", "a")])
    await lanes.drain()
    assert lanes.stopped
    assert await lanes.submit([held("u2", "b")]) is False
    assert acked == []


def test_the_limit_follows_rate_times_latency_within_its_cap() -> None:
    assert InFlightLimit(32, lambda: 19.0, lambda: 0.4).value() == 13
    assert InFlightLimit(32, lambda: 9.5, lambda: 0.01).value() == 2
    assert InFlightLimit(8, lambda: 25.0, lambda: 2.0).value() == 8


async def test_stop_abandons_waiting_records_and_cancel_abandons_running_epochs() -> None:
    lane, abandoned = Lane(), list[Any]()
    lanes = LaneScheduler(lane.run_epoch, lane.ack, InFlightLimit(4), 10, 0.0, 100,
                          abandon=abandoned.extend)
    await lanes.submit([held("u1", "a1")])
    await lanes.submit([held("u1", "a2"), held("u2", "b1")])  # a2 waits for a1's epoch
    await lane.settle()
    lanes.stop()
    assert abandoned == ["a2"]
    assert await lanes.submit([held("u3", "c1")]) is False
    lanes.cancel()  # a1 and b1 are stuck in HubSpot calls
    await lanes.drain()
    assert sorted(abandoned) == ["a1", "a2", "b1", "c1"]
    assert lane.acked == []


async def test_epochs_finishing_out_of_order_ack_each_partition_in_offset_order() -> None:
    lane = Lane()
    lanes = scheduler(lane, limit=4, batch=1)
    await lanes.submit([held("u1", "p0-first", 0), held("u2", "p1-first", 1),
                        held("u3", "p0-second", 0), held("u4", "p1-second", 1)])
    await lane.settle()
    lane.gates[2].set()  # p0-second done before p0-first
    lane.gates[1].set()  # p1-first done: nothing before it on partition 1
    await lane.settle()
    assert lane.acked == ["p1-first"]
    lane.gates[0].set()
    await lane.settle()
    assert lane.acked == ["p1-first", "p0-first", "p0-second"]
    lane.gates[3].set()
    await lanes.drain()
    assert lane.acked[-1] == "p1-second"
    assert lanes.gate.size == 0


def test_records_redelivered_from_the_committed_offset_start_their_partition_over() -> None:
    gate = AckGate()
    first, second = held("u1", "a"), held("u2", "b")
    gate.add([first, second])
    again = Held(b"u1", first.record, "a-again")  # a rebalance seeks back to `first`
    gate.add([again])
    assert gate.size == 1
    assert [h.handle for h in gate.complete([again])] == ["a-again"]


async def test_a_range_the_worker_died_in_is_replayed_in_one_epoch_once_it_all_arrived() -> None:
    """After a crash, the records of a range that was in flight are not split by the first
    small fetch: the replay waits for the range's last offset and takes all of it, beyond the
    batch size, so each key is written merged as before (never older values first)."""
    lane = Lane()
    first = [held("u1", "a1", partition=7), held("u2", "b1", partition=7)]
    rest = [held("u1", "a2", partition=7), held("u1", "a3", partition=7),
            held("u3", "c1", partition=7)]
    crashed = [("lane", 7, first[0].record.source.offset, rest[1].record.source.offset)]
    lanes = LaneScheduler(lane.run_epoch, lane.ack, InFlightLimit(4), 2, 0.0, 100,
                          crashed=lambda: crashed)
    await lanes.submit(first)
    await lane.settle()
    assert lane.started == []  # a3, the range's last record, has not arrived yet
    await lanes.submit(rest)
    await lane.settle()
    assert lane.started == [["a1", "b1", "a2", "a3"], ["c1"]]  # the whole range, beyond
    for gate in lane.gates:                                        # the batch of 2, first
        gate.set()
    await lanes.drain()
    assert lane.acked == ["a1", "b1", "a2", "a3", "c1"]
