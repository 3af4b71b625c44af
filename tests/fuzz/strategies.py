"""Hypothesis strategies for hostile input: Segment-shaped events holding arbitrary JSON (deep,
huge, unicode, lone surrogates, integers beyond 64 bits, NaN) and the bytes a producer may write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from stream.actions.catalog import ACTIONS
from stream.events.limits import MAX_CONTAINER_ITEMS, MAX_DEPTH, MAX_KEY_CHARS, MAX_STRING_CHARS
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


lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
texts = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8"), max_size=12),
    st.text(st.one_of(st.characters(), lone_surrogates), max_size=4),
    _repeated(st.characters(codec="utf-8"), MAX_STRING_CHARS - 2, MAX_STRING_CHARS + 2),
)
keys = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["email", "plan", "name", "address", "city", "billing", "subscription_id"]),
    _repeated(st.sampled_from("kß€"), MAX_KEY_CHARS - 1, MAX_KEY_CHARS + 1),
)
integers = st.one_of(
    st.integers(-(2**63), 2**64 - 1),
    st.integers(),
    st.sampled_from([2**64, -(2**63) - 1, 10**30, -(10**30), 2**63, 2**64 - 1]),
)
floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(st.none(), st.booleans(), integers, floats, texts)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=16,
)
deep_values = st.builds(nested, st.integers(1, MAX_DEPTH + 3), scalars)
wide_values = st.builds(lambda n: list(range(n)),
                        st.sampled_from([MAX_CONTAINER_ITEMS, MAX_CONTAINER_ITEMS + 1]))
values = st.one_of(json_values, deep_values, wide_values)
ids = st.one_of(st.text(min_size=1, max_size=8), st.integers(0, 10**6), texts)
objects = st.dictionaries(keys, values, max_size=5)

events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["identify", "group", "track", "page", "screen", "alias"]),
        "userId": ids,
    },
    optional={
        "anonymousId": ids,
        "messageId": st.text(min_size=1, max_size=12),
        "groupId": ids,
        "previousId": ids,
        "event": st.sampled_from(["Order Completed", "Feature Used", "Subscription Started"]),
        "name": st.one_of(st.sampled_from(["Home", "Admin"]), texts),
        "timestamp": st.sampled_from(["2026-01-15T10:30:00.000Z", "2026-01-15", "yesterday"]),
        "traits": st.one_of(objects, st.fixed_dictionaries(
            {"email": st.sampled_from(["ada@example.com", "not an email"])}, optional={
                "address": objects, "name": texts, "plan": values})),
        "properties": st.one_of(objects, st.fixed_dictionaries(
            {"subscription_id": ids, "billing": values}, optional={"email": texts})),
        "context": st.fixed_dictionaries(
            {}, optional={"traits": objects, "groupId": ids, "hubspot_utk": texts}),
        "integrations": st.dictionaries(st.sampled_from(["All", "HubSpot Cloud Mode (Actions)"]),
                                        st.booleans()),
        "extra": values,
    },
)
documents = st.one_of(events, json_values)


def raw_bytes(document: Any, ascii_only: bool) -> bytes:
    """The bytes a producer might write: stdlib json (NaN, Infinity, integers of any size);
    unpaired surrogates become \\udXXX escapes (ascii) or invalid UTF-8 (raw)."""
    text = json.dumps(document, ensure_ascii=ascii_only)
    return text.encode("utf-8", errors="surrogatepass")


records = st.one_of(
    st.builds(raw_bytes, documents, st.booleans()),
    st.binary(max_size=64),
    st.sampled_from([b"", b" ", b"null", b"\xff\xfe", b"{}", b'{"type":"identify"}']),
)
