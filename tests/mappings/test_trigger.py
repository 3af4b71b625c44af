"""Trigger language: every operator, precedence, round trip and syntax errors with positions."""

from __future__ import annotations

from typing import Any

import pytest

from stream.errors import ConfigError
from stream.mappings import TriggerSyntaxError, parse_trigger
from tests.builders import make_identify, make_page, make_track

ORDER = make_track(
    "Order Completed",
    properties={
        "total": 27.5,
        "count": "3",
        "coupon": None,
        "tags": ["vip", "eu"],
        "paid": True,
        "gift": "false",
        "nested": {"level": {"deep": "yes"}},
        "odd key": "x",
    },
    context={"page": {"path": "/checkout/done"}},
)

MATCHING: list[tuple[str, dict[str, Any], bool]] = [
    ('type = "track"', ORDER, True),
    ('type = "identify"', ORDER, False),
    ('type != "identify"', ORDER, True),
    ('event = "Order Completed"', ORDER, True),
    ('event != "Order Completed"', ORDER, False),
    ('name = "Home"', make_page("Home"), True),
    ('userId = "user-1"', ORDER, True),
    ("properties.total > 20", ORDER, True),
    ("properties.total > 27.5", ORDER, False),
    ("properties.total >= 27.5", ORDER, True),
    ("properties.total < 30", ORDER, True),
    ("properties.total <= 27", ORDER, False),
    ("properties.count = 3", ORDER, True),
    ("properties.count > 2", ORDER, True),
    ("properties.missing > 2", ORDER, False),
    ("properties.missing < 2", ORDER, False),
    ("properties.paid = true", ORDER, True),
    ("properties.paid = false", ORDER, False),
    ("properties.gift = false", ORDER, True),
    ("properties.paid != true", ORDER, False),
    ("properties.coupon = null", ORDER, True),
    ("properties.absent = null", ORDER, True),
    ("properties.total = null", ORDER, False),
    ("properties.total != null", ORDER, True),
    ("properties.absent != null", ORDER, False),
    ('properties.nested.level.deep = "yes"', ORDER, True),
    ('properties.`odd key` = "x"', ORDER, True),
    ('properties.tags.0 = "vip"', ORDER, True),
    ('contains(event, "Order")', ORDER, True),
    ('contains(event, "order")', ORDER, False),
    ('!contains(event, "Refund")', ORDER, True),
    ('contains(properties.tags, "eu")', ORDER, True),
    ('contains(properties.total, "2")', ORDER, False),
    ('match(event, "Order*")', ORDER, True),
    ('match(event, "*Completed")', ORDER, True),
    ('match(event, "*Started")', ORDER, False),
    ('!match(event, "Order*")', ORDER, False),
    ('match(context.page.path, "/checkout/*")', ORDER, True),
    ('match(properties.absent, "*")', ORDER, False),
    ('traits.email = "ada@example.com"', make_identify(), True),
    ('type = "track" and event = "Order Completed"', ORDER, True),
    ('type = "track" and event = "Signed Up"', ORDER, False),
    ('type = "identify" or event = "Order Completed"', ORDER, True),
    ('type = "identify" or type = "group"', ORDER, False),
    ('type = "identify" or type = "track" and event = "Nope"', ORDER, False),
    ('(type = "identify" or type = "track") and event = "Order Completed"', ORDER, True),
]


@pytest.mark.parametrize(("text", "event", "expected"), MATCHING, ids=[c[0] for c in MATCHING])
def test_trigger_evaluates_against_the_event(
    text: str, event: dict[str, Any], expected: bool
) -> None:
    assert parse_trigger(text).matches(event) is expected


def test_and_binds_tighter_than_or() -> None:
    tree = parse_trigger('type = "a" or type = "b" and event = "c"')
    assert str(tree) == 'type = "a" or type = "b" and event = "c"'
    assert parse_trigger('type = "page" or type = "track" and event = "x"').matches(make_page())


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ('type="track"', 'type = "track"'),
        ('  (type = "a")  ', 'type = "a"'),
        ('type = "a" and (event = "b" or event = "c")', None),
        (
            '(type = "a" and event = "b") or event = "c"',
            'type = "a" and event = "b" or event = "c"',
        ),
        ('!contains( event , "x" )', '!contains(event, "x")'),
        ("properties.n >= -1.5e3", "properties.n >= -1500.0"),
        ('properties.`a.b` = "quote \\" and \\\\"', None),
    ],
)
def test_str_is_canonical_and_reparses_to_the_same_tree(text: str, canonical: str | None) -> None:
    tree = parse_trigger(text)
    assert str(tree) == (canonical or text)
    assert parse_trigger(str(tree)) == tree


ERRORS = [
    ("", 0, "expected a field such as type, event or properties.<name>, found the end"),
    ("type", 4, "expected an operator (=, !=, <, <=, >, >=) after type, found the end"),
    ("type = ", 7, 'expected a value (a "string", a number, true, false or null), found the end'),
    ('type == "x"', 6, "expected a value"),
    (
        'email = "x"',
        0,
        "expected a field (anonymousId, category, event, groupId, name, type, "
        "userId, properties.*, traits.*, context.*), found 'email'",
    ),
    ('type.sub = "x"', 0, "expected a field (anonymousId"),
    ('properties.total > "10"', 19, "expected a number after >, found '\"10\"'"),
    ("properties.total < true", 19, "expected a number after <, found 'true'"),
    ('type = "a" and', 14, "expected a field such as type"),
    ('type = "a" event = "b"', 11, "expected the end of the trigger, found 'event'"),
    ('(type = "a"', 11, "expected ')', found the end"),
    ('type = "a")', 10, "expected the end of the trigger, found ')'"),
    ('contains(event "x")', 15, "expected ','"),
    ("contains(event, 3)", 16, "expected a double-quoted string, found '3'"),
    ('!type = "a"', 1, "expected contains or match after '!'"),
    ('type = "a" # comment', 11, "unexpected character '#'"),
    ('type = "unterminated', 7, "unexpected character '\"'"),
    ('type = "bad \\q escape"', 7, "expected a valid string (bad escape)"),
]


@pytest.mark.parametrize(("text", "position", "problem"), ERRORS, ids=[e[0] for e in ERRORS])
def test_syntax_errors_name_the_position(text: str, position: int, problem: str) -> None:
    with pytest.raises(TriggerSyntaxError) as caught:
        parse_trigger(text)
    assert caught.value.position == position
    assert caught.value.problem.startswith(problem)
    assert str(caught.value).startswith(f"at position {position}: ")
    assert isinstance(caught.value, ConfigError)
