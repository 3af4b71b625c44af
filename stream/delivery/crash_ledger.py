"""The crash ledger: which source records were being processed when the worker last died.

Python exceptions never escape a batch (pipeline.py), but a record can still kill the process
(a C extension fault, memory exhaustion). Before a batch runs, its offset range is written to
a small file in the data dir; it is removed when the batch is acked. At the next start, a batch
that overlaps a range left behind is first run once more as a whole (a kill -9, an OOM kill or a
lost node does not recur, and a whole batch writes each key's newest value, where one record at
a time would first write older values over the newest one the dead worker's last call may have
written). If the worker dies in that re-run too, the range is run one record at a time, each
recorded alone, and a record that was being processed alone when the worker died `limit` times
is passed with a failure outcome instead of killing the worker forever.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from stream.outcomes.model import SourceCoordinates

log = logging.getLogger(__name__)
COMPACT_BYTES = 64 * 1024


@dataclass(frozen=True)
class Attempt:
    """A range of one partition being processed (alone: one record on its own)."""

    lane: str
    topic: str
    partition: int
    first: int
    last: int
    crashes: int = 0  # alone: deaths of this record alone; else 1 for a re-run of a crashed range
    alone: bool = False

    def overlaps(self, lane: str, source: SourceCoordinates) -> bool:
        return (self.lane, self.topic, self.partition) == (lane, source.topic,
                                                           source.partition) and (
            self.first <= source.offset <= self.last)


class CrashLedger:
    """Attempts in flight, persisted in `path` (None: kept in memory, nothing survives)."""

    def __init__(self, path: Path | None, limit: int = 3) -> None:
        self.path = path
        self.limit = limit
        self._unwritable = False
        self._fd: int | None = None
        self._size = 0  # bytes the file holds (its JSON, then spaces)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.previous: list[Attempt] = self._load()
        self.current: dict[int, list[Attempt]] = {}
        self._next_id = 0
        if self.previous:
            log.warning("the worker died while processing %d record ranges: they are retried "
                        "one record at a time", len(self.previous))

    def crashed_before(self, lane: str, sources: Sequence[SourceCoordinates]) -> bool:
        """True when some of these records were in flight when the worker last died."""
        return any(a.overlaps(lane, s) for a in self.previous for s in sources)

    def ranges(self, lane: str) -> list[tuple[str, int, int, int]]:
        """The ranges of `lane` in flight when the worker last died and not yet run again:
        (topic, partition, first, last)."""
        return [(a.topic, a.partition, a.first, a.last) for a in self.previous if a.lane == lane]

    def must_isolate(self, lane: str, sources: Sequence[SourceCoordinates]) -> bool:
        """True when a crashed range these records overlap was already a re-run, or a record
        alone: run them one at a time."""
        return any((a.alone or a.crashes) and a.overlaps(lane, s)
                   for a in self.previous for s in sources)

    def is_poison(self, lane: str, source: SourceCoordinates) -> bool:
        """True when this record, processed alone, killed the worker `limit - 1` times (this
        would be the limit-th)."""
        return self._alone_crashes(lane, source) + 1 >= self.limit

    def begin(self, lane: str, sources: Sequence[SourceCoordinates], alone: bool = False,
              rerun: bool = False) -> int:
        """Record the attempt of these records (one range per partition), alone or as the
        re-run of a crashed range; returns its handle."""
        handle = self._next_id
        self._next_id += 1
        ranges: dict[tuple[str, int], list[int]] = {}
        for source in sources:
            ranges.setdefault((source.topic, source.partition), []).append(source.offset)
        crashes = self._alone_crashes(lane, sources[0]) + 1 if alone else int(rerun)
        self.current[handle] = [Attempt(lane, topic, partition, min(offsets), max(offsets),
                                        crashes, alone)
                                for (topic, partition), offsets in ranges.items()]
        self._save()
        return handle

    def end(self, handle: int | None, lane: str, sources: Sequence[SourceCoordinates]) -> None:
        """The attempt finished (its records are acked): forget it, and every crashed range
        these records overlap."""
        if handle is not None:
            self.current.pop(handle, None)
        self.previous = [a for a in self.previous
                         if not any(a.overlaps(lane, source) for source in sources)]
        self._save()

    def _alone_crashes(self, lane: str, source: SourceCoordinates) -> int:
        return max((a.crashes for a in self.previous if a.alone and a.overlaps(lane, source)),
                   default=0)

    def _load(self) -> list[Attempt]:
        if self.path is None or not self.path.exists():
            return []
        try:
            return [Attempt(**item) for item in orjson.loads(self.path.read_bytes())]
        except (OSError, ValueError, TypeError) as exc:
            log.warning("unreadable crash ledger %s (%s): starting without it", self.path, exc)
            return []

    def _save(self) -> None:
        """Overwrite the file in place with one `pwrite` (this runs twice per batch): padded
        with spaces (valid JSON) when shorter than what it replaces, so no truncation and no
        rename is needed; a write cut by a kill can leave only an unreadable file, which the
        next start reports and ignores."""
        if self.path is None:
            return
        entries = [*self.previous, *(a for attempts in self.current.values() for a in attempts)]
        data = orjson.dumps(entries)
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                self._size = 0
            if self._size > COMPACT_BYTES and len(data) < self._size // 4:
                os.ftruncate(self._fd, len(data))  # shrink after a burst of large epochs
                self._size = len(data)
            os.pwrite(self._fd, data.ljust(self._size), 0)
            self._size = max(self._size, len(data))
        except OSError as exc:  # the ledger protects against crash loops; never cause one
            if not self._unwritable:  # said once; the next save tries again (a full disk)
                log.error("cannot write the crash ledger %s: %s", self.path, exc)
            self._unwritable = True
            return
        self._unwritable = False
