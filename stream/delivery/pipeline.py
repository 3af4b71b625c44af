"""The delivery core of one worker: ingest, lane epochs and lane memory, with no faust import.

The faust agents (stream.agents.app) only move bytes: they hand batches to these methods,
publish what comes back, call `remember`, then ack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from stream.delivery.action_call import ActionCall
from stream.delivery.epoch import GROUP_LANE_ACTIONS, run_group_epoch, run_user_epoch
from stream.delivery.ingest import Ingestor, IngestResult
from stream.delivery.lane_memory import LaneMemory
from stream.delivery.runner import ActionRunner
from stream.errors import Reason
from stream.metrics.pipeline import PipelineMetrics
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates


@dataclass
class LaneOutput:
    """What a lane epoch wants published before its source records are acked, and what the
    lane memory learns once Kafka acknowledged it."""

    outcomes: list[Outcome] = field(default_factory=list)
    forwards: list[ActionCall] = field(default_factory=list)
    published_keys: list[str] = field(default_factory=list)
    contact_ids: dict[str, str] = field(default_factory=dict)


class Pipeline:
    """One destination's delivery core in one worker."""

    def __init__(self, ingestor: Ingestor, open_runner: Callable[[], Awaitable[ActionRunner]],
                 metrics: PipelineMetrics, memory: LaneMemory) -> None:
        self.ingestor = ingestor
        self.destination = ingestor.destination.id
        self._open_runner = open_runner
        self._runner: ActionRunner | None = None
        self._share = 1.0
        self.metrics = metrics
        self.memory = memory

    async def runner(self) -> ActionRunner:
        """The action runner, opened on first use inside the worker's event loop."""
        if self._runner is None:
            self._runner = await self._open_runner()
            self.assignment_changed(self._share)
        return self._runner

    def assignment_changed(self, share: float) -> None:
        """This worker now owns `share` of the lane partitions: the part of the rate budget it
        paces with if the shared budget (Redis) becomes unreachable."""
        self._share = share
        budget = getattr(getattr(self._runner, "context", None), "client", None)
        budget = getattr(budget, "budget", None)
        if budget is not None:
            budget.share = max(share, 0.01)

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

    async def user_epoch(self, records: Sequence[bytes]) -> LaneOutput:
        """Contacts, then objects and events, then companies forwarded with their contact id."""
        output = LaneOutput()
        calls = await self._fresh_calls(records, output, "user")
        company_users = [c.routing_key for c in calls if c.action in GROUP_LANE_ACTIONS]
        known = await self.memory.contact_ids(company_users)
        epoch = await run_user_epoch(calls, await self.runner(), known.get)
        output.outcomes.extend(epoch.outcomes)
        output.forwards.extend(epoch.forwards)
        output.contact_ids.update(epoch.contact_ids)
        output.published_keys.extend(f"user|{call.dedup_key}" for call in calls)
        return output

    async def group_epoch(self, records: Sequence[bytes]) -> LaneOutput:
        """Company upserts (merged per groupId) and their contact associations."""
        output = LaneOutput()
        calls = await self._fresh_calls(records, output, "group")
        output.outcomes.extend(await run_group_epoch(calls, await self.runner()))
        output.published_keys.extend(f"group|{call.dedup_key}" for call in calls)
        return output

    async def published(self, output: LaneOutput) -> None:
        """After Kafka acknowledged an epoch's records: remember them and count outcomes."""
        await self.memory.remember(output.published_keys, output.contact_ids)
        for outcome in output.outcomes:
            reason = outcome.error.reason.value if outcome.error else None
            self.metrics.record_outcome(self.destination, outcome.action, outcome.status,
                                        reason)

    async def _fresh_calls(self, records: Sequence[bytes], output: LaneOutput,
                           lane: str) -> list[ActionCall]:
        calls: list[ActionCall] = []
        for raw in records:
            try:
                calls.append(ActionCall.decode(raw))
            except (ValueError, KeyError, TypeError) as exc:
                output.outcomes.append(_undecodable(self.destination, raw, exc))
        seen = await self.memory.seen([f"{lane}|{call.dedup_key}" for call in calls])
        fresh = [call for call in calls if f"{lane}|{call.dedup_key}" not in seen]
        if len(fresh) < len(calls):
            self.metrics.duplicates.labels(self.destination, lane).inc(len(calls) - len(fresh))
        self.metrics.epoch_size.labels(self.destination, lane).observe(len(fresh))
        return fresh


def _undecodable(destination: str, raw: bytes, exc: Exception) -> Outcome:
    text = raw[:4096].decode("utf-8", errors="replace")
    return Outcome(
        status="failed", destination=destination, mapping=None, action=None, message_id=None,
        event_type=None, routing_key=None, source=SourceCoordinates("", -1, -1),
        error=OutcomeError(Reason.INTERNAL, f"undecodable lane record: {exc}"),
        event={"raw_text": text})
