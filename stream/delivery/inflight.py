"""Many epochs in flight per lane: a key never overtakes itself, every other key goes on.

The lane agent submits each batch it takes and returns to Kafka at once. A record whose key (the
lane's Kafka key: user or group) has an epoch in flight waits, in arrival order, until that epoch
is published; the others form new epochs, up to a limit that follows the rate budget and the
measured HubSpot latency (Little's law). Epochs finish in any order, but their records are acked
in offset order per partition (AckGate): faust-streaming 0.15's commit does not stop at the first
unacked record (see AckGate), so an out-of-order ack could commit past a record that has no
outcome yet. `max_records` bounds what a lane holds until acked: `submit` waits (backpressure:
the agent stops taking records) while it is full.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stream.delivery.records import InRecord
from stream.delivery.runner import LaneStopped

log = logging.getLogger(__name__)
HEADROOM = 1.5  # in-flight epochs beyond Little's law, so the budget, not the lane, is the gate
RECOVERY_WAIT_SECONDS = 10.0  # longest wait for the rest of a range the worker died in
Crashed = tuple[str, int, int, int]  # a range in flight when the worker died: topic, partition,
#                                      first and last offset (stream/delivery/crash_ledger.py)


@dataclass(slots=True)
class Held:
    """A record the lane holds until its epoch is published: its key, bytes, and the agent's
    handle to ack it with."""

    key: bytes
    record: InRecord
    handle: Any
    since: float = field(default_factory=time.monotonic)
    done: bool = False


@dataclass
class InFlightLimit:
    """Epochs in flight = allowed calls per second * call latency * headroom + 1, within
    [1, cap]. Both inputs are read live: the budget's rate and the client's measured latency."""

    cap: int
    calls_per_second: Callable[[], float] = lambda: 10.0
    latency_seconds: Callable[[], float] = lambda: 0.5

    def value(self) -> int:
        wanted = math.ceil(self.calls_per_second() * self.latency_seconds() * HEADROOM) + 1
        return max(1, min(self.cap, wanted))


class AckGate:
    """Releases a partition's records for acking in offset order, once each is done.

    faust-streaming 0.15.3 commits `Consumer._new_offset(tp)`: the first consecutive run of
    acked offsets, checked against the committed offset with `if committed_offset:` and
    `min(acked) - committed_offset > 1`. So with nothing committed yet (None, or 0) any acked
    run is committed, and one unacked record right at the committed offset is skipped: acks out
    of order could move a partition past a record without an outcome, which a crash then loses.
    Acking only the done prefix of each partition keeps faust's input in order."""

    def __init__(self) -> None:
        self.partitions: dict[tuple[str, int], deque[Held]] = {}
        self.size = 0

    def add(self, records: Sequence[Held]) -> None:
        """Records in the order the agent took them (offset order per partition)."""
        for held in records:
            source = held.record.source
            queue = self.partitions.setdefault((source.topic, source.partition), deque())
            if queue and source.offset <= queue[-1].record.source.offset:
                self.size -= len(queue)  # redelivered from the committed offset: start over
                queue.clear()
            queue.append(held)
            self.size += 1

    def complete(self, records: Sequence[Held]) -> list[Held]:
        """Mark records done; returns those now ackable (each partition's done prefix)."""
        touched = set()
        for held in records:
            held.done = True
            touched.add((held.record.source.topic, held.record.source.partition))
        ready: list[Held] = []
        for partition in touched:
            queue = self.partitions.get(partition)
            while queue and queue[0].done:
                ready.append(queue.popleft())
        self.size -= len(ready)
        return ready


RunEpoch = Callable[[Sequence[InRecord]], Awaitable[None]]
Ack = Callable[[Sequence[Any]], Awaitable[None]]


