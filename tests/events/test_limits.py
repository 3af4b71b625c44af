"""Input limits: each one rejects with its own reason at parse time, and parse_event raises
nothing but InvalidEvent on hostile input (deep nesting, huge values, non-UTF-8, tombstones)."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from stream.events import InvalidEvent, parse_event
from stream.events.limits import (
    DEFAULT_LIMITS,
    MAX_CONTAINER_ITEMS,
    MAX_DEPTH,
    MAX_ID_CHARS,
    MAX_KEY_CHARS,
    MAX_STRING_CHARS,
    LimitExceeded,
    _scan,
    _walk,
)
from tests.builders import make_identify, make_track
from tests.fuzz.strategies import documents, nested

BIG = 10 * 1024 * 1024  # max_bytes out of the way: the limit under test must fire first


def deep_track(levels: int) -> dict[str, Any]:
    """A track event `levels` containers deep in all (the event itself is the first)."""
    return make_track(properties={"deep": nested(levels - 2)})


def rejected(raw: bytes) -> str:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw, BIG)
    return caught.value.message


def test_nesting_up_to_the_limit_is_accepted_and_reencodes() -> None:
    event = deep_track(MAX_DEPTH)
    parsed = parse_event(orjson.dumps(event), BIG)
    assert orjson.loads(orjson.dumps({"outer": {"event": parsed.raw}})) == {
        "outer": {"event": event}}


def test_nesting_one_past_the_limit_is_rejected_with_the_path() -> None:
    message = rejected(orjson.dumps(deep_track(MAX_DEPTH + 1)))
    assert f"nested deeper than the {MAX_DEPTH}-level limit" in message
    assert message.startswith("input limit: properties")


def test_nesting_orjson_itself_cannot_write_back_is_rejected() -> None:
    raw = b'{"type":"track","userId":"u","event":"e","properties":' + b"[" * 300 + b"]" * 300 + b"}"
    assert "nested deeper" in rejected(raw)


def test_a_string_value_over_the_limit_is_rejected() -> None:
    ok = make_identify(traits={"bio": "x" * MAX_STRING_CHARS})
    assert parse_event(orjson.dumps(ok), BIG).raw["traits"]["bio"] == "x" * MAX_STRING_CHARS
    message = rejected(orjson.dumps(make_identify(traits={"bio": "é" * (MAX_STRING_CHARS + 1)})))
    assert message == (f"input limit: traits.bio: a string of {MAX_STRING_CHARS + 1} characters, "
                       f"longer than the {MAX_STRING_CHARS}-character limit")


def test_a_string_inside_an_array_names_its_index() -> None:
    raw = orjson.dumps(make_track(properties={"tags": ["a", "b" * (MAX_STRING_CHARS + 1)]}))
    assert "properties.tags[1]: a string of" in rejected(raw)


def test_a_key_over_the_limit_is_rejected() -> None:
    parse_event(orjson.dumps(make_identify(traits={"k" * MAX_KEY_CHARS: 1})), BIG)
    message = rejected(orjson.dumps(make_identify(traits={"k" * (MAX_KEY_CHARS + 1): 1})))
    assert f"traits: a key of {MAX_KEY_CHARS + 1} characters" in message
    assert f"the {MAX_KEY_CHARS}-character limit for keys" in message


@pytest.mark.parametrize("field", ["userId", "anonymousId", "messageId"])
def test_an_id_over_the_limit_is_rejected(field: str) -> None:
    parse_event(orjson.dumps(make_identify(**{field: "i" * MAX_ID_CHARS})), BIG)
    message = rejected(orjson.dumps(make_identify(**{field: "i" * (MAX_ID_CHARS + 1)})))
    assert message == (f"input limit: {field}: {MAX_ID_CHARS + 1} characters, longer than the "
                       f"{MAX_ID_CHARS}-character limit for ids")


@pytest.mark.parametrize(("container", "kind"), [
    ({str(n): n for n in range(MAX_CONTAINER_ITEMS + 1)}, "keys"),
    (list(range(MAX_CONTAINER_ITEMS + 1)), "items"),
])
def test_containers_with_too_many_entries_are_rejected(container: Any, kind: str) -> None:
    message = rejected(orjson.dumps(make_track(properties={"many": container})))
    assert message == (f"input limit: properties.many: {MAX_CONTAINER_ITEMS + 1} {kind}, "
                       f"more than the {MAX_CONTAINER_ITEMS} limit")


@pytest.mark.parametrize("literal", ["18446744073709551616", "-9223372036854775809",
                                     "123456789012345678901234567890", "9" * 300])
def test_integers_beyond_64_bits_are_rejected_not_rounded(literal: str) -> None:
    raw = b'{"type":"identify","userId":"u","traits":{"n":' + literal.encode() + b"}}"
    assert "does not fit in 64 bits and would lose precision" in rejected(raw)


@pytest.mark.parametrize("literal", ["18446744073709551615", "-9223372036854775808", "1e30",
                                     "-2.5e19", "1.8446744073709552e19"])
def test_64_bit_integers_and_large_floats_are_kept_exactly(literal: str) -> None:
    raw = b'{"type":"identify","userId":"u","traits":{"n":' + literal.encode() + b"}}"
    value = parse_event(raw, BIG).raw["traits"]["n"]
    assert value == json.loads(literal)
    assert orjson.loads(orjson.dumps(value)) == value


def test_a_big_integer_inside_a_string_is_just_text() -> None:
    raw = orjson.dumps(make_identify(traits={"n": 1e30, "id": "123456789012345678901234567890"}))
    assert parse_event(raw, BIG).raw["traits"]["id"] == "123456789012345678901234567890"


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty record (a tombstone or a blank value)"),
    (b" \n\t", "empty record (a tombstone or a blank value)"),
    (b'{"type":"identify","userId":"\xff"}', "not UTF-8 text: byte 0xff at offset 29"),
    (b'{"type":"identify","userId":"\xed\xa0\x80"}', "not UTF-8 text: byte 0xed at offset 29"),
    (b'{"type":"identify","userId":"\\ud800"}', "not valid JSON: no low surrogate"),
    (b'{"type":"identify","userId":"u","traits":{"n":NaN}}', "not valid JSON"),
    (b'{"type":"identify","userId":"u","traits":{"n":Infinity}}', "not valid JSON"),
    (b'{"type":"identify","userId":"u","traits":{"n":1e400}}', "number is infinity"),
])
def test_undecodable_records_get_a_specific_reason(raw: bytes, reason: str) -> None:
    assert reason in rejected(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents)
def test_the_fast_scan_and_the_walk_that_names_the_path_agree(document: Any) -> None:
    """check_limits scans without paths and walks again only to word the rejection."""
    try:
        decoded = orjson.loads(orjson.dumps(document))
    except TypeError:  # integers beyond 64 bits, NaN: these never come out of orjson.loads
        return
    suspect = _scan(decoded, DEFAULT_LIMITS)
    try:
        walked = _walk(decoded, DEFAULT_LIMITS)
    except LimitExceeded:
        assert suspect is None
    else:
        assert suspect == walked
