"""The round-trip property of one source record through ingest, the lane (action call, typed
payload) and every outcome encoding."""

from __future__ import annotations

import json
from typing import Any

import orjson

from stream.actions.catalog import ACTIONS
from stream.delivery.action_call import ActionCall
from stream.delivery.ingest import MAX_RAW_TEXT_CHARS, Ingestor
from stream.errors import Reason
from stream.events import InvalidEvent, parse_event
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates
from tests.fuzz.strategies import example_destinations

SOURCE = SourceCoordinates("segment.events", 0, 7)
MAX_EVENT_BYTES = 1024 * 1024


def example_ingestors() -> list[Ingestor]:
    """An ingestor per example config, taking events up to 1 MB so the other limits bite."""
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
    typed = ACTIONS[on_lane.action].build_payload(  # as the lane runner rebuilds it
        on_lane.payload, message_id=on_lane.message_id, mapping_id=on_lane.mapping)
    orjson.dumps(typed)  # what HubSpot request bodies are made of must encode too
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

