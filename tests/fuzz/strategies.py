"""Hypothesis strategies for hostile input: Segment-shaped events holding arbitrary JSON (deep,
huge, unicode, lone surrogates, integers beyond 64 bits, NaN) and the bytes a producer may write."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from stream.actions.catalog import ACTIONS
from stream.events.limits import (
    MAX_CONTAINER_ITEMS,
    MAX_DEPTH,
    MAX_ID_CHARS,
    MAX_KEY_CHARS,
    MAX_STRING_CHARS,
)
from stream.mappings import DestinationConfig, load_destination

EXAMPLES = Path(__file__).resolve().parents[2] / "config" / "examples"
EXAMPLE_ENV = {"HUBSPOT_PRIVATE_APP_TOKEN": "pat-test", "HUBSPOT_HUB_ID": "123",
               "HUBSPOT_CLIENT_ID": "client", "HUBSPOT_CLIENT_SECRET": "secret",
               "HUBSPOT_REFRESH_TOKEN": "refresh"}


def example_destinations() -> list[DestinationConfig]:
    """Every config of config/examples/, loaded with the real action catalog."""
    catalog = {name: action.fields for name, action in ACTIONS.items()}
    return [load_destination(path, catalog, env=EXAMPLE_ENV)
            for path in sorted(EXAMPLES.glob("*.yaml"))]


def nested(levels: int, leaf: Any = "leaf") -> Any:
    """A value `levels` containers deep, alternating objects and arrays."""
    value = leaf
    for level in range(levels):
        value = [value] if level % 2 else {"k": value}
    return value


def _repeated(alphabet: st.SearchStrategy[str], low: int, high: int) -> st.SearchStrategy[str]:
    return st.builds(lambda char, count: char * count, alphabet, st.integers(low, high))


# Benign values: what real producers send, numbers of every size orjson reads back exactly.
plain_texts = st.one_of(st.text(max_size=12), st.text(st.characters(codec="utf-8"), max_size=12))
keys = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["email", "plan", "name", "address", "city", "billing", "subscription_id",
                     "employees", "seats", "mrr", "duration_ms", "feature", "total"]),
)
numbers = st.one_of(
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=1e15, max_value=1e300),
    st.sampled_from(["12", "1e30", "-1e19", "3.5", "1" * 30, "0x10", "1e400"]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, plain_texts)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=16,
)
ids = st.one_of(st.text(min_size=1, max_size=8), st.integers(0, 10**6))
emails = st.sampled_from(["ada@example.com", "Bob.Smith+x@Example.ORG", "not an email", ""])
objects = st.dictionaries(keys, json_values, max_size=5)

# Hostile values: each on or just past a limit, or something orjson cannot write back.
lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
hostile_texts = st.one_of(
    st.text(st.one_of(st.characters(), lone_surrogates), min_size=1, max_size=4),
    _repeated(st.characters(codec="utf-8"), MAX_STRING_CHARS - 1, MAX_STRING_CHARS + 1),
    _repeated(st.characters(codec="utf-8"), MAX_ID_CHARS - 1, MAX_ID_CHARS + 1),
)
hostile_values = st.one_of(
    hostile_texts,
    st.builds(nested, st.integers(MAX_DEPTH - 4, MAX_DEPTH + 3), scalars),
    st.builds(lambda n: list(range(n)), st.sampled_from([MAX_CONTAINER_ITEMS,
                                                         MAX_CONTAINER_ITEMS + 1])),
    st.builds(lambda key, value: {key: value},
              _repeated(st.sampled_from("kß€"), MAX_KEY_CHARS - 1, MAX_KEY_CHARS + 1), scalars),
    st.sampled_from([2**64, -(2**63) - 1, 10**30, -(10**30), 2**63, 2**64 - 1]),
    st.integers(),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
# Where a hostile value goes: a top-level field (ids included), or inside traits / properties.
hostile_places = st.sampled_from([("userId",), ("anonymousId",), ("groupId",), ("messageId",),
                                  ("extra",), ("traits", "employees"), ("traits", "x"),
                                  ("properties", "seats"), ("properties", "billing"),
                                  ("context", "traits")])


def _with_hostile(event: dict[str, Any], place: tuple[str, ...] | None, value: Any) -> Any:
    if place is None:
        return event
    target = event
    for key in place[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[place[-1]] = value
    return event


# The fields each event type requires are always there: most examples get past validation.
benign_events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["identify", "identify", "group", "group", "track", "track",
                                 "page", "screen", "alias"]),
        "userId": ids,
        "groupId": ids,
        "previousId": ids,
        "event": st.sampled_from(["Order Completed", "Feature Used", "Subscription Started",
                                  "Feature Test"]),
    },
    optional={
        "anonymousId": ids,
        "messageId": st.text(min_size=1, max_size=12),
        "name": st.one_of(st.sampled_from(["Home", "Admin"]), plain_texts),
        "timestamp": st.sampled_from(["2026-01-15T10:30:00.000Z", "2026-01-15", "yesterday"]),
        "traits": st.one_of(objects, st.fixed_dictionaries(
            {"email": emails, "name": plain_texts}, optional={
                "address": objects, "plan": json_values, "lifecycle_stage": plain_texts,
                "employees": numbers})),
        "properties": st.one_of(objects, st.fixed_dictionaries(
            {"subscription_id": ids, "billing": json_values, "email": emails}, optional={
                "feature": plain_texts, "seats": numbers, "mrr": numbers,
                "duration_ms": numbers, "url": plain_texts})),
        "context": st.fixed_dictionaries(
            {}, optional={"traits": st.fixed_dictionaries({"email": emails}), "groupId": ids,
                          "hubspot_utk": plain_texts}),
        "integrations": st.dictionaries(st.sampled_from(["All", "HubSpot Cloud Mode (Actions)"]),
                                        st.booleans()),
        "extra": json_values,
    },
)
# About one event in four carries one hostile value somewhere.
events = st.builds(_with_hostile, benign_events,
                   st.one_of(st.none(), st.none(), st.none(), hostile_places), hostile_values)
documents = st.one_of(events, events, events, json_values, hostile_values)


def raw_bytes(document: Any, ascii_only: bool) -> bytes:
    """The bytes a producer might write: stdlib json (NaN, Infinity, integers of any size);
    unpaired surrogates become \\udXXX escapes (ascii) or invalid UTF-8 (raw)."""
    text = json.dumps(document, ensure_ascii=ascii_only)
    return text.encode("utf-8", errors="surrogatepass")


event_records = st.builds(raw_bytes, events, st.booleans())
# Half the records are events (three in four of them valid), the rest anything at all.
records = st.one_of(
    event_records, event_records, event_records,
    st.builds(raw_bytes, st.one_of(json_values, hostile_values), st.booleans()),
    st.binary(max_size=64),
    st.sampled_from([b"", b" ", b"null", b"\xff\xfe", b"{}", b'{"type":"identify"}']),
)
