"""Every mapping directive, with mapping-kit semantics."""

from __future__ import annotations

from typing import Any

import pytest

from stream.mappings import MISSING, compile_directive

EVENT: dict[str, Any] = {
    "type": "identify",
    "userId": "u-1",
    "traits": {
        "email": "Ada@Example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "firstName": "Augusta",
        "blank": "",
        "nothing": None,
        "logins": 5,
        "ratio": 2.0,
        "vip": True,
        "address": {"street": "6th St", "postal_code": "94103", "geo": {"lat": 1.5}},
        "odd key": {"x.y": "dotted"},
        "tags": ["a", "b"],
        "phone": "+1 (555) 010-0000",
        "json_text": '{"a": [1, 2]}',
        "bad_json": "{nope",
    },
    "properties": {
        "products": [
            {"sku": "A-1", "price": 10, "meta": {"size": "M"}},
            {"sku": "B-2", "price": 5},
        ],
        "single": {"sku": "C-3"},
        "defaults": {"plan": "free", "seats": 1},
        "overrides": {"plan": "pro"},
    },
}


def resolve(mapping: Any, event: dict[str, Any] = EVENT) -> Any:
    return compile_directive(mapping)(event)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"@path": "$.traits.email"}, "Ada@Example.com"),
        ({"@path": "traits.email"}, "Ada@Example.com"),
        ("$.traits.email", "Ada@Example.com"),
        ({"@path": "$.traits.address.geo.lat"}, 1.5),
        ({"@path": "$.properties.products[1].sku"}, "B-2"),
        ({"@path": "$.properties.products.0.sku"}, "A-1"),
        ({"@path": "$.traits['odd key']['x.y']"}, "dotted"),
        ({"@path": '$.traits["odd key"]["x.y"]'}, "dotted"),
        ({"@path": "$.traits.nothing"}, None),
        ({"@path": "$.traits.missing"}, MISSING),
        ({"@path": "$.traits.email.deeper"}, MISSING),
        ({"@path": "$.properties.products[9].sku"}, MISSING),
        ({"@path": "$"}, EVENT),
    ],
)
def test_path_reads_the_jsonpath_subset(mapping: Any, expected: Any) -> None:
    assert resolve(mapping) == expected


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"@literal": "$.not.a.path"}, "$.not.a.path"),
        ({"@literal": {"@path": "$.x"}}, {"@path": "$.x"}),
        ({"@literal": True}, True),
        ("plain text", "plain text"),
        (42, 42),
        (None, None),
    ],
)
def test_literals_pass_through_unchanged(mapping: Any, expected: Any) -> None:
    assert resolve(mapping) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{traits.first_name}} {{traits.last_name}}", "Ada Lovelace"),
        ("Hi {{traits.missing}}!", "Hi !"),
        ("{{ userId }}/{{traits.logins}}/{{traits.ratio}}/{{traits.vip}}", "u-1/5/2/true"),
        ("{{traits.tags}}", '["a","b"]'),
        ("{{traits.nothing}}", ""),
        ("no placeholders", "no placeholders"),
    ],
)
def test_template_fills_placeholders(template: str, expected: str) -> None:
    assert resolve({"@template": template}) == expected


IF_CASES = [
    (
        "exists then",
        {
            "exists": "$.traits.first_name",
            "then": "$.traits.first_name",
            "else": "$.traits.firstName",
        },
        "Ada",
    ),
    (
        "exists else",
        {"exists": "$.traits.missing", "then": "yes", "else": "$.traits.firstName"},
        "Augusta",
    ),
    ("null is not existing", {"exists": "$.traits.nothing", "then": "yes", "else": "no"}, "no"),
    ("empty string exists", {"exists": "$.traits.blank", "then": "yes", "else": "no"}, "yes"),
    ("no else branch", {"exists": "$.traits.missing", "then": "yes"}, MISSING),
    ("no then branch", {"exists": "$.traits.email", "else": "no"}, MISSING),
    (
        "blank: empty string",
        {"blank": "$.traits.blank", "then": "filled", "else": "blank"},
        "blank",
    ),
    ("blank: value", {"blank": "$.traits.email", "then": "filled", "else": "blank"}, "filled"),
    ("blank: missing", {"blank": "$.traits.missing", "then": "filled", "else": "blank"}, "blank"),
]


