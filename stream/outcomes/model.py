"""The outcome record: exactly one per (event, mapping) on hubspot.results or hubspot.failures."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from stream.errors import Reason
from stream.outcomes.redaction import redact

SCHEMA = "hubspot-stream.outcome/1"
_SHORT_REPR = reprlib.Repr()  # bounded depth and size: the text of an unencodable event
_SHORT_REPR.maxlevel, _SHORT_REPR.maxdict, _SHORT_REPR.maxlist = 8, 50, 50
_SHORT_REPR.maxstring, _SHORT_REPR.maxother = 4096, 200
OutcomeStatus = Literal["delivered", "skipped", "rejected", "failed"]
RESULT_STATUSES = frozenset({"delivered", "skipped"})


@dataclass(slots=True)  # never mutated; not frozen: 3x cheaper __init__ (one per record)
class SourceCoordinates:
    """Where the event was read: topic, partition, offset."""

    topic: str
    partition: int
    offset: int

    def as_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset}


@dataclass(frozen=True, slots=True)
class OutcomeError:
    """Why an outcome is rejected or failed; `reason` is from the closed set of Reason."""

    reason: Reason
    message: str
    http_status: int | None = None
    category: str | None = None
    retryable: bool = False


@dataclass(slots=True)  # never mutated; unfrozen, its __init__ is 3x cheaper (per record)
class Outcome:
    """One outcome; `event` (the original event) is carried by failures only."""

    status: OutcomeStatus
    destination: str
    mapping: str | None
    action: str | None
    message_id: str | None
    event_type: str | None
    routing_key: str | None
    source: SourceCoordinates
    event_timestamp: str | None = None
    received_at: float | None = None
    hubspot: dict[str, Any] | None = None
    error: OutcomeError | None = None
    attempts: int = 1
    batch_size: int = 1
    event: Any = None
    completed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_failure(self) -> bool:
        """True for rejected / failed: these go to the failures topic."""
        return self.status not in RESULT_STATUSES

    @property
    def key(self) -> bytes | None:
        """The Kafka key of the outcome record: the routing key, else the message id."""
        key = self.routing_key or self.message_id
        return key.encode() if key else None

    def to_json(self) -> dict[str, Any]:
        """The outcome as stream/topics/outcome.schema.json describes it."""
        record: dict[str, Any] = {
            "schema": SCHEMA, "status": self.status, "destination": self.destination,
            "mapping": self.mapping, "action": self.action, "message_id": self.message_id,
            "event_type": self.event_type, "routing_key": self.routing_key,
            "hubspot": self.hubspot, "error": None, "attempts": self.attempts,
            "batch_size": self.batch_size, "event_timestamp": self.event_timestamp,
            "completed_at": self.completed_at.isoformat(timespec="milliseconds"),
            "latency_ms": self._latency_ms(), "source": self.source.as_json(),
        }
        if self.error is not None:
            record["error"] = {
                "reason": self.error.reason.value, "http_status": self.error.http_status,
                "category": self.error.category, "message": self.error.message,
                "retryable": self.error.retryable}
        if self.is_failure:
            record["event"] = redact(self.event)
        return record

    def encode(self) -> bytes:
        """orjson bytes of `to_json()`."""
        return orjson.dumps(self.to_json())

    def encode_safely(self) -> bytes:
        """`encode()`, or, when the original event cannot be encoded (too deep, a number out of
        range), the same outcome carrying the event's text instead: an outcome is never lost to
        its own event."""
        try:
            return self.encode()
        except (TypeError, ValueError, orjson.JSONEncodeError) as exc:
            text = _SHORT_REPR.repr(self.event)
            record = self.to_json()
            record["event"] = {"raw_text": text, "unencodable": f"{type(exc).__name__}: {exc}"}
            return orjson.dumps(record)

    def _latency_ms(self) -> int | None:
        if self.received_at is None:
            return None
        return max(0, round(self.completed_at.timestamp() * 1000 - self.received_at * 1000))
