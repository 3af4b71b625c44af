"""The delivery core of one worker: ingest, lane epochs, lane state, publication until done.

No faust import: the agents (stream.agents.app) hand batches of records to `process` with a
function that sends records to Kafka, then ack what `process` returned for. `process` returns
only when every record of the batch has its outcomes (or forwards) acknowledged by Kafka: an
exception for one record becomes that record's `internal` failure outcome, and a stage that
cannot finish (Kafka unreachable, an unexpected error) is retried with backoff while the lane
reports itself blocked. Nothing is ever skipped, so a partition never moves past a gap.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from stream.delivery.action_call import ActionCall
from stream.delivery.crash_ledger import CrashLedger
from stream.delivery.direct import DirectRouting
from stream.delivery.epoch import GROUP_LANE_ACTIONS, run_group_epoch, run_user_epoch
from stream.delivery.inflight import Ack, InFlightLimit, LaneScheduler
from stream.delivery.ingest import Ingestor, IngestResult
from stream.delivery.lane_memory import LaneMemory
from stream.delivery.lane_state import KeyState, LaneState, StateUpdate
from stream.delivery.records import InRecord, OutRecord, Publish, TopicId
from stream.delivery.runner import ActionRunner, LaneStopped, Pause, PausePolicy, internal_error
from stream.errors import Reason
from stream.metrics.pipeline import PipelineMetrics
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates

log = logging.getLogger(__name__)
Lane = Literal["ingest", "user", "group"]


class InFlightSettings(Protocol):
    """The settings a lane scheduler reads (WorkerSettings has them)."""

    batch_max_items: int
    batch_max_wait_seconds: float
    max_epochs_in_flight: int
    max_records_in_flight: int


@dataclass
class LaneOutput:
    """What a batch wants published before its source records are acked."""

    outcomes: list[Outcome] = field(default_factory=list)
    calls: list[OutRecord] = field(default_factory=list)  # ingest -> user lane, encoded
    forwards: list[ActionCall] = field(default_factory=list)  # user lane -> group lane
    state: list[StateUpdate] = field(default_factory=list)
    published_keys: list[str] = field(default_factory=list)
    contact_ids: dict[str, str] = field(default_factory=dict)

    def records(self, lane: Lane) -> list[OutRecord]:
        """Everything to publish, encoded (an unencodable outcome is replaced, never raised)."""
        out = [OutRecord("failures" if o.is_failure else "results", o.key, o.encode_safely())
               for o in self.outcomes]
        out += self.calls
        out += [OutRecord("group_lane", (c.group_id or c.routing_key).encode(), c.encode())
                for c in self.forwards]
        state_topic: TopicId = "group_state" if lane == "group" else "user_state"
        out += [OutRecord(state_topic, u.key.encode(), u.value, u.partition)
                for u in self.state]
        return out


@dataclass
class LaneHealth:
    """Why a lane cannot make progress now (None when it can)."""

    blocked: dict[str, str] = field(default_factory=dict)  # lane -> reason


class Pipeline:
    """One destination's delivery core in one worker."""

    def __init__(self, ingestor: Ingestor, open_runner: Callable[[], Awaitable[ActionRunner]],
                 metrics: PipelineMetrics, memory: LaneMemory,
                 states: dict[str, LaneState] | None = None,
                 ledger: CrashLedger | None = None,
                 direct: DirectRouting | None = None) -> None:
        self.ingestor = ingestor
        self.destination = ingestor.destination.id
        self._open_runner = open_runner
        self._runner: ActionRunner | None = None
        self.metrics = metrics
        self.memory = memory
        self.states = states or {}
        self.ledger = ledger or CrashLedger(None)
        self.direct = direct  # None: every action call takes the user-lane topic
        self.stopping = asyncio.Event()
        self.health = LaneHealth()
        self._share = 1.0
        self._schedulers: list[LaneScheduler] = []
        self.retry = PausePolicy(base_seconds=0.5)  # a blocked lane backs off like a paused one

    async def runner(self) -> ActionRunner:
        """The action runner, opened on first use inside the worker's event loop."""
        if self._runner is None:
            self._runner = await self._open_runner()
            self._runner.stopping = self.stopping
            self.assignment_changed(self._share)
        return self._runner

    def assignment_changed(self, share: float) -> None:
        """This worker now owns `share` of the lane partitions: the part of the rate budget it
        paces with if the shared budget (Redis) becomes unreachable."""
        self._share = share
        if self._runner is not None:
            self._runner.pacing.share_budget(share)

    def scheduler(self, lane: Lane, publish: Publish, ack: Ack, settings: InFlightSettings,
                  abandon: Callable[[Sequence[Any]], None]) -> LaneScheduler:
        """The in-flight scheduler of one lane agent: epochs run through `process`, their
        records acked with `ack` once published, or given to `abandon` (never acked) when
        shutdown stops the lane."""
        in_flight_limit = self.metrics.in_flight_limit.labels(self.destination, lane)
        epochs_in_flight = self.metrics.epochs_in_flight.labels(self.destination, lane)
        calls_in_flight = self.metrics.calls_in_flight.labels(self.destination)
        key_wait = self.metrics.key_wait.labels(self.destination, lane)  # once per record

        def observe(name: str, value: float) -> None:
            if name == "limit":
                in_flight_limit.set(value)
            elif name == "in_flight":
                epochs_in_flight.set(value)
                calls_in_flight.set(self._runner.in_flight if self._runner is not None else 0)
            else:
                key_wait.observe(value)

        async def run_epoch(records: Sequence[InRecord]) -> None:
            await self.process(lane, records, publish)

        limit = InFlightLimit(settings.max_epochs_in_flight, lambda: self._pace()[0],
                              lambda: self._pace()[1])
        observe("limit", limit.value())
        observe("in_flight", 0)
        scheduler = LaneScheduler(run_epoch, ack, limit, settings.batch_max_items,
                                  settings.batch_max_wait_seconds,
                                  settings.max_records_in_flight, observe, abandon,
                                  self.stopping, lambda: self.ledger.ranges(lane))
        self._schedulers.append(scheduler)
        return scheduler

    def _pace(self) -> tuple[float, float]:
        return self._runner.pacing.pace() if self._runner is not None else (10.0, 0.5)

    def request_stop(self, grace_seconds: float = 10.0) -> None:
        """Shutdown: stop retrying; paused epochs and records waiting for their key are
        abandoned (their records stay unacked). Epochs still running after `grace_seconds`
        (a HubSpot call retrying inside its call budget) are cancelled and abandoned too."""
        self.stopping.set()
        for scheduler in self._schedulers:
            scheduler.stop()

        def cancel_running() -> None:
            for scheduler in self._schedulers:
                scheduler.cancel()

        asyncio.get_running_loop().call_later(grace_seconds, cancel_running)

    def partitions_revoked(self, lane: str, partitions: Sequence[int]) -> None:
        """Another worker owns these lane partitions now: forget their state."""
        if lane in self.states:
            self.states[lane].revoke(partitions)

    def problems(self) -> dict[str, str]:
        """Why the worker is not ready now: blocked lanes and paused actions (empty: ready)."""
        found = {f"lane {lane}": reason for lane, reason in self.health.blocked.items()}
        for action, pause in self._paused().items():
            found[f"action {action}"] = f"{pause.kind} pause since {pause.since:.0f}: " \
                                        f"{pause.reason}"
        return found

    def refresh_gauges(self) -> None:
        """Set `hubspot_stream_lane_paused` per lane and kind from the lanes' health now
        (paused actions count for the lane that runs them: user actions run on the user lane,
        and on the input lane with direct delivery)."""
        paused = self._paused()
        for lane in ("ingest", "user", "group"):
            if lane != "ingest" or self.direct is not None:
                kinds = {p.kind for a, p in paused.items()
                         if (a in GROUP_LANE_ACTIONS) == (lane == "group")}
                for kind in ("retryable", "fatal"):
                    self.metrics.lane_paused.labels(self.destination, lane, kind).set(
                        1 if kind in kinds else 0)
            self.metrics.lane_paused.labels(self.destination, lane, "blocked").set(
                1 if lane in self.health.blocked else 0)

    def _paused(self) -> dict[str, Pause]:
        return dict(self._runner.paused) if self._runner is not None else {}

    async def process(self, lane: Lane, records: Sequence[InRecord], publish: Publish) -> None:
        """Run one batch to the end: every record gets its outcomes (or forwards) published and
        acknowledged, then the caller acks the records. Raises LaneStopped on shutdown (nothing
        to ack); never raises anything else. Records that were in flight when the worker died
        run once more as a batch, then one at a time if they killed it again; one that killed
        it repeatedly alone is passed (crash_ledger.py)."""
        sources = [record.source for record in records]
        crashed = self.ledger.crashed_before(lane, sources)
        if not crashed or not self.ledger.must_isolate(lane, sources):
            handle = self.ledger.begin(lane, sources, rerun=crashed)
            await self._process_batch(lane, records, publish)
            self.ledger.end(handle, lane, sources)
            return
        for record in records:
            if self.ledger.is_poison(lane, record.source):
                await self._pass_poison(lane, record, publish)
                self.ledger.end(None, lane, [record.source])
                continue
            handle = self.ledger.begin(lane, [record.source], alone=True)
            await self._process_batch(lane, [record], publish)
            self.ledger.end(handle, lane, [record.source])

    async def _pass_poison(self, lane: Lane, record: InRecord, publish: Publish) -> None:
        log.error("%s lane: the record at %s killed the worker %d times: passed with a failure "
                  "outcome", lane, record.source, self.ledger.limit)
        self.metrics.poison_records.labels(self.destination, lane).inc()
        error = RuntimeError(f"the record killed the worker {self.ledger.limit} times; "
                             "passed without processing")
        output = LaneOutput(outcomes=[internal_outcome(self.destination, record.value,
                                                       record.source, error, f"{lane} record")])
        await self._publish(lane, output, publish)
        await self._published(lane, output)

    async def _process_batch(self, lane: Lane, records: Sequence[InRecord],
                             publish: Publish) -> None:
        started = time.monotonic()
        output = await self._until_done(lane, "epoch", lambda: self._run(lane, records))
        await self._publish(lane, output, publish)
        await self._published(lane, output)
        self.metrics.epoch_seconds.labels(self.destination, lane).observe(
            time.monotonic() - started)
        self.metrics.last_epoch.labels(self.destination, lane).set(time.time())

    async def _publish(self, lane: Lane, output: LaneOutput, publish: Publish) -> None:
        """Publish until Kafka acknowledged every record (only the refused ones are re-sent):
        outcomes and forwards first, then the lane state that says they were published (the
        other order could lose an outcome in a crash between the two; this one can only repeat
        it)."""
        records = output.records(lane)
        await self._publish_all(lane, [r for r in records if not r.topic.endswith("_state")],
                                publish)
        await self._publish_all(lane, [r for r in records if r.topic.endswith("_state")],
                                publish)

    async def _publish_all(self, lane: Lane, pending: list[OutRecord],
                           publish: Publish) -> None:
        attempt = 0
        while pending:
            results = await publish(pending)
            failed = [r for r, error in zip(pending, results, strict=True) if error is not None]
            if failed:
                error = next(e for e in results if e is not None)
                attempt = await self._blocked(lane, "publish", error, attempt)
            else:
                self.health.blocked.pop(lane, None)
            pending = failed

    async def _until_done(self, lane: Lane, stage: str,
                          step: Callable[[], Awaitable[LaneOutput]]) -> LaneOutput:
        attempt = 0
        while True:
            try:
                output = await step()
            except (LaneStopped, asyncio.CancelledError):
                raise
            except Exception as exc:
                attempt = await self._blocked(lane, stage, exc, attempt)
                continue
            self.health.blocked.pop(lane, None)
            return output

    async def _blocked(self, lane: Lane, stage: str, exc: BaseException, attempt: int) -> int:
        """Record that `lane` cannot finish `stage`, wait (capped backoff, cut by shutdown)."""
        reason = f"{stage}: {type(exc).__name__}: {exc}"[:300]
        if self.health.blocked.get(lane) != reason:
            log.error("%s lane blocked (%s); retrying the same records", lane, reason)
        self.health.blocked[lane] = reason
        delay = self.retry.delay(attempt, exc)
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=delay)
        except TimeoutError:
            return attempt + 1
        raise LaneStopped(f"{lane} lane: stop requested while blocked")

    async def _run(self, lane: Lane, records: Sequence[InRecord]) -> LaneOutput:
        if lane == "ingest":
            return await self._ingest_epoch(records)
        output = LaneOutput()
        calls = self._decoded(records, output)
        if lane == "user":
            await self._user_epoch(calls, output)
        else:
            await self._group_epoch(calls, output)
        return output

    async def _ingest_epoch(self, records: Sequence[InRecord]) -> LaneOutput:
        """Ingest a batch of source records: calls go to the user-lane topic, except those
        whose record is already on their lane partition (DirectRouting), which are delivered
        here as a user-lane epoch."""
        output = LaneOutput()
        direct: list[tuple[int, ActionCall]] = []
        dispositions: Counter[str] = Counter()
        for record in records:
            result, encoded, here, disposition = self.ingest(record)
            output.outcomes.extend(result.outcomes)
            output.calls.extend(encoded)
            direct.extend((record.source.partition, call) for call in here)
            dispositions[disposition] += 1
        for disposition, count in dispositions.items():  # one increment per kind
            self.metrics.record_events(self.destination, disposition, count)
        if direct:
            await self._user_epoch(direct, output)
        return output

    def ingest(self, record: InRecord,
               ) -> tuple[IngestResult, list[OutRecord], list[ActionCall], str]:
        """Ingest one source record: its result, its action calls split in two (encoded for
        the user lane, or kept to be delivered here: direct delivery), and what became of it
        (the events metric's disposition). An exception (encoding included) becomes the
        record's `internal` failure outcome."""
        encoded: list[OutRecord] = []
        here: list[ActionCall] = []
        try:
            result = self.ingestor.ingest(record.value, record.source, record.attempt)
            for call in result.calls:
                if self.direct is not None and self.direct.applies(record, call):
                    here.append(call)
                else:
                    encoded.append(OutRecord("user_lane", call.routing_key.encode(),
                                             call.encode()))
        except Exception as exc:
            log.exception("ingest raised for %s", record.source)
            failure = internal_outcome(self.destination, record.value, record.source, exc)
            return IngestResult(outcomes=[failure]), [], [], "internal"
        if result.filtered:
            disposition = f"filtered_{result.filtered}"
        elif result.outcomes and not result.calls and result.outcomes[0].mapping is None:
            disposition = "invalid"
        else:
            disposition = "routed"
        return result, encoded, here, disposition

    async def _user_epoch(self, decoded: Sequence[tuple[int, ActionCall]],
                          output: LaneOutput) -> None:
        """Contacts, then objects and events, then companies forwarded with their contact id."""
        calls = await self._fresh_calls(decoded, output, "user")
        state = self.states.get("user")
        users = {call.routing_key: partition for partition, call in calls}

        def remembered(user: str) -> KeyState:
            return state.get(users[user], user) if state is not None else KeyState()

        company_users = [c.routing_key for _, c in calls if c.action in GROUP_LANE_ACTIONS]
        cached = await self.memory.contact_ids(
            [u for u in company_users if remembered(u).contact_id is None])
        epoch = await run_user_epoch(
            [call for _, call in calls], await self.runner(),
            lambda user: remembered(user).contact_id or cached.get(user),
            lambda user: remembered(user).contact_failure)
        output.outcomes.extend(epoch.outcomes)
        output.forwards.extend(epoch.forwards)
        output.contact_ids.update(epoch.contact_ids)
        if state is not None:
            self._state_updates(state, output, calls, lambda c: c.routing_key, epoch.contact_ids,
                                epoch.contact_failures)

    async def _group_epoch(self, decoded: Sequence[tuple[int, ActionCall]],
                           output: LaneOutput) -> None:
        """Company upserts (merged per groupId) and their contact associations."""
        calls = await self._fresh_calls(decoded, output, "group")
        output.outcomes.extend(await run_group_epoch([c for _, c in calls], await self.runner()))
        state = self.states.get("group")
        if state is not None:
            self._state_updates(state, output, calls, group_key, {}, {})

    def _state_updates(self, state: LaneState, output: LaneOutput,
                       calls: Sequence[tuple[int, ActionCall]],
                       key_of: Callable[[ActionCall], str], contact_ids: dict[str, str],
                       failures: dict[str, str]) -> None:
        by_key: dict[tuple[int, str], list[str]] = {}
        for partition, call in calls:
            by_key.setdefault((partition, key_of(call)), []).append(call.dedup_key)
        for (partition, key), published in by_key.items():
            output.state.append(state.updated(partition, key, published, contact_ids.get(key),
                                              failures.get(key)))

    async def _published(self, lane: Lane, output: LaneOutput) -> None:
        """After Kafka acknowledged a batch's records: remember them and count outcomes."""
        state = self.states.get("group" if lane == "group" else "user")  # ingest: direct calls
        if state is not None:
            state.apply(output.state)
        await self.memory.remember(output.published_keys, output.contact_ids)
        counted = Counter((o.action, o.status, o.error.reason.value if o.error else None)
                          for o in output.outcomes)  # one increment per kind, not per record
        for (action, status, reason), count in counted.items():
            self.metrics.record_outcome(self.destination, action, status, reason, count)

    def _decoded(self, records: Sequence[InRecord],
                 output: LaneOutput) -> list[tuple[int, ActionCall]]:
        """Lane records as (partition, call); an undecodable one gets its failure outcome."""
        calls: list[tuple[int, ActionCall]] = []
        for record in records:
            try:
                calls.append((record.source.partition, ActionCall.decode(record.value)))
            except Exception as exc:
                output.outcomes.append(internal_outcome(self.destination, record.value,
                                                        record.source, exc, "lane record"))
        return calls

    async def _fresh_calls(self, calls: Sequence[tuple[int, ActionCall]], output: LaneOutput,
                           lane: str) -> list[tuple[int, ActionCall]]:
        """The calls whose outcome was not published yet (lane state, then the cache)."""
        state = self.states.get(lane)
        if state is not None:
            before = state.restored_keys
            await state.restore({partition for partition, _ in calls})
            if state.restored_keys > before:
                self.metrics.state_restored.labels(self.destination, lane).inc(
                    state.restored_keys - before)
        key_of = group_key if lane == "group" else _user_key
        fresh: list[tuple[int, ActionCall, str]] = []  # with the call's key in lane memory
        taken: set[str] = set()
        for partition, call in calls:
            dedup_key = call.dedup_key
            if dedup_key in taken or (state is not None and state.was_published(
                    partition, key_of(call), dedup_key)):
                continue
            taken.add(dedup_key)
            fresh.append((partition, call, f"{lane}|{dedup_key}"))
        cached = await self.memory.seen([key for _, _, key in fresh])
        fresh = [entry for entry in fresh if entry[2] not in cached]
        if len(fresh) < len(calls):
            self.metrics.duplicates.labels(self.destination, lane).inc(len(calls) - len(fresh))
        self.metrics.epoch_size.labels(self.destination, lane).observe(len(fresh))
        output.published_keys.extend(key for _, _, key in fresh)
        return [(partition, call) for partition, call, _ in fresh]


def _user_key(call: ActionCall) -> str:
    return call.routing_key


def group_key(call: ActionCall) -> str:
    """The group lane's key of a call (its Kafka key there)."""
    return call.group_id or call.routing_key


def internal_outcome(destination: str, raw: bytes, source: SourceCoordinates,
                     exc: BaseException, what: str = "event") -> Outcome:
    """The failure outcome of a record an unexpected exception hit (reason internal)."""
    text = raw[:4096].decode("utf-8", errors="replace")
    error = internal_error(exc)
    return Outcome(
        status="failed", destination=destination, mapping=None, action=None,
        message_id=f"source:{source.topic}:{source.partition}:{source.offset}",
        event_type=None, routing_key=None, source=source,
        error=OutcomeError(Reason.INTERNAL, f"{what}: {error.message}", retryable=True),
        event={"raw_text": text, "raw_bytes": len(raw)})
