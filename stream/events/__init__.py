"""Segment spec events: parsing, validation and the `integrations` object."""

from stream.events.event import (
    DEFAULT_MAX_EVENT_BYTES,
    EVENT_TYPES,
    InvalidEvent,
    SegmentEvent,
    decode_event,
    parse_event,
    validate_event,
)
from stream.events.integrations import DESTINATION_NAMES, is_enabled_for_destination
from stream.events.timestamp import parse_timestamp

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "DESTINATION_NAMES",
    "EVENT_TYPES",
    "InvalidEvent",
    "SegmentEvent",
    "decode_event",
    "is_enabled_for_destination",
    "parse_event",
    "parse_timestamp",
    "validate_event",
]
