"""Search refuses unknown property names like HubSpot; scripts answer any status with any body;
`dataSensitivity` of properties is stored and enforced (all over real HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from stream.emulator.config import EmulatorConfig, Settings
from tests.fixtures.emulator import EmulatorHandle

SEARCH = "/crm/v3/objects/companies/search"
PROPERTIES = "/crm/v3/properties/contacts"
CONTACTS = "/crm/v3/objects/contacts"


def _search(name: str = "domain", sort: str = "name", wanted: str = "name") -> dict[str, Any]:
    return {"filterGroups": [{"filters": [{"propertyName": name, "operator": "EQ",
                                           "value": "x"}]}],
            "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
            "properties": [wanted], "limit": 1}


@pytest.mark.parametrize(("body", "where"), [
    (_search(name="nosuch_field"), "filterGroups[0].filters[0].propertyName"),
    (_search(sort="nosuch_field"), "sorts[0].propertyName"),
    (_search(wanted="nosuch_field"), "properties[0]"),
])
async def test_unknown_search_property_is_hubspots_400(
        emulator: EmulatorHandle, body: dict[str, Any], where: str) -> None:
    response = await emulator.call("POST", SEARCH, body)
    assert response.status == 400
    assert response.body["status"] == "error"
    assert response.body["category"] == "VALIDATION_ERROR"
    assert response.body["correlationId"]
    [error] = response.body["errors"]
    assert error == {"message": 'Property "nosuch_field" does not exist',
                     "code": "PROPERTY_DOESNT_EXIST", "in": where,
                     "context": {"propertyName": ["nosuch_field"]}}


async def test_known_properties_search_normally(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", SEARCH, _search())
    assert response.status == 200 and response.body["total"] == 0


@pytest.mark.parametrize("status", [400, 404, 409])
async def test_script_answers_any_status_with_a_chosen_body(
        emulator: EmulatorHandle, status: int) -> None:
    chosen = {"status": "error", "message": f"scripted {status}", "category": "CUSTOM"}
    await emulator.set_faults(script=[{"path_prefix": SEARCH, "status": status,
                                       "body": chosen}])
    first = await emulator.call("POST", SEARCH, _search())
    assert (first.status, first.body) == (status, chosen)
    assert (await emulator.call("POST", SEARCH, _search())).status == 200
    assert (await emulator.stats())["faults_injected"] == {f"script:{status}": 1}


async def test_script_status_without_body_uses_hubspots_body(emulator: EmulatorHandle) -> None:
    await emulator.set_faults(script=[{"path_prefix": SEARCH, "status": 404}])
    response = await emulator.call("POST", SEARCH, _search())
    assert response.status == 404 and response.body["status"] == "error"


async def test_script_rejects_a_success_status(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", "/_emulator/faults", {"script": [
        {"path_prefix": SEARCH, "status": 200}]}, token="")
    assert response.status == 400
    assert "400-599" in str(response.body)


def _sensitive(name: str, sensitivity: str) -> dict[str, Any]:
    return {"name": name, "label": name, "type": "string", "fieldType": "text",
            "groupName": "contactinformation", "dataSensitivity": sensitivity}


async def test_sensitive_property_needs_an_enterprise_account(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", PROPERTIES, _sensitive("passport", "sensitive"))
    assert response.status == 403
    assert "Enterprise" in response.body["message"]


class TestEnterprise:
    @pytest.fixture
    def emulator_config(self) -> EmulatorConfig:
        return EmulatorConfig(settings=Settings(plan="enterprise"))

    async def test_sensitivity_is_stored_and_reads_filter_by_it(
            self, emulator: EmulatorHandle) -> None:
        for name, sensitivity in (("passport", "sensitive"), ("ssn", "highly_sensitive"),
                                  ("nickname", "non_sensitive")):
            created = await emulator.call("POST", PROPERTIES, _sensitive(name, sensitivity))
            assert created.status == 201, created.body
            assert created.body["dataSensitivity"] == sensitivity

        async def names(query: str) -> set[str]:
            response = await emulator.call("GET", PROPERTIES + query)
            return {p["name"] for p in response.body["results"]}

        default = await names("")
        assert "nickname" in default and "email" in default
        assert not {"passport", "ssn"} & default
        assert await names("?dataSensitivity=sensitive") == {"passport"}
        assert await names("?dataSensitivity=highly_sensitive") == {"ssn"}
        batch = await emulator.call("POST", PROPERTIES + "/batch/read", {
            "dataSensitivity": "sensitive", "inputs": [{"name": "passport"}, {"name": "email"}]})
        assert [p["name"] for p in batch.body["results"]] == ["passport"]

    async def test_unknown_sensitivity_is_a_400(self, emulator: EmulatorHandle) -> None:
        response = await emulator.call("POST", PROPERTIES, _sensitive("x", "secret"))
        assert response.status == 400 and "dataSensitivity" in response.body["message"]

    async def test_writing_a_sensitive_value_needs_the_sensitive_scope(
            self, emulator: EmulatorHandle) -> None:
        created = await emulator.call("POST", PROPERTIES, _sensitive("passport", "sensitive"))
        assert created.status == 201, created.body
        plain = ["crm.objects.contacts.write", "crm.objects.contacts.read"]
        await emulator.add_token("pat-plain", "plain", plain)
        await emulator.add_token("pat-sensitive", "sensitive",
                                 [*plain, "crm.objects.contacts.sensitive.write.v2"])
        body = {"properties": {"email": "s@example.com", "passport": "X123"}}
        refused = await emulator.call("POST", CONTACTS, body, token="pat-plain")
        assert refused.status == 403 and refused.body["category"] == "MISSING_SCOPES"
        assert refused.body["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.contacts.sensitive.write.v2"]
        batch = await emulator.call("POST", CONTACTS + "/batch/create",
                                    {"inputs": [body]}, token="pat-plain")
        assert batch.status == 403
        assert (await emulator.call("POST", CONTACTS, body, token="pat-sensitive")).status == 201
        assert (await emulator.call("POST", CONTACTS, {"properties": {
            "email": "n@example.com"}}, token="pat-plain")).status == 201
