"""Batch CRM endpoints over real HTTP: limits, duplicates, 207 tracing, upsert, no-op quirk."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle

UPSERT = "/crm/v3/objects/contacts/batch/upsert"


def contact(email: str, **properties: str) -> dict[str, object]:
    return {"id": email, "idProperty": "email", "properties": properties}


async def test_more_than_100_inputs_fail_with_hubspots_message(emulator: EmulatorHandle) -> None:
    inputs = [contact(f"u{i}@example.com") for i in range(101)]
    response = await emulator.call("POST", UPSERT, {"inputs": inputs})
    assert response.status == 400
    assert response.body["category"] == "VALIDATION_ERROR"
    assert response.body["message"] == (
        "The maximum number of inputs supported in a batch is 100. Please reduce the number of "
        "items and try again")
    assert await emulator.objects("contacts") == []


async def test_duplicate_ids_fail_the_whole_request(emulator: EmulatorHandle) -> None:
    inputs = [contact("a@example.com"), contact("b@example.com"), contact("A@example.com")]
    response = await emulator.call("POST", UPSERT, {"inputs": inputs})
    assert response.status == 400
    assert response.body["message"] == ("Duplicate IDs found in batch input: [a@example.com]. "
                                        "IDs must be unique")
    assert response.body["context"] == {"ids": ["a@example.com"]}
    assert await emulator.objects("contacts") == []


async def test_upsert_creates_then_updates_and_reports_new(emulator: EmulatorHandle) -> None:
    first = await emulator.call("POST", UPSERT, {"inputs": [contact("a@example.com",
                                                                    firstname="Ada")]})
    assert first.status == 200
    [created] = first.body["results"]
    assert created["new"] is True
    assert created["properties"]["email"] == "a@example.com"
    second = await emulator.call("POST", UPSERT, {"inputs": [contact("A@example.com",
                                                                     lastname="Lovelace")]})
    [updated] = second.body["results"]
    assert updated["new"] is False
    assert updated["id"] == created["id"]
    [stored] = await emulator.objects("contacts")
    assert stored["properties"]["firstname"] == "Ada"
    assert stored["properties"]["lastname"] == "Lovelace"


async def test_traced_inputs_get_207_with_errors_mapped_to_trace_ids(
        emulator: EmulatorHandle) -> None:
    inputs = [{**contact("ok@example.com", firstname="Ok"), "objectWriteTraceId": "t1"},
              {**contact("bad@example.com", nosuchprop="x"), "objectWriteTraceId": "t2"}]
    response = await emulator.call("POST", UPSERT, {"inputs": inputs})
    assert response.status == 207
    assert [r["objectWriteTraceId"] for r in response.body["results"]] == ["t1"]
    [error] = response.body["errors"]
    assert error["context"]["objectWriteTraceId"] == ["t2"]
    assert error["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    assert response.body["numErrors"] == 1


async def test_untraced_invalid_input_fails_the_whole_batch(emulator: EmulatorHandle) -> None:
    inputs = [contact("ok@example.com"), contact("bad@example.com", nosuchprop="x")]
    response = await emulator.call("POST", UPSERT, {"inputs": inputs})
    assert response.status == 400
    assert response.body["message"].startswith("Property values were not valid: [")
    assert await emulator.objects("contacts") == []


async def test_body_without_inputs_is_a_silent_no_op(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", UPSERT, [contact("a@example.com")][0])
    assert response.status == 200
    assert response.body["status"] == "COMPLETE"
    assert response.body["results"] == []
    assert await emulator.objects("contacts") == []
