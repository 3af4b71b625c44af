"""The crash ledger file: rewritten in place, always loadable."""

from __future__ import annotations

from pathlib import Path

from stream.delivery.crash_ledger import CrashLedger
from stream.outcomes.model import SourceCoordinates


def test_a_shorter_ledger_written_over_a_longer_one_loads_as_itself(tmp_path: Path) -> None:
    path = tmp_path / "crash-ledger.json"
    ledger = CrashLedger(path)
    big = ledger.begin("user", [SourceCoordinates("t", p, 10) for p in range(20)])
    small = ledger.begin("ingest", [SourceCoordinates("in", 3, 7)])
    ledger.end(big, "user", [SourceCoordinates("t", p, 10) for p in range(20)])
    reloaded = CrashLedger(path)  # as after a kill: what the file says was in flight
    assert [(a.lane, a.topic, a.partition, a.first) for a in reloaded.previous] == [
        ("ingest", "in", 3, 7)]
    ledger.end(small, "ingest", [SourceCoordinates("in", 3, 7)])
    assert CrashLedger(path).previous == []
