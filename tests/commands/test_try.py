"""`hubspot-stream try` run as a subprocess: why mappings match or not, the payloads, the
HubSpot requests and answers, and the outcomes, against an emulator over real HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from tests.builders import make_group, make_identify, make_track
from tests.fixtures.emulator import EmulatorHandle, run_emulator_process

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = ROOT / "config" / "examples" / "segment-defaults.yaml"


def try_command(tmp_path: Path, events: list[Any], *extra: str,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    lines = [e if isinstance(e, str) else orjson.dumps(e).decode() for e in events]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUBSPOT_")}
    return subprocess.run(
        [sys.executable, "-m", "stream.cli", "try", "--config", str(DEFAULTS), str(path), *extra],
        check=False, capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**clean, **(env or {})})


def report(completed: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert completed.returncode == 0, completed.stdout + completed.stderr
    parsed: dict[str, Any] = orjson.loads(completed.stdout)
    return parsed


def by_mapping(event: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["mapping"]: entry for entry in event["mappings"]}


def test_default_run_starts_an_emulator_and_explains_every_mapping(tmp_path: Path) -> None:
    identify = make_identify(user_id="u-1", email="ada@example.com",
                             traits={"first_name": "Ada"})
    group = make_group(group_id="g-1", user_id="u-1", traits={"name": "Acme", "website":
                                                               "acme.example"})
    result = report(try_command(tmp_path, [identify, group, "not json"], "--json"))
    assert result["against"].startswith("http://127.0.0.1:")
    first, second, third = result["events"]
    contact = by_mapping(first)["upsert-contact"]
    assert contact["matched"] is True
    assert contact["rendered"]["firstname"] == "Ada"
    assert contact["payload"]["zip"] == "94103"  # test events carry the address
    assert contact["action_payload"]["properties"]["state"] == "CA"  # the action's own payload
    upsert = [r for r in contact["requests"] if r["path"].endswith("/batch/upsert")]
    assert upsert[0]["status"] == 200
    assert upsert[0]["body"]["inputs"][0]["properties"]["state"] == "CA"
    assert contact["outcome"]["status"] == "delivered"
    company = by_mapping(first)["upsert-company"]
    assert company["matched"] is False
    assert company["why_not"] == ['type = "group" is false (type is "identify")']
    associated = by_mapping(second)["upsert-company"]
    assert associated["outcome"]["status"] == "delivered"
    associate = [r for r in associated["requests"] if "/associations/" in r["path"]]
    contact_id = contact["outcome"]["hubspot"]["id"]
    assert associate[0]["body"]["inputs"][0]["to"]["id"] == contact_id
    assert third["invalid"]["error"]["reason"] == "invalid_event"
    assert third["invalid"]["message_id"] == "source:try:0:3"


def test_no_send_stops_at_the_payload(tmp_path: Path) -> None:
    result = report(try_command(tmp_path, [make_identify(email=None)], "--no-send", "--json"))
    contact = by_mapping(result["events"][0])["upsert-contact"]
    assert result["against"] is None
    assert "requests" not in contact
    assert contact["outcome"]["error"]["reason"] == "invalid_payload"
    assert "email" in contact["outcome"]["error"]["message"]


def test_against_a_running_portal_shows_its_answers(tmp_path: Path) -> None:
    track = make_track("Order Completed", properties={"revenue": 25},
                       context={"traits": {"email": "a@example.com"}})
    with run_emulator_process() as emulator:
        asyncio.run(define_order_completed(emulator))
        completed = try_command(tmp_path, [track], "--json", "--against", emulator.base_url,
                                "--token", emulator.token,
                                env={"HUBSPOT_HUB_ID": str(emulator.portal_id)})
        stored = asyncio.run(emulator.admin("GET", "events"))["results"]
    event = by_mapping(report(completed)["events"][0])["send-custom-behavioral-event"]
    assert event["outcome"]["status"] == "delivered", event
    sends = [r for r in event["requests"] if r["path"] == "/events/v3/send/batch"]
    assert sends[0]["body"]["inputs"][0]["properties"] == {"revenue": "25"}
    assert sends[0]["status"] == 204
    assert [o["properties"] for o in stored] == [{"revenue": "25"}]


async def define_order_completed(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", "/events/v3/event-definitions", {
        "name": "order_completed", "label": "Order Completed", "primaryObject": "CONTACT",
        "propertyDefinitions": [{"name": "revenue", "label": "Revenue", "type": "number"}]})
    assert response.status == 201, response.body


def test_text_report_names_the_trigger_clause_that_failed(tmp_path: Path) -> None:
    completed = try_command(tmp_path, [make_track("Signed Up")], "--no-send")
    assert completed.returncode == 0, completed.stderr
    assert 'mapping upsert-contact (upsert_contact), trigger type = "identify": no match' in \
        completed.stdout
    assert '- type = "identify" is false (type is "track")' in completed.stdout
