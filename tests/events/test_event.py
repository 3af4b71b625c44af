"""parse_event: the Segment spec checks, each with its specific reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from stream.errors import Reason, RejectedError
from stream.events import InvalidEvent, parse_event, validate_event
from tests.builders import (
    encode,
    make_alias,
    make_group,
    make_identify,
    make_page,
    make_screen,
    make_track,
)

SAMPLES = Path(__file__).parent.parent / "data" / "segment"


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_segment_spec_samples_parse(sample: Path) -> None:
    event = parse_event(sample.read_bytes())
    assert event.type == sample.stem
    assert event.raw == orjson.loads(sample.read_bytes())
    assert event.timestamp is not None and event.timestamp.tzinfo is UTC


@pytest.mark.parametrize(
    "builder", [make_identify, make_group, make_track, make_page, make_screen, make_alias]
)
def test_every_builder_makes_a_valid_event(builder: Any) -> None:
    assert parse_event(encode(builder())).type == builder().get("type")


def test_exposes_identity_fields_and_parsed_timestamp() -> None:
    event = parse_event(encode(make_group(group_id="g-9", user_id="u-1", anonymousId="a-1")))
    assert (event.type, event.user_id, event.anonymous_id, event.group_id) == (
        "group",
        "u-1",
        "a-1",
        "g-9",
    )
    assert event.message_id is not None and event.message_id.startswith("msg-")
    assert event.timestamp == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    assert event.routing_key == "u-1"


def test_unknown_fields_are_kept_for_mappings() -> None:
    event = parse_event(encode(make_track(custom={"deep": [1, 2]}, version=2)))
    assert event.raw["custom"] == {"deep": [1, 2]}
    assert event.raw["version"] == 2


def test_numeric_user_id_is_accepted_as_text() -> None:
    event = parse_event(encode(make_identify(user_id=None, userId=42)))
    assert event.user_id == "42"
    assert event.routing_key == "42"


def test_anonymous_id_alone_routes_the_event() -> None:
    event = parse_event(encode(make_track(user_id=None, anonymousId="anon-7")))
    assert event.user_id is None
    assert event.routing_key == "anon-7"


def test_timestamp_falls_back_to_original_timestamp() -> None:
    raw = make_track()
    del raw["timestamp"]
    raw["originalTimestamp"] = "2026-02-01T00:00:00Z"
    assert parse_event(encode(raw)).timestamp == datetime(2026, 2, 1, tzinfo=UTC)


INVALID: list[tuple[str, bytes, str]] = [
    ("not json", b"{nope", "not valid JSON: "),
    ("array", b"[1, 2]", "not a JSON object: got array"),
    ("string", b'"identify"', "not a JSON object: got string"),
    (
        "no type",
        encode({"userId": "u"}),
        "type: must be one of alias, group, identify, page, screen, track; got None",
    ),
    (
        "unknown type",
        encode(make_track(type="purchase")),
        "type: must be one of alias, group, identify, page, screen, track; got 'purchase'",
    ),
    (
        "no identity",
        encode(make_identify(user_id=None)),
        "identify: neither userId nor anonymousId is set",
    ),
    (
        "empty identity",
        encode(make_page(user_id="", anonymousId="")),
        "page: neither userId nor anonymousId is set",
    ),
    (
        "track without event",
        encode(make_track(event=None)),
        "track: event (the event name) is missing or empty",
    ),
    (
        "track with empty event",
        encode(make_track(event="")),
        "track: event (the event name) is missing or empty",
    ),
    (
        "group without groupId",
        encode(make_group(group_id=None)),
        "group: groupId is missing or empty",
    ),
    (
        "alias without previousId",
        encode(make_alias(previous_id=None)),
        "alias: previousId is missing or empty",
    ),
    (
        "alias without userId",
        encode(make_alias(user_id=None, anonymousId="a")),
        "alias: userId is missing or empty",
    ),
    (
        "traits not object",
        encode(make_identify(traits=None) | {"traits": ["x"]}),
        "traits: must be an object; got array",
    ),
    (
        "properties not object",
        encode(make_track(properties=None) | {"properties": "x"}),
        "properties: must be an object; got string",
    ),
    ("context not object", encode(make_track(context=3)), "context: must be an object; got number"),
    (
        "integrations not object",
        encode(make_track(integrations=True)),
        "integrations: must be an object; got boolean",
    ),
    (
        "event not string",
        encode(make_track() | {"event": 5}),
        "event: must be a string; got number",
    ),
    (
        "messageId not string",
        encode(make_track(messageId={"a": 1})),
        "messageId: must be a string; got object",
    ),
    (
        "userId boolean",
        encode(make_track(user_id=None, userId=True)),
        "userId: must be a string or an integer; got boolean",
    ),
    (
        "groupId float",
        encode(make_group(groupId=1.5)),
        "groupId: must be a string or an integer; got number",
    ),
    (
        "timestamp not string",
        encode(make_track(timestamp=1700000000)),
        "timestamp: must be an ISO-8601 string; got number",
    ),
    (
        "timestamp not a date",
        encode(make_track(sentAt="yesterday")),
        "sentAt: not an ISO-8601 date-time: 'yesterday'",
    ),
]


@pytest.mark.parametrize(
    ("raw", "message"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_invalid_events_are_rejected_with_a_specific_reason(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw)
    assert caught.value.message.startswith(message)
    assert caught.value.reason is Reason.INVALID_EVENT
    assert isinstance(caught.value, RejectedError)


def test_event_over_the_size_limit_is_rejected_before_parsing() -> None:
    raw = encode(make_track(properties={"blob": "x" * 40_000}))
    with pytest.raises(
        InvalidEvent,
        match=rf"^event is {len(raw)} bytes, larger than the "
        r"32768-byte limit$",
    ):
        parse_event(raw)


def test_size_limit_is_configurable() -> None:
    raw = encode(make_track())
    assert parse_event(raw, max_bytes=len(raw)).type == "track"
    with pytest.raises(InvalidEvent, match="larger than the 100-byte limit"):
        parse_event(raw, max_bytes=100)


def test_validate_event_accepts_an_already_decoded_object() -> None:
    assert validate_event(make_screen()).type == "screen"
