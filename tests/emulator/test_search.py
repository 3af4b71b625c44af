"""CRM search over real HTTP: operators, caps, index delay and the 5/s SECONDLY limit."""

from __future__ import annotations

from typing import Any

from tests.fixtures.emulator import EmulatorHandle

CONTACTS = "/crm/v3/objects/contacts"
SEARCH = f"{CONTACTS}/search"


def _filters(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"filterGroups": [{"filters": list(filters)}], "properties": ["email", "firstname"]}


async def _seed(emulator: EmulatorHandle) -> None:
    for email, name, seats in (("ada@example.com", "Ada", 5), ("bob@example.com", "Bob", 10),
                               ("cy@other.org", "", 20)):
        properties: dict[str, Any] = {"email": email, "jobtitle": str(seats)}
        if name:
            properties["firstname"] = name
        assert (await emulator.call("POST", CONTACTS, {"properties": properties})).status == 201


async def _emails(emulator: EmulatorHandle, body: dict[str, Any]) -> list[str]:
    await emulator.advance_clock(0.2)  # stay under the 5 searches per second
    response = await emulator.call("POST", SEARCH, body)
    assert response.status == 200, response.body
    return [r["properties"]["email"] for r in response.body["results"]]


async def test_eq_is_case_insensitive_and_has_no_rate_headers(emulator: EmulatorHandle) -> None:
    await _seed(emulator)
    response = await emulator.call("POST", SEARCH, _filters(
        {"propertyName": "email", "operator": "EQ", "value": "ADA@example.com"}))
    assert response.body["total"] == 1
    assert response.body["results"][0]["properties"] == {"email": "ada@example.com",
                                                         "firstname": "Ada"}
    assert not any(k.lower().startswith("x-hubspot-ratelimit") for k in response.headers)


async def test_operators(emulator: EmulatorHandle) -> None:
    await _seed(emulator)
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"propertyName": "email", "operator": "IN", "values": ["bob@example.com",
                                                              "cy@other.org"]},
         ["bob@example.com", "cy@other.org"]),
        ({"propertyName": "firstname", "operator": "NOT_HAS_PROPERTY"}, ["cy@other.org"]),
        ({"propertyName": "firstname", "operator": "HAS_PROPERTY"},
         ["ada@example.com", "bob@example.com"]),
        ({"propertyName": "jobtitle", "operator": "GT", "value": "5"},
         ["bob@example.com", "cy@other.org"]),
        ({"propertyName": "jobtitle", "operator": "BETWEEN", "value": "6", "highValue": "20"},
         ["bob@example.com", "cy@other.org"]),
        ({"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*other.org"},
         ["cy@other.org"]),
        ({"propertyName": "email", "operator": "NEQ", "value": "ada@example.com"},
         ["bob@example.com", "cy@other.org"]),
    ]
    for search_filter, expected in cases:
        assert await _emails(emulator, _filters(search_filter)) == expected, search_filter


async def test_groups_are_ored_and_sorts_apply(emulator: EmulatorHandle) -> None:
    await _seed(emulator)
    body = {"filterGroups": [
        {"filters": [{"propertyName": "firstname", "operator": "EQ", "value": "Ada"}]},
        {"filters": [{"propertyName": "firstname", "operator": "EQ", "value": "Bob"}]}],
        "sorts": [{"propertyName": "email", "direction": "DESCENDING"}], "properties": ["email"]}
    assert await _emails(emulator, body) == ["bob@example.com", "ada@example.com"]


async def test_limits_are_enforced(emulator: EmulatorHandle) -> None:
    too_many: dict[str, Any] = {"filterGroups": [{"filters": []}] * 6}
    assert (await emulator.call("POST", SEARCH, too_many)).status == 400
    assert (await emulator.call("POST", SEARCH, {"limit": 201})).status == 400
    assert (await emulator.call("POST", SEARCH, {"limit": 100, "after": 9950})).status == 400


async def test_index_delay_hides_fresh_writes(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T12:00:00Z", frozen=True)
    await emulator.settings(search_index_delay_ms=1500)
    await emulator.call("POST", CONTACTS, {"properties": {"email": "new@example.com"}})
    body = _filters({"propertyName": "email", "operator": "EQ", "value": "new@example.com"})
    assert await _emails(emulator, body) == []
    await emulator.advance_clock(1.5)
    assert await _emails(emulator, body) == ["new@example.com"]


async def test_sixth_search_within_one_second_is_secondly_429(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T12:00:00Z", frozen=True)
    statuses = [(await emulator.call("POST", SEARCH, {})).status for _ in range(5)]
    assert statuses == [200] * 5
    refused = await emulator.call("POST", SEARCH, {})
    assert refused.status == 429
    assert refused.body["policyName"] == "SECONDLY"
    assert refused.body["message"] == "You have reached your secondly limit."
    await emulator.advance_clock(1.0)
    assert (await emulator.call("POST", SEARCH, {})).status == 200
    stats = await emulator.stats()
    assert stats["rate_limited"]["SECONDLY"] == 1
    assert stats["max_rolling_10s"]["search"]["max"] == 7


async def test_free_text_query(emulator: EmulatorHandle) -> None:
    await _seed(emulator)
    assert await _emails(emulator, {"query": "bo", "properties": ["email"]}) == [
        "bob@example.com"]
