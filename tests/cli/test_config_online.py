"""`config check --online` against the emulator: credentials, and each mapping's properties,
event definitions and object types verified with GET calls through the worker's client."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stream.localdev.kafka import free_port
from stream.localdev.sample_events import define_sample_events
from tests.fixtures.emulator import EmulatorHandle, run_emulator_process
from tests.fixtures.process import REPO_ROOT

pytestmark = pytest.mark.integration
CONFIG = """\
destination: acme
hubspot:
  hub_id: "${HUBSPOT_HUB_ID}"
  plan: starter
  auth: {type: private_app, token: "${HUBSPOT_PRIVATE_APP_TOKEN}"}
mappings:
  - id: contacts
    action: upsert_contact
    trigger: type = "identify"
    use_default_mappings: false
    fields:
      email: {"@path": "$.traits.email"}
      firstname: {"@path": "$.traits.first_name"}
      properties: {plan_tier: "$.traits.plan"}
  - id: companies
    action: upsert_company
    trigger: type = "group"
    use_default_mappings: false
    fields: {groupid: "$.groupId", name: "$.traits.name", createNewCompany: true,
             associateContact: true}
  - id: signups
    action: send_custom_behavioral_event
    trigger: type = "track"
    fields:
      eventName: "pe${HUBSPOT_HUB_ID}_signed_up"
      email: "$.context.traits.email"
"""


@pytest.fixture(scope="module")
def emulator_process() -> Iterator[EmulatorHandle]:
    with run_emulator_process(plan="starter") as emulator:
        yield emulator


def check_online(emulator: EmulatorHandle, config: Path, token: str | None = None,
                 ) -> subprocess.CompletedProcess[str]:
    env = {"HUBSPOT_STREAM_HUBSPOT_BASE_URL": emulator.base_url,
           "HUBSPOT_PRIVATE_APP_TOKEN": token or emulator.token,
           "HUBSPOT_HUB_ID": str(emulator.portal_id), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "stream.cli", "config", "check", "--online",
                           str(config)], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def findings(output: str) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for line in output.splitlines():
        verdict, _, rest = line.strip().partition(" ")
        mapping, _, text = rest.strip().partition(": ")
        if verdict in {"ok", "create", "missing", "unchecked"}:
            found.setdefault((verdict, mapping), []).append(text)
    return found


def test_missing_property_and_event_definition_are_named_per_mapping(
        emulator_process: EmulatorHandle, tmp_path: Path) -> None:
    config = tmp_path / "destination.yaml"
    config.write_text(CONFIG)
    done = check_online(emulator_process, config)
    assert done.returncode == 1, done.stdout + done.stderr
    found = findings(done.stdout)
    assert found[("ok", "credentials")] == ["accepted by HubSpot"]
    assert any("plan_tier does not exist" in t for t in found[("missing", "contacts")])
    assert found[("ok", "contacts")] == ["contacts properties exist: email, firstname"]
    assert any("segment_group_id" in t for t in found[("create", "companies")])
    assert any("signed_up does not exist" in t for t in found[("missing", "signups")])


def test_everything_present_passes(emulator_process: EmulatorHandle, tmp_path: Path) -> None:
    config = tmp_path / "destination.yaml"
    config.write_text(CONFIG.replace("plan_tier", "jobtitle")
                      .replace("signed_up", "order_completed"))
    define_sample_events(emulator_process.base_url, emulator_process.token)
    done = check_online(emulator_process, config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not [key for key in findings(done.stdout) if key[0] == "missing"]


def test_a_refused_token_exits_4_without_echoing_it(emulator_process: EmulatorHandle,
                                                    tmp_path: Path) -> None:
    config = tmp_path / "destination.yaml"
    config.write_text(CONFIG)
    done = check_online(emulator_process, config, token="pat-na1-revoked-secret-token")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "HubSpot refused" in done.stderr and "Traceback" not in done.stderr
    assert "revoked-secret-token" not in done.stdout + done.stderr


def test_an_unreachable_hubspot_exits_3(tmp_path: Path) -> None:
    config = tmp_path / "destination.yaml"
    config.write_text(CONFIG)
    env = {"HUBSPOT_STREAM_HUBSPOT_BASE_URL": f"http://127.0.0.1:{free_port()}",
           "HUBSPOT_STREAM_HUBSPOT_CALL_BUDGET_SECONDS": "1", "HUBSPOT_PRIVATE_APP_TOKEN": "t",
           "HUBSPOT_HUB_ID": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "stream.cli", "config", "check", "--online",
                           str(config)], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
