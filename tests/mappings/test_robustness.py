"""Arbitrary input never crashes ingest: an event is parsed or gets invalid_event, and selecting
mappings for any parsed event returns matches (payload or error) without raising."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.events import InvalidEvent, is_enabled_for_destination, parse_event
from stream.mappings import DestinationConfig, load_destination, select_mappings
from tests.mappings.catalog import TEST_CATALOG

VALID = Path(__file__).parent.parent / "data" / "valid"
ENV = {"HUBSPOT_TOKEN": "t", "HUBSPOT_CLIENT_SECRET": "s"}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
known_keys = st.sampled_from(
    [
        "type",
        "event",
        "name",
        "userId",
        "anonymousId",
        "groupId",
        "previousId",
        "traits",
        "properties",
        "context",
        "integrations",
        "timestamp",
        "messageId",
    ]
)
event_types = st.sampled_from(["identify", "group", "track", "page", "screen", "alias"])
events = st.builds(
    lambda kind, extra, ids: {"type": kind, **ids, **extra},
    event_types,
    st.dictionaries(known_keys, json_values, max_size=6),
    st.fixed_dictionaries({"userId": st.text(min_size=1, max_size=5)}),
)


@pytest.fixture(scope="module")
def destinations() -> list[DestinationConfig]:
    return [load_destination(path, TEST_CATALOG, env=ENV) for path in sorted(VALID.glob("*.yaml"))]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(events, json_values))
def test_any_json_is_parsed_or_rejected_and_never_crashes_selection(
    destinations: list[DestinationConfig], document: Any
) -> None:
    try:
        event = parse_event(orjson.dumps(document))
    except InvalidEvent as exc:
        assert exc.message
        return
    is_enabled_for_destination(event)
    for destination in destinations:
        for match in select_mappings(destination, event.raw):
            assert (match.payload is None) != (match.error is None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_are_parsed_or_rejected(raw: bytes) -> None:
    try:
        parse_event(raw)
    except InvalidEvent as exc:
        assert exc.message