@pytest.mark.parametrize(
    ("options", "expected"), [c[1:] for c in IF_CASES], ids=[c[0] for c in IF_CASES]
)
def test_if_chooses_a_branch(options: dict[str, Any], expected: Any) -> None:
    assert resolve({"@if": options}) == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"operator": "lower", "value": "$.traits.email"}, "ada@example.com"),
        ({"operator": "upper", "value": "$.traits.first_name"}, "ADA"),
        ({"operator": "upper", "value": "$.traits.logins"}, 5),
        ({"operator": "lower", "value": "$.traits.missing"}, MISSING),
    ],
)
def test_case_changes_strings_only(options: dict[str, Any], expected: Any) -> None:
    assert resolve({"@case": options}) == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"pattern": " ", "replacement": "-", "value": "$.traits.phone"}, "+1-(555)-010-0000"),
        (
            {"pattern": " ", "replacement": "-", "value": "$.traits.phone", "global": False},
            "+1-(555) 010-0000",
        ),
        (
            {"pattern": "ADA", "replacement": "X", "value": "$.traits.email", "ignorecase": True},
            "X@Example.com",
        ),
        ({"pattern": "ADA", "replacement": "X", "value": "$.traits.email"}, "Ada@Example.com"),
        ({"pattern": "(", "replacement": "\\1", "value": "$.traits.phone"}, "+1 \\1555) 010-0000"),
        ({"pattern": "Ada", "value": "$.traits.first_name"}, ""),
        ({"pattern": "5", "replacement": "five", "value": "$.traits.logins"}, "five"),
        ({"pattern": "true", "replacement": "yes", "value": "$.traits.vip"}, "yes"),
        ({"pattern": "_", "replacement": "+", "value": "$.traits.missing"}, ""),
        (
            {
                "pattern": "-",
                "replacement": " ",
                "pattern2": "0",
                "replacement2": "o",
                "value": "$.traits.phone",
            },
            "+1 (555) o1o oooo",
        ),
    ],
)
def test_replace_substitutes_literal_patterns(options: dict[str, Any], expected: Any) -> None:
    assert resolve({"@replace": options}) == expected


def test_array_path_maps_each_item_with_the_item_as_root() -> None:
    mapping = {
        "@arrayPath": [
            "$.properties.products",
            {"id": "$.sku", "size": "$.meta.size", "source": "segment"},
        ]
    }
    assert resolve(mapping) == [
        {"id": "A-1", "size": "M", "source": "segment"},
        {"id": "B-2", "source": "segment"},
    ]


def test_array_path_treats_an_object_as_one_item_and_passes_through_without_shape() -> None:
    assert resolve({"@arrayPath": ["$.properties.single", {"id": "$.sku"}]}) == [{"id": "C-3"}]
    assert resolve({"@arrayPath": ["$.traits.tags"]}) == ["a", "b"]
    assert resolve({"@arrayPath": [{"@path": "$.traits.tags"}, {}]}) == ["a", "b"]
    assert resolve({"@arrayPath": ["$.traits.missing", {"id": "$.sku"}]}) is MISSING


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"mode": "encode", "value": "$.traits.tags"}, '["a","b"]'),
        ({"mode": "encode", "value": "$.traits.first_name"}, '"Ada"'),
        ({"mode": "encode", "value": "$.traits.missing"}, MISSING),
        ({"mode": "decode", "value": "$.traits.json_text"}, {"a": [1, 2]}),
        ({"mode": "decode", "value": "$.traits.bad_json"}, "{nope"),
        ({"mode": "decode", "value": "$.traits.logins"}, 5),
    ],
)
def test_json_encodes_and_decodes(options: dict[str, Any], expected: Any) -> None:
    assert resolve({"@json": options}) == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"value": "$.traits.address", "separator": "."},
            {"street": "6th St", "postal_code": "94103", "geo.lat": 1.5},
        ),
        (
            {"value": "$.properties.products", "separator": "_"},
            {"0_sku": "A-1", "0_price": 10, "0_meta_size": "M", "1_sku": "B-2", "1_price": 5},
        ),
        (
            {"value": {"a": "$.traits.tags"}, "separator": "/", "omitArrays": True},
            {"a": ["a", "b"]},
        ),
        ({"value": "$.traits.missing", "separator": "."}, {}),
        ({"value": "$.traits.email", "separator": "."}, {}),
    ],
)
def test_flatten_joins_nested_keys(options: dict[str, Any], expected: Any) -> None:
    assert resolve({"@flatten": options}) == expected


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("right", {"plan": "pro", "seats": 1, "source": "x"}),
        ("left", {"plan": "free", "seats": 1, "source": "x"}),
    ],
)
def test_merge_combines_objects_in_the_given_direction(direction: str, expected: Any) -> None:
    mapping = {
        "@merge": {
            "direction": direction,
            "objects": [
                "$.properties.defaults",
                {"source": "x"},
                "$.properties.overrides",
                "$.traits.missing",
            ],
        }
    }
    assert resolve(mapping) == expected


def test_nested_objects_and_arrays_are_mapped_recursively_dropping_missing_values() -> None:
    mapping = {
        "name": {"first": "$.traits.first_name", "none": "$.traits.missing", "null": None},
        "list": ["$.traits.email", "$.traits.missing", {"@literal": 1}],
    }
    assert resolve(mapping) == {
        "name": {"first": "Ada", "null": None},
        "list": ["Ada@Example.com", 1],
    }


def test_directives_nest_inside_each_other() -> None:
    mapping = {
        "@case": {
            "operator": "lower",
            "value": {"@template": "{{traits.first_name}}.{{traits.last_name}}"},
        }
    }
    assert resolve(mapping) == "ada.lovelace"
