"""The delivery core of one worker: ingest, lane epochs and lane memory, with no faust import.

The faust agents (stream.agents.app) only move bytes: they hand batches to these methods,
publish what comes back, then ack.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stream.delivery.action_call import ActionCall
from stream.delivery.epoch import run_group_epoch, run_user_epoch
from stream.delivery.ingest import Ingestor, IngestResult
from stream.delivery.lane_state import contact_id_of, remember, was_seen
from stream.delivery.runner import ActionRunner
from stream.errors import Reason
from stream.metrics.pipeline import PipelineMetrics
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates

LaneTable = MutableMapping[str, Any]


@dataclass
class LaneOutput:
    """What a lane epoch wants published before its source records are acked."""

    outcomes: list[Outcome] = field(default_factory=list)
    forwards: list[ActionCall] = field(default_factory=list)
    table_updates: dict[str, dict[str, Any]] = field(default_factory=dict)


class Pipeline:
    """One destination's delivery core in one worker."""

    def __init__(self, ingestor: Ingestor, open_runner: Callable[[], Awaitable[ActionRunner]],
                 metrics: PipelineMetrics, dedup_window_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.ingestor = ingestor
        self.destination = ingestor.destination.id
        self._open_runner = open_runner
        self._runner: ActionRunner | None = None
        self.metrics = metrics
        self.dedup_window_seconds = dedup_window_seconds
        self.clock = clock

    async def runner(self) -> ActionRunner:
        """The action runner, opened on first use inside the worker's event loop."""
        if self._runner is None:
            self._runner = await self._open_runner()
        return self._runner

    def ingest(self, raw: bytes, source: SourceCoordinates, attempt: int = 1) -> IngestResult:
        """Ingest one source record, counting what became of it."""
        result = self.ingestor.ingest(raw, source, attempt)
        if result.filtered:
            disposition = f"filtered_{result.filtered}"
        elif result.outcomes and not result.calls and result.outcomes[0].mapping is None:
            disposition = "invalid"
        else:
            disposition = "routed"
        self.metrics.record_events(self.destination, disposition)
        return result

    async def user_epoch(self, records: Sequence[bytes], table: LaneTable) -> LaneOutput:
        """Contacts, then objects and events, then companies forwarded with their contact id."""
        output = LaneOutput()
        calls = self._fresh_calls(records, table, output, "user", lambda c: c.routing_key)
        epoch = await run_user_epoch(calls, await self.runner(),
                                     lambda key: contact_id_of(table.get(key)))
        output.outcomes.extend(epoch.outcomes)
        output.forwards.extend(epoch.forwards)
        self._remember(calls, table, output, lambda c: c.routing_key, epoch.contact_ids)
        return output

    async def group_epoch(self, records: Sequence[bytes], table: LaneTable) -> LaneOutput:
        """Company upserts (merged per groupId) and their contact associations."""
        output = LaneOutput()
        calls = self._fresh_calls(records, table, output, "group", _group_key)
        output.outcomes.extend(await run_group_epoch(calls, await self.runner()))
        self._remember(calls, table, output, _group_key, {})
        return output

    def published(self, output: LaneOutput) -> None:
        """Count the outcomes of an epoch once Kafka acknowledged them."""
        for outcome in output.outcomes:
            reason = outcome.error.reason.value if outcome.error else None
            self.metrics.record_outcome(self.destination, outcome.action, outcome.status,
                                        reason)

    def _fresh_calls(self, records: Sequence[bytes], table: LaneTable, output: LaneOutput,
                     lane: str, key_of: Callable[[ActionCall], str]) -> list[ActionCall]:
        now = self.clock()
        calls: list[ActionCall] = []
        for raw in records:
            try:
                call = ActionCall.decode(raw)
            except (ValueError, KeyError, TypeError) as exc:
                output.outcomes.append(_undecodable(self.destination, raw, exc))
                continue
            if was_seen(table.get(key_of(call)), call.dedup_key, now,
                        self.dedup_window_seconds):
                self.metrics.duplicates.labels(self.destination, lane).inc()
                continue
            calls.append(call)
        self.metrics.epoch_size.labels(self.destination, lane).observe(len(calls))
        return calls

    def _remember(self, calls: Sequence[ActionCall], table: LaneTable, output: LaneOutput,
                  key_of: Callable[[ActionCall], str], contact_ids: dict[str, str]) -> None:
        now = self.clock()
        keys: dict[str, list[str]] = {}
        for call in calls:
            keys.setdefault(key_of(call), []).append(call.dedup_key)
        for key in contact_ids:
            keys.setdefault(key, [])
        for key, dedup_keys in keys.items():
            output.table_updates[key] = remember(table.get(key), dedup_keys, now,
                                                 self.dedup_window_seconds, contact_ids.get(key))


def _group_key(call: ActionCall) -> str:
    return call.group_id or call.routing_key


def _undecodable(destination: str, raw: bytes, exc: Exception) -> Outcome:
    text = raw[:4096].decode("utf-8", errors="replace")
    return Outcome(
        status="failed", destination=destination, mapping=None, action=None, message_id=None,
        event_type=None, routing_key=None, source=SourceCoordinates("", -1, -1),
        error=OutcomeError(Reason.INTERNAL, f"undecodable lane record: {exc}"),
        event={"raw_text": text})
