"""Property-based: any trigger tree prints to text that parses back to the same tree, and
evaluation follows the boolean structure."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stream.mappings import parse_trigger
from stream.mappings.trigger import And, Compare, Field, Function, Or, Trigger

SCALAR_ROOTS = ["type", "event", "name", "userId", "anonymousId", "groupId", "category"]
OBJECT_ROOTS = ["properties", "traits", "context"]

segments = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
    st.text(min_size=0, max_size=6),
)
fields = st.one_of(
    st.sampled_from(SCALAR_ROOTS).map(lambda root: Field((root,))),
    st.builds(
        lambda root, rest: Field((root, *rest)),
        st.sampled_from(OBJECT_ROOTS),
        st.lists(segments, min_size=0, max_size=3),
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
)
literals = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=12))
equality = st.builds(Compare, fields, st.sampled_from(["=", "!="]), literals)
ordering = st.builds(Compare, fields, st.sampled_from(["<", "<=", ">", ">="]), numbers)
functions = st.builds(
    Function, st.sampled_from(["contains", "match"]), fields, st.text(max_size=8), st.booleans()
)
leaves = st.one_of(equality, ordering, functions)
triggers: st.SearchStrategy[Trigger] = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(And, children, children), st.builds(Or, children, children)
    ),
    max_leaves=8,
)

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=6)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=6,
)
events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["identify", "track", "page", "group"]),
        "event": st.text(max_size=8),
        "name": st.one_of(st.none(), st.text(max_size=8)),
        "userId": st.text(max_size=4),
        "properties": st.dictionaries(st.text(max_size=4), json_values, max_size=4),
        "traits": st.dictionaries(st.sampled_from(["email", "plan", "a"]), json_values),
    }
)


@settings(max_examples=300, deadline=None)
@given(triggers)
def test_printed_trigger_parses_back_to_the_same_tree(tree: Trigger) -> None:
    text = str(tree)
    assert parse_trigger(text) == tree
    assert str(parse_trigger(text)) == text


@settings(max_examples=200, deadline=None)
@given(triggers, events)
def test_reparsed_trigger_decides_every_event_the_same_way(
    tree: Trigger, event: dict[str, Any]
) -> None:
    assert parse_trigger(str(tree)).matches(event) == tree.matches(event)


@settings(max_examples=200, deadline=None)
@given(triggers, triggers, events)
def test_and_or_follow_boolean_logic(left: Trigger, right: Trigger, event: dict[str, Any]) -> None:
    assert And(left, right).matches(event) == (left.matches(event) and right.matches(event))
    assert Or(left, right).matches(event) == (left.matches(event) or right.matches(event))


@settings(max_examples=200, deadline=None)
@given(fields, literals, events)
def test_not_equal_is_the_negation_of_equal(
    field: Field, value: Any, event: dict[str, Any]
) -> None:
    equal = Compare(field, "=", value).matches(event)
    assert Compare(field, "!=", value).matches(event) is not equal


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=10), st.text(max_size=5), st.booleans())
def test_match_prefix_and_suffix_globs_agree_with_str_methods(
    value: str, fix: str, negated: bool
) -> None:
    clean = fix.replace("*", "")
    event = {"event": value}
    prefix = Function("match", Field(("event",)), f"{clean}*", negated)
    suffix = Function("match", Field(("event",)), f"*{clean}", negated)
    assert prefix.matches(event) == (value.startswith(clean) != negated)
    assert suffix.matches(event) == (value.endswith(clean) != negated)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=10), st.text(max_size=4))
def test_contains_agrees_with_substring_search(value: str, needle: str) -> None:
    event = {"event": value}
    assert Function("contains", Field(("event",)), needle).matches(event) == (needle in value)
