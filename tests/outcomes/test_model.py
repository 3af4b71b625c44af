"""The outcome record and its JSON Schema agree."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from jsonschema import Draft202012Validator

from stream.errors import Reason
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "stream/topics/outcome.schema.json")
                    .read_text())


def outcome(**changes: object) -> Outcome:
    fields: dict[str, object] = {
        "status": "delivered", "destination": "acme", "mapping": "contacts",
        "action": "upsert_contact", "message_id": "m-1", "event_type": "identify",
        "routing_key": "user-1", "source": SourceCoordinates("segment.events", 3, 1200),
        "hubspot": {"object_type": "contacts", "id": "51", "created": True},
        "received_at": 1.0, "event": {"type": "identify"}}
    fields.update(changes)
    return Outcome(**fields)  # type: ignore[arg-type]


def test_the_schema_lists_exactly_the_reasons_of_the_code() -> None:
    reasons = SCHEMA["properties"]["error"]["properties"]["reason"]["enum"]
    assert sorted(reasons) == sorted(reason.value for reason in Reason)


def test_a_delivered_outcome_has_no_event_and_validates() -> None:
    record = orjson.loads(outcome().encode())
    Draft202012Validator(SCHEMA).validate(record)
    assert "event" not in record
    assert record["hubspot"]["id"] == "51"
    assert record["latency_ms"] >= 0


def test_a_failure_carries_the_original_event_and_its_reason() -> None:
    failure = outcome(status="rejected", hubspot=None,
                      error=OutcomeError(Reason.VALIDATION, "bad date", 400, "VALIDATION_ERROR"))
    record = orjson.loads(failure.encode())
    Draft202012Validator(SCHEMA).validate(record)
    assert failure.is_failure
    assert record["event"] == {"type": "identify"}
    assert record["error"] == {"reason": "validation", "http_status": 400,
                               "category": "VALIDATION_ERROR", "message": "bad date",
                               "retryable": False}
