"""Alert rules: `promtool check rules`, and `promtool test rules` per alert with series that make
it fire and series that keep it silent; one source for compose and the PrometheusRule."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.deploy.alert_rules import (
    PROMETHEUS_RULE_FILE,
    RULES_FILE,
    alerts,
    prometheus_rule_text,
)
from tests.fixtures.process import REPO_ROOT

ACME = {"destination": "acme"}


@dataclass(frozen=True)
class Case:
    """Input series (name{labels} -> promtool expanding notation) and the alert expected."""

    alert: str
    series: dict[str, str]
    eval_minutes: int
    fires: bool
    labels: dict[str, str] = field(default_factory=dict)


def lag(values: str) -> dict[str, str]:
    return {'hubspot_stream_consumer_lag_records{destination="acme",topic="segment.events",'
            'partition="0"}': values}


def outcomes(failed_per_minute: str) -> dict[str, str]:
    base = 'hubspot_stream_outcomes_total{destination="acme",action="upsert_contact",'
    return {base + 'status="delivered",reason=""}': "0+90x60",
            base + 'status="failed",reason="validation"}': f"0+{failed_per_minute}x60"}


RECEIVED = {'hubspot_stream_consumer_lag_records{destination="acme",topic="in",partition="0"}':
            "250x40"}
EPOCH = 'hubspot_stream_last_epoch_timestamp_seconds{destination="acme",lane="user"}'
PAUSES = ('hubspot_stream_delivery_pauses_total{destination="acme",action="upsert_contact",'
          'kind="RetryableError"}')
RATE_LIMITED = 'hubspot_stream_hubspot_429_total{bucket="crm",policy="TEN_SECONDLY_ROLLING"}'
PAUSED = 'hubspot_stream_lane_paused{destination="acme",lane="user",kind="%s"}'
CASES = [
    Case("HubSpotStreamNoProgress", {EPOCH: "0x40", **RECEIVED}, 30, True, ACME),
    Case("HubSpotStreamNoProgress", {EPOCH: "0+60x40", **RECEIVED}, 30, False),
    Case("HubSpotStreamFailureRatio", outcomes("10"), 40, True, ACME),
    Case("HubSpotStreamFailureRatio", outcomes("1"), 40, False),
    Case("HubSpotStreamRateLimited", {RATE_LIMITED: "0+5x40"}, 30, True,
         {"policy": "TEN_SECONDLY_ROLLING"}),
    Case("HubSpotStreamRateLimited", {RATE_LIMITED: "0+0.5x40"}, 30, False),
    Case("HubSpotStreamDailyBudgetLow", {"hubspot_stream_daily_budget_remaining_ratio": "0.05x20"},
         15, True),
    Case("HubSpotStreamDailyBudgetLow", {"hubspot_stream_daily_budget_remaining_ratio": "0.5x20"},
         15, False),
    Case("HubSpotStreamParkedUntilMidnight",
         {"hubspot_stream_budget_parked_until_timestamp_seconds": "100000x20"}, 10, True),
    Case("HubSpotStreamParkedUntilMidnight",
         {"hubspot_stream_budget_parked_until_timestamp_seconds": "0x20"}, 10, False),
    Case("HubSpotStreamFatalAuth", {PAUSED % "fatal": "1x10"}, 5, True, {**ACME, "lane": "user"}),
    Case("HubSpotStreamFatalAuth", {PAUSED % "retryable": "1x10"}, 5, False),
    Case("HubSpotStreamRedisUnreachable", {"hubspot_stream_budget_fallback": "1x10"}, 5, True),
    Case("HubSpotStreamRedisUnreachable", {"hubspot_stream_budget_fallback": "0x10",
         'hubspot_stream_lane_memory_degraded{destination="acme"}': "0x10"}, 5, False),
    Case("HubSpotStreamConsumerLagGrowing", lag("0+100x60"), 50, True,
         {**ACME, "topic": "segment.events"}),
    Case("HubSpotStreamConsumerLagGrowing", lag("5000x60"), 50, False),
    Case("HubSpotStreamDeliveryPaused", {PAUSES: "0+1x40"}, 30, True,
         {**ACME, "kind": "RetryableError"}),
    Case("HubSpotStreamDeliveryPaused", {PAUSES: "0+0.2x40"}, 30, False),
]


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        message = "promtool is not installed (make test installs Debian's prometheus package)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_promtool(*args: str) -> None:
    done = subprocess.run([promtool(), *args], capture_output=True, text=True, check=False,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def expected_annotations(alert: str, labels: dict[str, str]) -> dict[str, str]:
    """The rule's annotations with `{{ $labels.x }}` filled in as Prometheus renders them."""
    return {key: re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], text)
            for key, text in alerts()[alert]["annotations"].items()}


def promtool_test(case: Case) -> dict[str, object]:
    labels = {**case.labels, **alerts()[case.alert]["labels"]}
    expected = [{"exp_labels": labels,
                 "exp_annotations": expected_annotations(case.alert, labels)}] if case.fires else []
    return {"rule_files": [str(RULES_FILE)], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": name, "values": values}
                         for name, values in case.series.items()],
        "alert_rule_test": [{"eval_time": f"{case.eval_minutes}m", "alertname": case.alert,
                             "exp_alerts": expected}]}]}


def test_promtool_check_rules_accepts_the_file() -> None:
    run_promtool("check", "rules", str(RULES_FILE))


def case_id(case: Case) -> str:
    return f"{case.alert}-{'fires' if case.fires else 'silent'}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_alert(case: Case, tmp_path: Path) -> None:
    test_file = tmp_path / "alert.test.yaml"
    test_file.write_text(yaml.safe_dump(promtool_test(case), sort_keys=False))
    run_promtool("test", "rules", str(test_file))


def test_every_alert_has_a_firing_and_a_silent_case() -> None:
    covered = {(case.alert, case.fires) for case in CASES}
    assert covered == {(name, fires) for name in alerts() for fires in (True, False)}


def test_every_alert_has_severity_summary_description_and_a_runbook_section() -> None:
    operations = (REPO_ROOT / "docs" / "operations.md").read_text()
    anchors = {re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
               for line in operations.splitlines() if line.startswith("#")}
    for name, rule in alerts().items():
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        assert {"summary", "description", "runbook_url"} <= set(rule["annotations"]), name
        page, anchor = rule["annotations"]["runbook_url"].split("#")
        assert page == "docs/operations.md" and anchor in anchors, (name, anchor)


def test_the_prometheus_rule_carries_the_rules_file() -> None:
    assert PROMETHEUS_RULE_FILE.read_text() == prometheus_rule_text(), (
        "regenerate: .venv/bin/python -m tests.deploy.alert_rules --write")


def test_compose_prometheus_config_is_valid_and_loads_the_rules_file(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO_ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    mounts = {target.removesuffix(":ro"): source for source, _, target in (
        volume.partition(":") for volume in yaml.safe_load(
            (REPO_ROOT / "docker-compose.yml").read_text())["services"]["prometheus"]["volumes"])}
    assert mounts[config["rule_files"][0]] == "./deploy/prometheus/alerts.rules.yaml"
    config["rule_files"] = [str(RULES_FILE)]  # where compose mounts it, here in the repo
    local = tmp_path / "prometheus.yml"
    local.write_text(yaml.safe_dump(config))
    run_promtool("check", "config", str(local))