class LaneScheduler:
    """Dispatches one lane's records into concurrent epochs, keeping per-key order."""

    def __init__(self, run_epoch: RunEpoch, ack: Ack, limit: InFlightLimit,
                 batch_max_items: int, batch_max_wait_seconds: float, max_records: int,
                 observe: Callable[[str, float], None] = lambda name, value: None,
                 abandon: Callable[[Sequence[Any]], None] = lambda handles: None,
                 stopping: asyncio.Event | None = None,
                 crashed: Callable[[], Sequence[Crashed]] = lambda: ()) -> None:
        self.run_epoch = run_epoch
        self.crashed = crashed
        self.ack = ack
        self.abandon = abandon
        self.stopping = stopping or asyncio.Event()
        self.limit = limit
        self.batch_max_items = batch_max_items
        self.batch_max_wait_seconds = batch_max_wait_seconds
        self.max_records = max_records
        self.observe = observe
        self.waiting: deque[Held] = deque()
        self.busy: set[bytes] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.gate = AckGate()
        self.stopped = False
        self._changed = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None

    async def submit(self, records: Sequence[Held]) -> bool:
        """Take a batch; waits while the lane holds `max_records`. False once the lane stopped
        (shutdown): the caller stops consuming, nothing it holds is acked."""
        while not self.stopped and self.gate.size >= self.max_records:
            await self._wait_change()
        if self.stopped or self.stopping.is_set():
            self.abandon([held.handle for held in records])
            self._launch()
            return False
        self.waiting.extend(records)
        self.gate.add(records)
        self._launch()
        return not self.stopped

    def stop(self) -> None:
        """Shutdown: nothing new starts; records waiting for their key are abandoned now."""
        self.stopping.set()
        self._launch()

    def cancel(self) -> None:
        """Cancel the epochs in flight (their records are abandoned, never acked)."""
        for task in list(self.tasks):
            task.cancel()

    async def drain(self) -> None:
        """Wait until every epoch in flight finished (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    def _launch(self) -> None:
        """Start epochs while the limit allows and records are ready; a partial epoch starts
        only when nothing is in flight or its oldest record waited the batch wait."""
        if self.stopping.is_set():
            self.stopped = True  # shutdown: start nothing new; waiting records stay unacked
        if self.stopped and self.waiting:
            self.abandon([held.handle for held in self.waiting])
            self.waiting.clear()
        limit = self.limit.value()
        self.observe("limit", limit)
        while len(self.tasks) < limit and not self.stopped:
            epoch, rest = self._take_ready()
            if not epoch:
                break
            oldest = min(h.since for h in epoch)
            waited = time.monotonic() - oldest
            full = len(epoch) >= self.batch_max_items
            if not (full or not self.tasks or waited >= self.batch_max_wait_seconds):
                self._wake_after(self.batch_max_wait_seconds - waited)
                break
            recovering = self._recovering()
            if recovering:
                if self._arriving(recovering) and waited < RECOVERY_WAIT_SECONDS:
                    self._wake_after(min(self.batch_max_wait_seconds,
                                         RECOVERY_WAIT_SECONDS - waited))
                    break
                epoch, rest = self._take_ready(recovering)
            self.waiting = rest
            self.busy.update(h.key for h in epoch)
            now = time.monotonic()
            for held in epoch:
                self.observe("key_wait", now - held.since)
            task = asyncio.ensure_future(self._run(epoch))
            self.tasks.add(task)
        self.observe("in_flight", len(self.tasks))

    def _recovering(self) -> dict[tuple[str, int], int]:
        """Per partition this lane holds records of, the last offset of the ranges the worker
        died in (usually none; a range of a partition not held here changes nothing)."""
        last: dict[tuple[str, int], int] = {}
        for topic, partition, _, end in self.crashed():
            if (topic, partition) in self.gate.partitions:
                last[(topic, partition)] = max(end, last.get((topic, partition), end))
        return last

    def _arriving(self, recovering: dict[tuple[str, int], int]) -> bool:
        """True while a partition the worker died in has not redelivered up to the end of
        the range: the epoch that replays it waits for all of it, so each key's records are
        written merged as before the crash, never an older value over the newest one the dead
        worker may have written (see crash_ledger.py)."""
        for partition, end in recovering.items():
            queue = self.gate.partitions.get(partition)
            if queue and queue[-1].record.source.offset < end:
                return True
        return False

    def _take_ready(self, recovering: dict[tuple[str, int], int] | None = None,
                    ) -> tuple[list[Held], deque[Held]]:
        """Up to batch_max_items waiting records in arrival order whose key is free, beyond
        that every record of a range being recovered (a key blocked once in this pass stays
        blocked for its later records: order per key), and the records that would stay
        waiting if they were taken."""
        taken: list[Held] = []
        blocked: set[bytes] = set()
        keep: deque[Held] = deque()
        for held in self.waiting:
            room = len(taken) < self.batch_max_items
            if not room and recovering:
                source = held.record.source
                room = source.offset <= recovering.get((source.topic, source.partition), -1)
            if room and held.key not in self.busy and held.key not in blocked:
                taken.append(held)
                continue
            blocked.add(held.key)
            keep.append(held)
        return taken, keep

    async def _run(self, epoch: list[Held]) -> None:
        try:
            await self.run_epoch([held.record for held in epoch])
            await self.ack([held.handle for held in self.gate.complete(epoch)])
        except (LaneStopped, asyncio.CancelledError) as exc:
            self.stopped = True  # unacked: redelivered to the next owner of the partitions
            self.abandon([held.handle for held in epoch])
            if isinstance(exc, asyncio.CancelledError):
                raise
        except Exception:  # process() never raises else; a bug here must not lose the lane
            log.exception("lane epoch raised; stopping the lane (records stay unacked)")
            self.stopped = True
            self.abandon([held.handle for held in epoch])
        finally:
            self.busy.difference_update(held.key for held in epoch)
            task = asyncio.current_task()
            if task is not None:
                self.tasks.discard(task)
            self._launch()
            self._changed.set()

    def _wake_after(self, seconds: float) -> None:
        if self._timer is not None:
            return

        def wake() -> None:
            self._timer = None
            self._launch()

        self._timer = asyncio.get_running_loop().call_later(max(0.01, seconds), wake)

    async def _wait_change(self) -> None:
        self._changed.clear()
        await self._changed.wait()
