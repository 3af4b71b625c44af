"""The alert rules file and the PrometheusRule generated from it (`--write` regenerates it)."""

from __future__ import annotations

import sys
from typing import Any

import yaml

from tests.fixtures.process import REPO_ROOT

RULES_FILE = REPO_ROOT / "deploy" / "prometheus" / "alerts.rules.yaml"
PROMETHEUS_RULE_FILE = REPO_ROOT / "k8s" / "base" / "prometheus-rule.yaml"
HEADER = ("# Generated from deploy/prometheus/alerts.rules.yaml (the one source; edit that file)\n"
          "# by `.venv/bin/python -m tests.deploy.alert_rules --write`.\n")


def rule_groups() -> list[dict[str, Any]]:
    """The groups of the rules file."""
    groups: list[dict[str, Any]] = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return groups


def alerts() -> dict[str, dict[str, Any]]:
    """Every alerting rule by name."""
    return {rule["alert"]: rule for group in rule_groups() for rule in group["rules"]
            if "alert" in rule}


def prometheus_rule_text() -> str:
    """The PrometheusRule (prometheus-operator) carrying the same groups."""
    document = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                "metadata": {"name": "hubspot-stream",
                             "labels": {"app.kubernetes.io/name": "hubspot-stream"}},
                "spec": {"groups": rule_groups()}}
    return HEADER + yaml.safe_dump(document, sort_keys=False, width=100, allow_unicode=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        PROMETHEUS_RULE_FILE.parent.mkdir(parents=True, exist_ok=True)
        PROMETHEUS_RULE_FILE.write_text(prometheus_rule_text())
    else:
        sys.stdout.write(prometheus_rule_text())
