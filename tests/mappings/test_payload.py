"""validate_payload: Segment's schema step (drop undeclared keys, coerce, required fields)."""

from __future__ import annotations

from typing import Any

import pytest

from stream.errors import Reason, RejectedError
from stream.mappings import FieldSpec, InvalidPayload, validate_payload
from tests.mappings.catalog import TEST_CATALOG

CONTACT = TEST_CATALOG["upsert_contact"]
COMPANY = TEST_CATALOG["upsert_company"]
OBJECT = TEST_CATALOG["custom_object_v2"]
EVENT = TEST_CATALOG["send_custom_behavioral_event"]


def test_undeclared_keys_are_dropped_and_declared_values_kept() -> None:
    payload = {"email": "a@b.co", "streetaddress": "x", "properties": {"any": {"thing": 1}}}
    assert validate_payload(CONTACT, payload) == {
        "email": "a@b.co",
        "properties": {"any": {"thing": 1}},
    }


@pytest.mark.parametrize(
    ("fields", "payload", "expected"),
    [
        (
            COMPANY,
            {"groupid": 802, "createNewCompany": "true", "numberofemployees": "50"},
            {"groupid": "802", "createNewCompany": True, "numberofemployees": 50},
        ),
        (
            COMPANY,
            {"groupid": "g", "createNewCompany": 0, "numberofemployees": 12.0},
            {"groupid": "g", "createNewCompany": False, "numberofemployees": 12},
        ),
        (
            CONTACT,
            {"email": "a@b.co", "firstname": True, "enable_batching": "false"},
            {"email": "a@b.co", "firstname": "true", "enable_batching": False},
        ),
        (CONTACT, {"email": ["a@b.co"]}, {"email": "a@b.co"}),
        (
            EVENT,
            {"eventName": "pe1_x", "occurredAt": 1700000000000},
            {"eventName": "pe1_x", "occurredAt": 1700000000000},
        ),
        (
            EVENT,
            {"eventName": "pe1_x", "occurredAt": "2024-05-01T12:00:00.123+02:00"},
            {"eventName": "pe1_x", "occurredAt": "2024-05-01T12:00:00.123+02:00"},
        ),
    ],
)
def test_values_are_coerced_to_their_field_types(
    fields: Any, payload: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert validate_payload(fields, payload) == expected


def test_nested_objects_and_lists_are_validated_recursively() -> None:
    payload = {
        "object_details": {
            "object_type": "p_x",
            "id_field_name": "sku",
            "id_field_value": 7,
            "extra": 1,
        },
        "association_sync_mode": "read",
        "associations": {"object_type": "contact", "id_field_value": "a@b.co"},
    }
    assert validate_payload(OBJECT, payload) == {
        "object_details": {"object_type": "p_x", "id_field_name": "sku", "id_field_value": "7"},
        "association_sync_mode": "read",
        "associations": [{"object_type": "contact", "id_field_value": "a@b.co"}],
    }


def test_list_items_missing_a_required_key_are_dropped_not_fatal() -> None:
    payload = {
        "object_details": {"object_type": "p", "id_field_name": "n", "id_field_value": "v"},
        "association_sync_mode": "read",
        "associations": [
            {"object_type": "contact"},
            "not an object",
            {"object_type": "company", "id_field_value": 5},
        ],
    }
    assert validate_payload(OBJECT, payload)["associations"] == [
        {"object_type": "company", "id_field_value": "5"}
    ]


@pytest.mark.parametrize(
    ("fields", "payload", "message"),
    [
        (CONTACT, {"firstname": "Ada"}, "The root value is missing the required field 'email'."),
        (CONTACT, {"email": "not-an-email"}, 'The value at /email must match format "email".'),
        (
            CONTACT,
            {"email": "a@b.co", "properties": "x"},
            "The value at /properties must be object.",
        ),
        (
            CONTACT,
            {"email": "a@b.co", "firstname": {"a": 1}},
            "The value at /firstname must be string.",
        ),
        (
            COMPANY,
            {"groupid": "g", "createNewCompany": "maybe"},
            "The value at /createNewCompany must be boolean.",
        ),
        (
            COMPANY,
            {"groupid": "g", "createNewCompany": True, "numberofemployees": "many"},
            "The value at /numberofemployees must be integer.",
        ),
        (
            COMPANY,
            {"groupid": "g", "createNewCompany": True, "numberofemployees": 1.5},
            "The value at /numberofemployees must be integer.",
        ),
        (
            EVENT,
            {"eventName": "x", "occurredAt": "last week"},
            'The value at /occurredAt must match format "date-time".',
        ),
        (
            OBJECT,
            {"object_details": {"object_type": "p"}, "association_sync_mode": "read"},
            "The value at /object_details is missing the required field 'id_field_name'. "
            "The value at /object_details is missing the required field 'id_field_value'.",
        ),
        (
            OBJECT,
            {
                "object_details": {"object_type": "p", "id_field_name": "n", "id_field_value": "v"},
                "association_sync_mode": "write",
            },
            "The value at /association_sync_mode must be equal to one of the allowed values: "
            "upsert, read.",
        ),
    ],
)
def test_invalid_payloads_are_rejected_with_segment_style_messages(
    fields: Any, payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidPayload) as caught:
        validate_payload(fields, payload)
    assert caught.value.message == message
    assert caught.value.reason is Reason.INVALID_PAYLOAD
    assert isinstance(caught.value, RejectedError)


@pytest.mark.parametrize(("value", "problem"), [
    (1e30, "The value at /n is beyond the 64-bit integer range."),
    ("-1e19", "The value at /n is beyond the 64-bit integer range."),
    (2.5, "The value at /n must be integer."),
])
def test_integers_stay_within_what_the_encoders_write(value: object, problem: str) -> None:
    with pytest.raises(InvalidPayload) as caught:
        validate_payload([FieldSpec("n", "N", "integer")], {"n": value})
    assert caught.value.problems == (problem,)


def test_huge_integral_numbers_stay_floats() -> None:
    payload = validate_payload([FieldSpec("n", "N", "number")], {"n": 1e30})
    assert payload == {"n": 1e30} and isinstance(payload["n"], float)
    assert validate_payload([FieldSpec("n", "N", "number")], {"n": "12"}) == {"n": 12}
