"""Typed property validation over real HTTP (HUBSPOT_API.md section 8)."""

from __future__ import annotations

from typing import Any

from tests.fixtures.emulator import EmulatorHandle

CONTACTS = "/crm/v3/objects/contacts"


async def _create(emulator: EmulatorHandle, **properties: Any) -> Any:
    return await emulator.call("POST", CONTACTS, {"properties": properties})


async def _add_property(emulator: EmulatorHandle, **body: Any) -> None:
    definition = {"label": body["name"], "groupName": "contactinformation", **body}
    response = await emulator.call("POST", "/crm/v3/properties/contacts", definition)
    assert response.status == 201, response.body


async def test_date_at_13_utc_is_invalid_date(emulator: EmulatorHandle) -> None:
    await _add_property(emulator, name="signup_date", type="date", fieldType="date")
    response = await _create(emulator, signup_date=1579179660000)
    assert response.status == 400
    assert response.body["category"] == "VALIDATION_ERROR"
    [error] = response.body["errors"]
    assert error["code"] == "INVALID_DATE"
    assert error["message"] == "1579179660000 is at 13:1:0.0 UTC, not midnight!"
    assert error["context"] == {"propertyName": ["signup_date"]}
    assert '"error":"INVALID_DATE"' in response.body["message"]


async def test_date_at_midnight_utc_is_stored_as_a_day(emulator: EmulatorHandle) -> None:
    await _add_property(emulator, name="signup_date", type="date", fieldType="date")
    by_epoch = await _create(emulator, signup_date=1579132800000)
    by_text = await _create(emulator, signup_date="2020-01-16")
    assert by_epoch.body["properties"]["signup_date"] == "2020-01-16"
    assert by_text.body["properties"]["signup_date"] == "2020-01-16"


async def test_datetime_accepts_iso_and_epoch_ms(emulator: EmulatorHandle) -> None:
    await _add_property(emulator, name="seen_at", type="datetime", fieldType="date")
    by_epoch = await _create(emulator, seen_at=1579179660123)
    by_iso = await _create(emulator, seen_at="2020-01-16T13:01:00.123Z")
    assert by_epoch.body["properties"]["seen_at"] == "2020-01-16T13:01:00.123Z"
    assert by_iso.body["properties"]["seen_at"] == "2020-01-16T13:01:00.123Z"


async def test_number_and_bool_are_checked(emulator: EmulatorHandle) -> None:
    await _add_property(emulator, name="seats", type="number", fieldType="number")
    await _add_property(emulator, name="vip", type="bool", fieldType="booleancheckbox")
    response = await _create(emulator, seats="1/1/1", vip="maybe")
    assert response.status == 400
    codes = {e["context"]["propertyName"][0]: e["code"] for e in response.body["errors"]}
    assert codes == {"seats": "INVALID_LONG", "vip": "INVALID_BOOLEAN"}
    ok = await _create(emulator, seats=5, vip=True)
    assert ok.body["properties"]["seats"] == "5"
    assert ok.body["properties"]["vip"] == "true"


async def test_enumeration_value_must_be_an_option(emulator: EmulatorHandle) -> None:
    options = [{"label": "Gold", "value": "gold"}, {"label": "Silver", "value": "silver"}]
    await _add_property(emulator, name="tier", type="enumeration", fieldType="select",
                        options=options)
    response = await _create(emulator, tier="Gold")
    assert response.status == 400
    assert response.body["errors"][0]["code"] == "INVALID_OPTION"
    assert response.body["errors"][0]["message"] == (
        '"Gold" was not one of the allowed options: [gold, silver]')
    assert (await _create(emulator, tier="gold")).status == 201


async def test_multi_select_leading_semicolon_appends(emulator: EmulatorHandle) -> None:
    options = [{"label": x, "value": x} for x in ("a", "b", "c")]
    await _add_property(emulator, name="tags", type="enumeration", fieldType="checkbox",
                        options=options)
    created = await _create(emulator, tags="a;b")
    record_id = created.body["id"]
    updated = await emulator.call("PATCH", f"{CONTACTS}/{record_id}",
                                  {"properties": {"tags": ";c"}})
    assert updated.body["properties"]["tags"] == "a;b;c"


async def test_invalid_email_is_rejected(emulator: EmulatorHandle) -> None:
    response = await _create(emulator, email="not-an-email")
    assert response.status == 400
    assert response.body["errors"][0]["code"] == "INVALID_EMAIL"
    assert response.body["errors"][0]["message"] == "Email address not-an-email is invalid"


async def test_unknown_and_read_only_properties_are_rejected(emulator: EmulatorHandle) -> None:
    response = await _create(emulator, foo="x", createdate="2020-01-01T00:00:00Z")
    codes = sorted(e["code"] for e in response.body["errors"])
    assert codes == ["PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE"]
    assert any(e["message"] == 'Property "foo" does not exist' for e in response.body["errors"])


async def test_email_is_unique_together_with_additional_emails(emulator: EmulatorHandle) -> None:
    first = await _create(emulator, email="one@example.com",
                          hs_additional_emails="alias@example.com")
    assert first.status == 201
    duplicate = await _create(emulator, email="ALIAS@example.com")
    assert duplicate.status == 409
    assert duplicate.body["category"] == "CONFLICT"
    assert duplicate.body["message"] == f"Contact already exists. Existing ID: {first.body['id']}"
    by_alias = await emulator.call("GET", f"{CONTACTS}/alias@example.com?idProperty=email")
    assert by_alias.body["id"] == first.body["id"]


async def test_custom_unique_property_is_enforced(emulator: EmulatorHandle) -> None:
    await _add_property(emulator, name="external_id", type="string", fieldType="text",
                        hasUniqueValue=True)
    assert (await _create(emulator, external_id="X1")).status == 201
    assert (await _create(emulator, external_id="X1")).status == 409


async def test_empty_string_clears_a_property(emulator: EmulatorHandle) -> None:
    created = await _create(emulator, email="c@example.com", firstname="Ada")
    record_id = created.body["id"]
    await emulator.call("PATCH", f"{CONTACTS}/{record_id}", {"properties": {"firstname": ""}})
    [stored] = await emulator.objects("contacts")
    assert "firstname" not in stored["properties"]
