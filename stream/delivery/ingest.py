"""Ingest: raw bytes -> validated event -> matched mappings -> action calls or failure outcomes."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from stream.actions.base import Action, Payload
from stream.delivery.action_call import ActionCall
from stream.errors import Reason, RejectedError
from stream.events import (
    InvalidEvent,
    SegmentEvent,
    decode_event,
    is_enabled_for_destination,
    parse_event,
)
from stream.mappings import DestinationConfig
from stream.mappings.selection import select_mappings
from stream.outcomes.model import Outcome, OutcomeError, SourceCoordinates

# A failure outcome carries the original event; a non-JSON or oversized one is kept as text,
# cut to this many characters so the failure record itself stays well under Kafka's 1 MB.
MAX_RAW_TEXT_CHARS = 64 * 1024


@dataclass
class IngestResult:
    """What one source event produced; `filtered` when integrations or no mapping matched."""

    calls: list[ActionCall] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    filtered: str | None = None


class Ingestor:
    """Turns source records into action calls for one destination (the hot path: no I/O)."""

    def __init__(self, destination: DestinationConfig, actions: Mapping[str, Action],
                 max_event_bytes: int, clock: Callable[[], float] = time.time) -> None:
        self.destination = destination
        self.actions = actions
        self.max_event_bytes = max_event_bytes
        self.clock = clock

    def ingest(self, raw: bytes, source: SourceCoordinates, attempt: int = 1) -> IngestResult:
        """Never raises on event content: every problem becomes a failure outcome. `attempt` is
        1, or the replay attempt of a re-published failure (header `hubspot-stream-attempt`)."""
        received_at = self.clock()
        try:
            event = parse_event(raw, self.max_event_bytes)
        except InvalidEvent as exc:
            return IngestResult(outcomes=[self._invalid_event(raw, source, exc, received_at)])
        if not is_enabled_for_destination(event):
            return IngestResult(filtered="integrations")
        result = IngestResult()
        message_id = event.message_id or derived_message_id(event.raw)
        for match in select_mappings(self.destination, event.raw):
            mapping, action = match.mapping, self.actions[match.mapping.action]
            payload = match.payload or {}
            error: RejectedError | None = match.error
            built = None
            if error is None:
                try:
                    built = action.build_payload(payload, message_id=message_id,
                                                 mapping_id=mapping.id)
                except RejectedError as exc:
                    error = exc
            call = self._call(event, mapping.id, action.name, payload, message_id, source,
                              received_at, attempt, built)
            if error is not None:
                result.outcomes.append(call.failed(error.reason, error.message))
            else:
                result.calls.append(call)
        if not result.calls and not result.outcomes:
            result.filtered = "no_mapping"
        return result

    def _call(self, event: SegmentEvent, mapping_id: str, action: str, payload: dict[str, Any],
              message_id: str, source: SourceCoordinates, received_at: float, attempt: int,
              built: Payload | None) -> ActionCall:
        timestamp = event.timestamp.isoformat() if event.timestamp else None
        return ActionCall(
            destination=self.destination.id, mapping=mapping_id, action=action,
            payload=payload, routing_key=event.routing_key, message_id=message_id,
            event_type=event.type, event_timestamp=timestamp, received_at=received_at,
            source=source, event=event.raw, attempts=attempt,
            group_id=getattr(built, "group_id", None), built=built)

    def _invalid_event(self, raw: bytes, source: SourceCoordinates, exc: InvalidEvent,
                       received_at: float) -> Outcome:
        original = _original_event(raw, self.max_event_bytes)
        message_id = original.get("messageId") if isinstance(original, dict) else None
        routing_key = None
        if isinstance(original, dict):
            routing_key = next((str(original[k]) for k in ("userId", "anonymousId")
                                if isinstance(original.get(k), str | int) and original[k]), None)
        if not isinstance(message_id, str) or not message_id:
            # Stable across re-reads, distinct per record: consumers deduplicate on it.
            message_id = f"source:{source.topic}:{source.partition}:{source.offset}"
        return Outcome(
            status="rejected", destination=self.destination.id, mapping=None, action=None,
            message_id=message_id,
            event_type=original.get("type") if isinstance(original, dict) else None,
            routing_key=routing_key, source=source, received_at=received_at,
            error=OutcomeError(Reason.INVALID_EVENT, exc.message), event=original)


def derived_message_id(raw_event: Mapping[str, Any]) -> str:
    """A stable id for an event without messageId: a hash of its content (same event, same id)."""
    digest = hashlib.sha256(orjson.dumps(raw_event, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"derived-{digest[:32]}"


def _original_event(raw: bytes, max_event_bytes: int) -> Any:
    try:  # only a document within the input limits is embedded: the record must encode
        return decode_event(raw, max_event_bytes)
    except InvalidEvent:
        pass
    return {"raw_text": raw[:MAX_RAW_TEXT_CHARS].decode("utf-8", errors="replace"),
            "raw_bytes": len(raw)}

