"""Associations v4 over real HTTP: default and labeled, batch, labels registry, legacy v3."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle

V4 = "/crm/v4/associations/contacts/companies"


async def _records(emulator: EmulatorHandle) -> tuple[str, str]:
    contact = await emulator.call("POST", "/crm/v3/objects/contacts",
                                  {"properties": {"email": "a@example.com"}})
    company = await emulator.call("POST", "/crm/v3/objects/companies",
                                  {"properties": {"name": "Acme"}})
    return contact.body["id"], company.body["id"]


async def test_default_association_uses_hubspot_type_ids(emulator: EmulatorHandle) -> None:
    contact_id, company_id = await _records(emulator)
    response = await emulator.call(
        "PUT", f"/crm/v4/objects/contacts/{contact_id}/associations/default/companies/{company_id}")
    assert response.status == 200
    specs = [r["associationSpec"]["associationTypeId"] for r in response.body["results"]]
    assert specs == [279, 280]
    [stored] = await emulator.associations("contacts", "companies")
    assert stored == {"fromId": contact_id, "toId": company_id, "types": [
        {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}]}
    [inverse] = await emulator.associations("companies", "contacts")
    assert inverse["types"][0]["typeId"] == 280


async def test_labeled_association_and_read(emulator: EmulatorHandle) -> None:
    contact_id, company_id = await _records(emulator)
    response = await emulator.call(
        "PUT", f"/crm/v4/objects/contacts/{contact_id}/associations/companies/{company_id}",
        [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}])
    assert response.status == 201
    assert response.body["labels"] == ["Primary"]
    read = await emulator.call("GET", f"/crm/v4/objects/contacts/{contact_id}/associations/"
                                      "companies")
    [item] = read.body["results"]
    assert item["toObjectId"] == int(company_id)
    assert {t["typeId"] for t in item["associationTypes"]} == {1, 279}


async def test_association_to_missing_record_is_404(emulator: EmulatorHandle) -> None:
    contact_id, _ = await _records(emulator)
    response = await emulator.call(
        "PUT", f"/crm/v4/objects/contacts/{contact_id}/associations/default/companies/999")
    assert response.status == 404
    assert response.body["category"] == "OBJECT_NOT_FOUND"
    assert response.body["subCategory"] == "crm.associations.TO_OBJECT_NOT_FOUND"
    assert response.body["message"] == "No company with ID 999 exists"


async def test_batch_endpoints_use_their_own_bucket_and_log_pairs(
        emulator: EmulatorHandle) -> None:
    contact_id, company_id = await _records(emulator)
    pair = {"from": {"id": contact_id}, "to": {"id": company_id}}
    created = await emulator.call("POST", f"{V4}/batch/associate/default", {"inputs": [pair]})
    assert created.status == 200
    assert created.headers["X-HubSpot-RateLimit-Max"] == "150"
    read = await emulator.call("POST", f"{V4}/batch/read", {"inputs": [{"id": contact_id}]})
    assert read.body["results"][0]["to"][0]["toObjectId"] == int(company_id)
    log = await emulator.requests(path_prefix="/crm/v4/")
    assert log[0]["bucket"] == "associations"
    assert log[0]["associations"] == [{"from": contact_id, "to": company_id}]
    archived = await emulator.call("POST", f"{V4}/batch/archive", {"inputs": [
        {"from": {"id": contact_id}, "to": [{"id": company_id}]}]})
    assert archived.status == 204
    assert await emulator.associations("contacts", "companies") == []


async def test_batch_create_reports_missing_records_in_207(emulator: EmulatorHandle) -> None:
    contact_id, company_id = await _records(emulator)
    types = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]
    response = await emulator.call("POST", f"{V4}/batch/create", {"inputs": [
        {"from": {"id": contact_id}, "to": {"id": company_id}, "types": types},
        {"from": {"id": contact_id}, "to": {"id": "999"}, "types": types}]})
    assert response.status == 207
    assert len(response.body["results"]) == 1
    assert response.body["errors"][0]["subCategory"] == "crm.associations.TO_OBJECT_NOT_FOUND"


async def test_user_defined_labels_get_allocated_ids(emulator: EmulatorHandle) -> None:
    contact_id, company_id = await _records(emulator)
    created = await emulator.call("POST", f"{V4}/labels", {
        "name": "billing_contact", "label": "Billing contact", "inverseLabel": "Billed company"})
    forward, backward = created.body["results"]
    assert forward["category"] == "USER_DEFINED"
    assert forward["typeId"] > 100
    assert backward["typeId"] != forward["typeId"]
    labels = await emulator.call("GET", f"{V4}/labels")
    assert {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None} in labels.body["results"]
    types = [{"associationCategory": "USER_DEFINED", "associationTypeId": forward["typeId"]}]
    made = await emulator.call("POST", f"{V4}/batch/create", {"inputs": [
        {"from": {"id": contact_id}, "to": {"id": company_id}, "types": types}]})
    assert made.status == 201
    assert made.body["results"][0]["labels"] == ["Billing contact"]
    removed = await emulator.call("POST", f"{V4}/batch/labels/archive", {"inputs": [
        {"from": {"id": contact_id}, "to": {"id": company_id}, "types": types}]})
    assert removed.status == 204
    [left] = await emulator.associations("contacts", "companies")
    assert [t["typeId"] for t in left["types"]] == [279]


async def test_legacy_v3_put_associates(emulator: EmulatorHandle) -> None:
    contact_id, company_id = await _records(emulator)
    response = await emulator.call(
        "PUT", f"/crm/v3/objects/companies/{company_id}/associations/contacts/{contact_id}/"
               "company_to_contact")
    assert response.status == 200
    [stored] = await emulator.associations("companies", "contacts")
    assert stored["types"][0]["typeId"] == 280
