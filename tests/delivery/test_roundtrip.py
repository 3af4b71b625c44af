"""Property: whatever the parser accepts survives every encode and decode of the pipeline unchanged
(action call on the lanes, outcome records), and whatever it rejects still becomes a failure
record that encodes; ingest never raises."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from stream.actions.catalog import ACTIONS
from stream.delivery.action_call import ActionCall
from stream.delivery.ingest import MAX_RAW_TEXT_CHARS, Ingestor
from stream.errors import Reason
from stream.events import InvalidEvent, parse_event
from stream.events.limits import MAX_DEPTH
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates
from tests.builders import make_identify, make_track
from tests.fuzz.strategies import example_destinations, nested, records

SOURCE = SourceCoordinates("segment.events", 0, 7)
MAX_EVENT_BYTES = 1024 * 1024


@pytest.fixture(scope="module")
def ingestors() -> list[Ingestor]:
    return [Ingestor(destination, ACTIONS, MAX_EVENT_BYTES, clock=lambda: 1000.0)
            for destination in example_destinations()]


def written_back(outcome: Outcome) -> dict[str, Any]:
    """The outcome record as a consumer of the outcome topics reads it."""
    record: dict[str, Any] = orjson.loads(outcome.encode())
    assert record == outcome.to_json()
    return record


def check_call(call: ActionCall, document: Any) -> None:
    assert call.event == document
    on_lane = ActionCall.decode(call.encode())
    assert on_lane == call
    forwarded = ActionCall.decode(on_lane.with_contact("101").encode())
    assert forwarded.event == document and forwarded.payload == call.payload
    assert "event" not in written_back(on_lane.outcome("delivered", hubspot={"id": "101"}))
    failure = written_back(on_lane.outcome(
        "failed", error=OutcomeError(Reason.INTERNAL, "boom", retryable=True)))
    assert failure["event"] == document


def check_rejected(outcome: Outcome, raw: bytes) -> None:
    record = written_back(outcome)
    assert record["status"] == "rejected" and record["error"]["reason"] == "invalid_event"
    assert record["error"]["message"]
    embedded = record["event"]
    if isinstance(embedded, dict) and set(embedded) == {"raw_text", "raw_bytes"}:
        assert embedded["raw_bytes"] == len(raw)
        assert embedded["raw_text"] == raw[:MAX_RAW_TEXT_CHARS].decode("utf-8", "replace")
    else:
        assert embedded == json.loads(raw)


def check_record(ingestor: Ingestor, raw: bytes) -> None:
    """The whole property for one source record."""
    result = ingestor.ingest(raw, SOURCE)
    try:
        event = parse_event(raw, MAX_EVENT_BYTES)
    except InvalidEvent:
        [outcome] = result.outcomes
        assert result.calls == []
        check_rejected(outcome, raw)
        return
    document = json.loads(raw)  # the exact values the producer wrote
    assert event.raw == document
    for call in result.calls:
        check_call(call, document)
    for outcome in result.outcomes:
        assert written_back(outcome)["event"] == document


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(records)
def test_accepted_input_round_trips_through_every_encoding(
        ingestors: list[Ingestor], raw: bytes) -> None:
    for ingestor in ingestors:
        check_record(ingestor, raw)


@pytest.mark.parametrize("levels", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 250, 1000, 1100])
def test_deep_events_are_delivered_or_rejected_never_crash(
        ingestors: list[Ingestor], levels: int) -> None:
    """The poison record of issue 10: about 250 levels crashed ingest before the depth limit."""
    properties = {"email": "ada@example.com", "deep": nested(levels - 2)}
    raw = orjson.dumps(make_track(properties=properties)) if levels <= 250 else (
        b'{"type":"track","userId":"u","event":"e","properties":'
        + b"[" * levels + b"]" * levels + b"}")
    for ingestor in ingestors:
        check_record(ingestor, raw)
    calls = [call for ingestor in ingestors for call in ingestor.ingest(raw, SOURCE).calls]
    assert bool(calls) == (levels <= MAX_DEPTH)


@pytest.mark.parametrize("raw", [
    b"", b'{"type":"identify","userId":"\xff"}', b"\x00" * 10,
    b'{"type":"identify","userId":"u","traits":{"n":123456789012345678901234567890}}',
    orjson.dumps(make_identify(user_id="u" * 5000)),
    orjson.dumps(make_identify(traits={"k" * 5000: "v"})),
    orjson.dumps(make_identify(traits={"bio": "x" * 2_000_000})),
])
def test_hostile_records_become_failure_records_that_encode(
        ingestors: list[Ingestor], raw: bytes) -> None:
    for ingestor in ingestors:
        [outcome] = ingestor.ingest(raw, SOURCE).outcomes
        check_rejected(outcome, raw)
