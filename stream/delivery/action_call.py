"""The action call: one matched (event, mapping), travelling through the user and group lanes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from stream.actions.base import Payload
from stream.errors import Reason
from stream.outcomes.model import (
    Outcome,
    OutcomeError,
    OutcomeStatus,
    SourceCoordinates,
)
from stream.outcomes.redaction import redact

SCHEMA = "hubspot-stream.action-call/1"


@dataclass(slots=True)  # never mutated (copies: replace); unfrozen, __init__ is 3x cheaper
class ActionCall:
    """What the ingest stage emits per matched mapping (stream/topics/action-call.schema.json)."""

    destination: str
    mapping: str
    action: str
    payload: dict[str, Any]
    routing_key: str
    message_id: str
    event_type: str
    event_timestamp: str | None
    received_at: float
    source: SourceCoordinates
    event: dict[str, Any]
    attempts: int = 1
    contact_id: str | None = None
    group_id: str | None = None
    contact_failure: str | None = None
    # the payload ingest built from `payload` (checked there): delivered in the same process
    # (direct delivery), the runner takes it instead of building it again; never encoded
    built: Payload | None = field(default=None, compare=False, repr=False)

    @property
    def dedup_key(self) -> str:
        """One (event, mapping, attempt): the unit of exactly-one-outcome. A replay after a config
        fix is a new attempt, so its outcome is not taken for a producer repeat."""
        return f"{self.message_id}|{self.mapping}|{self.attempts}"

    def with_contact(self, contact_id: str | None, failure: str | None = None) -> ActionCall:
        """The same call carrying the HubSpot contact id, or why the user's contact write
        failed (forwarded to the group lane)."""
        return replace(self, contact_id=contact_id, contact_failure=None if contact_id else failure)

    def encode(self) -> bytes:
        """orjson bytes for the lane topics."""
        return orjson.dumps({
            "schema": SCHEMA, "destination": self.destination, "mapping": self.mapping,
            "action": self.action, "payload": self.payload, "routing_key": self.routing_key,
            "message_id": self.message_id, "event_type": self.event_type,
            "event_timestamp": self.event_timestamp, "received_at": self.received_at,
            "source": self.source.as_json(), "event": redact(self.event), "attempts": self.attempts,
            "contact_id": self.contact_id, "group_id": self.group_id,
            "contact_failure": self.contact_failure,
        })

    @classmethod
    def decode(cls, raw: bytes) -> ActionCall:
        """Parse lane bytes; raises ValueError / KeyError / TypeError on a malformed record."""
        data = orjson.loads(raw)
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not an action call: schema {data.get('schema')!r}")
        return cls(
            destination=data["destination"], mapping=data["mapping"], action=data["action"],
            payload=data["payload"], routing_key=data["routing_key"],
            message_id=data["message_id"], event_type=data["event_type"],
            event_timestamp=data["event_timestamp"], received_at=data["received_at"],
            source=SourceCoordinates(**data["source"]), event=data["event"],
            attempts=data.get("attempts", 1), contact_id=data.get("contact_id"),
            group_id=data.get("group_id"), contact_failure=data.get("contact_failure"))

    def outcome(self, status: OutcomeStatus, *, hubspot: dict[str, Any] | None = None,
                error: OutcomeError | None = None, batch_size: int = 1) -> Outcome:
        """The outcome of this call."""
        return Outcome(
            status=status, destination=self.destination, mapping=self.mapping,
            action=self.action, message_id=self.message_id, event_type=self.event_type,
            routing_key=self.routing_key, source=self.source,
            event_timestamp=self.event_timestamp, received_at=self.received_at,
            hubspot=hubspot, error=error, attempts=self.attempts, batch_size=batch_size,
            event=self.event)

    def failed(self, reason: Reason, message: str, **detail: Any) -> Outcome:
        """A rejected outcome for this call (not retried)."""
        return self.outcome("rejected", error=OutcomeError(reason, message, **detail))
