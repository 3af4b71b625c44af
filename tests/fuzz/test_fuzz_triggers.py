"""Fuzz target: the trigger parser on arbitrary text raises nothing but ConfigError; whatever it
parses prints back to text that parses to the same tree, and evaluates on any event."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stream.errors import ConfigError
from stream.mappings import parse_trigger
from tests.fuzz.budget import ROUND, fuzz_for_budget
from tests.fuzz.strategies import documents

WORDS = ["(", ")", "(", ")", ",", "!", "and", "or", "contains", "match", "type", "event", "name",
         "userId", "properties.a", "traits.`b c`", "context.x.0", "properties.`\\``", "=", "!=",
         "<", "<=", ">", ">=", '"x"', '"a*"', '"\\u00e9"', '"\\ud800"', '"\\q"', "true", "false",
         "null", "0", "-1.5", "1e999", "-1e999", "1" * 400, "9" * 5000, "nan", "`", "$", "'"]
texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=40).map("".join),
    st.integers(1, 3000).map(lambda n: "(" * n + 'type = "x"' + ")" * n),
    st.integers(1, 3000).map(lambda n: " and ".join(['event = "e"'] * n)),
)


@ROUND
@given(texts, st.lists(documents, max_size=3))
def fuzz_round(text: str, events: list[Any]) -> None:
    try:
        tree = parse_trigger(text)
    except ConfigError as exc:
        assert str(exc)
        return
    assert parse_trigger(str(tree)) == tree
    for event in events:
        if isinstance(event, dict):
            assert tree.matches(event) in (True, False)


def test_fuzz_trigger_parser() -> None:
    assert fuzz_for_budget(fuzz_round) >= 1
