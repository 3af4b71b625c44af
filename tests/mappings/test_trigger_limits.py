"""Trigger text the fuzzer found crashing the parser now gets a TriggerSyntaxError with a reason."""

from __future__ import annotations

import pytest

from stream.mappings import TriggerSyntaxError, parse_trigger
from stream.mappings.trigger_parser import MAX_CONDITIONS, MAX_NESTING


def nested_parentheses(levels: int) -> str:
    return "(" * levels + 'type = "identify"' + ")" * levels


def conditions(count: int) -> str:
    return " and ".join(['event = "e"'] * count)


def test_nesting_and_conditions_up_to_the_limits_parse() -> None:
    assert parse_trigger(nested_parentheses(MAX_NESTING)).matches({"type": "identify"})
    assert parse_trigger(conditions(MAX_CONDITIONS)).matches({"event": "e"})


@pytest.mark.parametrize(("text", "problem"), [
    (nested_parentheses(MAX_NESTING + 1), f"more than {MAX_NESTING} nested parentheses"),
    (nested_parentheses(5000), f"more than {MAX_NESTING} nested parentheses"),
    (conditions(MAX_CONDITIONS + 1), f"more than {MAX_CONDITIONS} conditions"),
    ("properties.n < 1e999", "expected a finite number, found '1e999'"),
    ("properties.n > -1e999", "expected a finite number, found '-1e999'"),
    ("properties.n < 01", "expected a JSON number, found '01'"),
    ("properties.n < " + "9" * 5000, "expected a JSON number, found '999"),
    ("properties.n < 1" + "0" * 400 + ".5", "expected a finite number"),
])
def test_hostile_triggers_are_syntax_errors(text: str, problem: str) -> None:
    with pytest.raises(TriggerSyntaxError) as caught:
        parse_trigger(text)
    assert problem in caught.value.problem


def test_huge_integer_literals_and_indexes_are_fine() -> None:
    assert parse_trigger("properties.n < " + "1" * 400).matches({"properties": {"n": 1e300}})
    far = parse_trigger("properties.items." + "9" * 5000 + ' = "x"')
    assert not far.matches({"properties": {"items": ["x"]}})
