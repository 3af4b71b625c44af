"""The request log and the counters behind `/_emulator/stats` and `/_emulator/requests`."""

from __future__ import annotations

from collections import deque
from typing import Any

from stream.emulator.clock import iso_ms


class RequestLog:
    """Bounded log of API calls, in the order their responses were decided."""

    def __init__(self, size: int) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=size)
        self.seq = 0
        self.total = 0
        self.by_endpoint: dict[str, dict[str, int]] = {}
        self.by_status: dict[str, int] = {}
        self.faults: dict[str, int] = {}

    def record(self, entry: dict[str, Any], now: float) -> None:
        """Append one call; `entry` holds method, path, endpoint, bucket, status, app, ..."""
        self.seq += 1
        self.total += 1
        entry["seq"] = self.seq
        entry["epoch_ms"] = int(now * 1000)
        status = str(entry["status"])
        per_endpoint = self.by_endpoint.setdefault(entry["endpoint"], {})
        per_endpoint[status] = per_endpoint.get(status, 0) + 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        fault = entry.get("fault")
        if fault:
            self.faults[fault] = self.faults.get(fault, 0) + 1
        self.entries.append(entry)

    def query(self, after_seq: int, limit: int, path_prefix: str) -> dict[str, Any]:
        """Entries after `after_seq` (oldest first) whose path starts with `path_prefix`."""
        selected: list[dict[str, Any]] = []
        for entry in self.entries:
            if entry["seq"] <= after_seq or not entry["path"].startswith(path_prefix):
                continue
            selected.append({**entry, "time": iso_ms(entry["epoch_ms"] / 1000)})
            if len(selected) >= limit:
                break
        next_seq = selected[-1]["seq"] if selected else after_seq
        return {"requests": selected, "next_seq": next_seq}

    def counts(self) -> dict[str, Any]:
        """The counting part of the stats."""
        return {"requests_total": self.total,
                "by_endpoint": {k: dict(v) for k, v in self.by_endpoint.items()},
                "by_status": dict(self.by_status), "faults_injected": dict(self.faults)}

    def reset(self) -> None:
        """Forget everything (the sequence restarts too)."""
        self.__init__(self.entries.maxlen or 200_000)  # type: ignore[misc]
