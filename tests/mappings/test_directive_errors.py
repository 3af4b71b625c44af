"""Invalid directives fail at config load, naming where inside the field and what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from stream.errors import ConfigError
from stream.mappings import DirectiveError, compile_directive

COMPILE_ERRORS = [
    (
        {"@nope": 1},
        "",
        "unknown directive @nope; use one of @arrayPath, @case, @flatten, @if, "
        "@json, @literal, @merge, @path, @replace, @template",
    ),
    (
        {"@path": "$.a", "extra": 1},
        "",
        "a directive object holds exactly one @-key; got @path, extra",
    ),
    ({"@path": 3}, "@path", 'takes a string such as "$.traits.email"; got 3'),
    ({"@path": "$.a..b"}, "@path", "path '$.a..b': unexpected '..b' at position 3"),
    ({"@if": {"then": 1}}, "@if", 'needs exactly one condition: "exists" or "blank"'),
    (
        {"@if": {"exists": "$.a", "blank": "$.a", "then": 1}},
        "@if",
        'needs exactly one condition: "exists" or "blank"',
    ),
    ({"@if": {"exists": "$.a"}}, "@if", 'needs a "then" or an "else" branch'),
    ({"@if": "x"}, "@if", "takes an object with "),
    ({"@template": 5}, "@template", 'takes a string such as "{{traits.first_name}}"'),
    (
        {"@case": {"operator": "title", "value": "$.a"}},
        "@case.operator",
        'must be "lower" or "upper"; got \'title\'',
    ),
    ({"@case": {"value": "$.a"}}, "@case", "needs the key 'operator'"),
    ({"@replace": {"pattern": "", "value": "$.a"}}, "@replace.pattern", "must not be empty"),
    (
        {"@replace": {"pattern": "a", "value": "$.a", "global": "yes"}},
        "@replace.global",
        "must be a bool; got 'yes'",
    ),
    ({"@arrayPath": "$.a"}, "@arrayPath", 'takes ["$.path.to.array", {item shape}]'),
    ({"@arrayPath": ["$.a", "x"]}, "@arrayPath[1]", "the item shape must be an object"),
    (
        {"@json": {"mode": "pretty", "value": "$.a"}},
        "@json.mode",
        'must be "encode" or "decode"; got \'pretty\'',
    ),
    ({"@flatten": {"value": "$.a"}}, "@flatten", "needs the key 'separator'"),
    (
        {"@merge": {"objects": {}, "direction": "left"}},
        "@merge.objects",
        "must be a list of objects or directives",
    ),
    (
        {"@merge": {"objects": [], "direction": "up"}},
        "@merge.direction",
        'must be "left" or "right"; got \'up\'',
    ),
    ({"a": {"b": [{"@bad": 1}]}}, "a.b[0]", "unknown directive @bad"),
]


@pytest.mark.parametrize(
    ("mapping", "location", "problem"), COMPILE_ERRORS, ids=[str(c[0])[:40] for c in COMPILE_ERRORS]
)
def test_invalid_directives_fail_at_compile_time(mapping: Any, location: str, problem: str) -> None:
    with pytest.raises(DirectiveError) as caught:
        compile_directive(mapping)
    assert caught.value.location == location
    assert caught.value.problem.startswith(problem)
    assert isinstance(caught.value, ConfigError)
