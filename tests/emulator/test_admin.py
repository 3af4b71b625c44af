"""The /_emulator/ admin API: stats, request log, reset, clock, snapshot, CLI subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.emulator import EmulatorHandle, run_emulator_process

UPSERT = "/crm/v3/objects/contacts/batch/upsert"


async def _upsert(emulator: EmulatorHandle, *emails: str) -> None:
    inputs = [{"id": e, "idProperty": "email", "properties": {}} for e in emails]
    response = await emulator.call("POST", UPSERT, {"inputs": inputs})
    assert response.status == 200


async def test_stats_count_per_endpoint_class_and_status(emulator: EmulatorHandle) -> None:
    await _upsert(emulator, "a@example.com", "b@example.com")
    await emulator.call("GET", "/crm/v3/objects/contacts/999")
    stats = await emulator.stats()
    assert stats["requests_total"] == 2
    assert stats["by_endpoint"]["crm.batch.upsert"] == {"200": 1}
    assert stats["by_endpoint"]["crm.object.read"] == {"404": 1}
    assert stats["max_rolling_10s"]["crm"] == {"max": 2, "by_app": {"private-1": 2}}
    assert stats["daily"]["used"] == 2


async def test_request_log_orders_writes_with_record_ids(emulator: EmulatorHandle) -> None:
    await _upsert(emulator, "a@example.com")
    await _upsert(emulator, "b@example.com")
    log = await emulator.requests()
    assert [entry["seq"] for entry in log] == [1, 2]
    first, second = log
    assert first["endpoint"] == "crm.batch.upsert"
    assert first["bucket"] == "crm"
    assert first["app"] == "private-1"
    assert first["object_type"] == "0-1"
    assert first["inputs"] == 1
    [stored_a, stored_b] = await emulator.objects("contacts")
    assert first["record_ids"] == [stored_a["id"]]
    assert second["record_ids"] == [stored_b["id"]]
    assert [e["seq"] for e in await emulator.requests(after_seq=1)] == [2]


async def test_request_log_keeps_written_properties_when_asked(emulator: EmulatorHandle) -> None:
    await _upsert(emulator, "a@example.com")
    assert "properties" not in (await emulator.requests())[0]
    await emulator.settings(log_written_properties=True)
    inputs = [{"id": e, "idProperty": "email", "properties": {"firstname": name}}
              for e, name in (("a@example.com", "Ada"), ("b@example.com", "Bob"))]
    assert (await emulator.call("POST", UPSERT, {"inputs": inputs})).status == 200
    response = await emulator.call("PATCH", "/crm/v3/objects/contacts/a@example.com"
                                   "?idProperty=email", {"properties": {"firstname": "Ann"}})
    assert response.status == 200
    batch, single = (await emulator.requests())[1:]
    assert [p["firstname"] for p in batch["properties"]] == ["Ada", "Bob"]
    assert single["properties"] == [{"firstname": "Ann"}]


async def test_reset_stats_keeps_data_and_reset_all_clears_it(emulator: EmulatorHandle) -> None:
    await _upsert(emulator, "a@example.com")
    await emulator.reset("stats")
    assert (await emulator.stats())["requests_total"] == 0
    assert len(await emulator.objects("contacts")) == 1
    await emulator.reset()
    assert await emulator.objects("contacts") == []


async def test_clock_can_be_set_frozen_and_advanced(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-01-01T00:00:00Z", frozen=True)
    moved = await emulator.advance_clock(90)
    assert moved["now"] == "2026-01-01T00:01:30.000Z"
    assert moved["frozen"] is True


async def test_snapshot_restores_records_and_indexes(emulator: EmulatorHandle) -> None:
    await _upsert(emulator, "a@example.com")
    snapshot = await emulator.admin("GET", "snapshot")
    await emulator.reset()
    await emulator.admin("POST", "snapshot", snapshot)
    [stored] = await emulator.objects("contacts")
    by_email = await emulator.call("GET", "/crm/v3/objects/contacts/a@example.com?idProperty=email")
    assert by_email.body["id"] == stored["id"]


async def test_cli_process_serves_and_prints_its_url_first() -> None:
    with run_emulator_process(plan="starter", tokens=["pat-na1-cli"],
                              extra_args=["--portal-id", "42"]) as emulator:
        assert emulator.base_url.startswith("http://127.0.0.1:")
        assert emulator.portal_id == 42
        response = await emulator.call("GET", "/crm/v3/objects/contacts")
        assert response.status == 200
        assert response.headers["X-HubSpot-RateLimit-Max"] == "100"
        assert emulator.process is not None
        assert emulator.process.lines[0].startswith("listening=http://127.0.0.1:")


async def test_cli_state_file_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    args = ["--state-file", str(state_file)]
    with run_emulator_process(extra_args=args) as emulator:
        await _upsert(emulator, "kept@example.com")
    with run_emulator_process(extra_args=args) as emulator:
        [stored] = await emulator.objects("contacts")
        assert stored["properties"]["email"] == "kept@example.com"
