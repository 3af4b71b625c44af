"""Segment spec events: parse raw bytes, validate the known fields, keep everything else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from stream.errors import Reason, RejectedError
from stream.events.limits import check_limits
from stream.events.timestamp import parse_timestamp

# Segment's per-event limit (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/#max-request-size)
DEFAULT_MAX_EVENT_BYTES = 32 * 1024
EVENT_TYPES = frozenset({"identify", "group", "track", "page", "screen", "alias"})
TIMESTAMP_FIELDS = ("timestamp", "sentAt", "receivedAt", "originalTimestamp")
_ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId")
_TEXT_FIELDS = ("messageId", "event", "name", "category", "type")
_OBJECT_FIELDS = ("context", "integrations", "traits", "properties")


class InvalidEvent(RejectedError):
    """The input is not a valid Segment event: reported as `invalid_event`, acked, never retried."""

    def __init__(self, message: str) -> None:
        super().__init__(Reason.INVALID_EVENT, message)


class SegmentEvent:
    """A validated event; `raw` is the whole decoded object, unknown fields included."""

    __slots__ = ("anonymous_id", "group_id", "message_id", "raw", "timestamp", "type", "user_id")

    def __init__(self, raw: dict[str, Any], timestamp: datetime | None) -> None:
        self.raw = raw
        self.type: str = raw["type"]
        self.message_id: str | None = raw.get("messageId")
        self.user_id = _id_text(raw.get("userId"))
        self.anonymous_id = _id_text(raw.get("anonymousId"))
        self.group_id = _id_text(raw.get("groupId"))
        self.timestamp = timestamp

    @property
    def routing_key(self) -> str:
        """The user lane key: userId, else anonymousId (validation guarantees one is set)."""
        return self.user_id or self.anonymous_id or ""

    def __repr__(self) -> str:
        return f"SegmentEvent(type={self.type!r}, message_id={self.message_id!r})"


def parse_event(raw: bytes, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> SegmentEvent:
    """Decode and validate one event. Raises InvalidEvent with the specific rule it breaks."""
    return validate_event(decode_event(raw, max_bytes))


def decode_event(raw: bytes, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> Any:
    """The JSON document of one record, within the input limits (stream/events/limits.py) so
    every later encoder can write it back. Raises InvalidEvent, and nothing else."""
    if len(raw) > max_bytes:
        raise InvalidEvent(f"event is {len(raw)} bytes, larger than the {max_bytes}-byte limit")
    if not raw or raw.isspace():
        raise InvalidEvent("empty record (a tombstone or a blank value): no event to read")
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent(_undecodable(raw, exc)) from None
    try:
        check_limits(decoded, raw)
    except ValueError as exc:  # LimitExceeded, or the integer check's own reading failing
        raise InvalidEvent(f"input limit: {exc}") from None
    return decoded


def _undecodable(raw: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text: byte 0x{raw[bad.start]:02x} at offset {bad.start} ({bad.reason})"
    return f"not valid JSON: {exc}"


def validate_event(decoded: Any) -> SegmentEvent:
    """Validate an already decoded event. Raises InvalidEvent naming the field and the rule."""
    if not isinstance(decoded, dict):
        raise InvalidEvent(f"not a JSON object: got {_json_type(decoded)}")
    _check_types(decoded)
    event_type = decoded.get("type")
    if event_type not in EVENT_TYPES:
        allowed = ", ".join(sorted(EVENT_TYPES))
        raise InvalidEvent(f"type: must be one of {allowed}; got {event_type!r}")
    _check_required(decoded, event_type)
    return SegmentEvent(decoded, _parse_timestamps(decoded))


def _check_types(decoded: dict[str, Any]) -> None:
    for name in _TEXT_FIELDS:
        value = decoded.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidEvent(f"{name}: must be a string; got {_json_type(value)}")
    for name in _ID_FIELDS:
        value = decoded.get(name)
        if value is not None and (not isinstance(value, str | int) or isinstance(value, bool)):
            raise InvalidEvent(f"{name}: must be a string or an integer; got {_json_type(value)}")
    for name in _OBJECT_FIELDS:
        value = decoded.get(name)
        if value is not None and not isinstance(value, dict):
            raise InvalidEvent(f"{name}: must be an object; got {_json_type(value)}")


def _check_required(decoded: dict[str, Any], event_type: str) -> None:
    if not _id_text(decoded.get("userId")) and not _id_text(decoded.get("anonymousId")):
        raise InvalidEvent(f"{event_type}: neither userId nor anonymousId is set")
    if event_type == "track" and not decoded.get("event"):
        raise InvalidEvent("track: event (the event name) is missing or empty")
    if event_type == "group" and not _id_text(decoded.get("groupId")):
        raise InvalidEvent("group: groupId is missing or empty")
    if event_type == "alias":
        if not _id_text(decoded.get("previousId")):
            raise InvalidEvent("alias: previousId is missing or empty")
        if not _id_text(decoded.get("userId")):
            raise InvalidEvent("alias: userId is missing or empty")


def _parse_timestamps(decoded: dict[str, Any]) -> datetime | None:
    parsed: dict[str, datetime] = {}
    for name in TIMESTAMP_FIELDS:
        value = decoded.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidEvent(f"{name}: must be an ISO-8601 string; got {_json_type(value)}")
        when = parse_timestamp(value)
        if when is None:
            raise InvalidEvent(f"{name}: not an ISO-8601 date-time: {value[:64]!r}")
        parsed[name] = when
    return parsed.get("timestamp") or parsed.get("originalTimestamp") or parsed.get("receivedAt")


def _id_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
