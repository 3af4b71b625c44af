"""k8s/: the overlay and the base render with kustomize, every built-in manifest validates
against the Kubernetes schemas (kubernetes-validate, strict), and the worker invariants hold."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from stream.agents.app import app_id_for
from stream.topics.declaration import load_declaration
from tests.deploy.alert_rules import rule_groups
from tests.fixtures.process import REPO_ROOT

KUSTOMIZE = REPO_ROOT / ".tools" / "bin" / "kustomize"
K8S = REPO_ROOT / "k8s"
KUBERNETES_VERSION = "1.33.0"
# Custom resources: kubernetes-validate knows only built-in kinds, and their CRD schemas
# (prometheus-operator, KEDA) are not vendored here; their fields are checked below instead.
CUSTOM_KINDS = {"PodMonitor", "PrometheusRule", "ScaledObject"}


def render(directory: Path) -> list[dict[str, Any]]:
    if not KUSTOMIZE.exists():
        message = "kustomize is not installed (make tools builds it into .tools/bin)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run([str(KUSTOMIZE), "build", str(directory)], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def overlay() -> dict[str, dict[str, Any]]:
    return {doc["kind"]: doc for doc in render(K8S / "overlays" / "example")}


@pytest.mark.parametrize("directory", ["base", "overlays/example"])
def test_every_rendered_manifest_is_valid(directory: str) -> None:
    documents = render(K8S / directory)
    builtin = [doc for doc in documents if doc["kind"] not in CUSTOM_KINDS]
    assert {doc["kind"] for doc in documents} >= CUSTOM_KINDS | {"StatefulSet", "Service"}
    for document in builtin:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_secret_template_is_a_valid_secret() -> None:
    secret = yaml.safe_load((K8S / "base" / "secret.example.yaml").read_text())
    kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
    assert set(secret["stringData"]) == {"HUBSPOT_PRIVATE_APP_TOKEN", "HUBSPOT_HUB_ID"}


def worker_container(statefulset: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = statefulset["spec"]["template"]["spec"]["containers"][0]
    return container


def test_workers_run_locked_down_with_an_emptydir_data_dir(
        overlay: dict[str, dict[str, Any]]) -> None:
    pod = overlay["StatefulSet"]["spec"]["template"]["spec"]
    container = worker_container(overlay["StatefulSet"])
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
        "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
    env = {item["name"]: item for item in container["env"]}
    data_dir = env["HUBSPOT_STREAM_DATA_DIR"]["value"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts[data_dir]]
    assert set(container["resources"]) == {"requests", "limits"}


def test_probes_membership_and_grace(overlay: dict[str, dict[str, Any]]) -> None:
    pod = overlay["StatefulSet"]["spec"]["template"]["spec"]
    container = worker_container(overlay["StatefulSet"])
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    env = {item["name"]: item for item in container["env"]}
    assert env["HUBSPOT_STREAM_CONSUMER_GROUP_INSTANCE_ID"]["valueFrom"] == {
        "fieldRef": {"fieldPath": "metadata.name"}}
    shutdown = float(env["HUBSPOT_STREAM_SHUTDOWN_TIMEOUT_SECONDS"]["value"])
    assert pod["terminationGracePeriodSeconds"] > shutdown
    assert container["envFrom"] == [{"secretRef": {"name": "hubspot-stream"}}]


def test_scaling_stays_within_the_lane_partitions_of_the_destination(
        overlay: dict[str, dict[str, Any]]) -> None:
    scaled = overlay["ScaledObject"]["spec"]
    lanes = load_declaration().by_id("user_lane").partitions
    assert scaled["maxReplicaCount"] == lanes
    assert scaled["scaleTargetRef"]["name"] == overlay["StatefulSet"]["metadata"]["name"]
    destination = yaml.safe_load(overlay["ConfigMap"]["data"]["destination.yaml"])
    trigger = scaled["triggers"][0]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == app_id_for(destination["destination"])
    env = {item["name"]: item.get("value") for item in
           worker_container(overlay["StatefulSet"])["env"]}
    assert trigger["metadata"]["bootstrapServers"] == env["KAFKA_BOOTSTRAP_SERVERS"]


def test_monitoring_selects_the_workers_and_carries_the_alert_rules(
        overlay: dict[str, dict[str, Any]]) -> None:
    labels = overlay["StatefulSet"]["spec"]["template"]["metadata"]["labels"]
    for kind in ("PodMonitor", "PodDisruptionBudget"):
        selector = overlay[kind]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items(), kind
    ports = {p["name"] for p in worker_container(overlay["StatefulSet"])["ports"]}
    assert overlay["PodMonitor"]["spec"]["podMetricsEndpoints"][0]["port"] in ports
    assert overlay["PrometheusRule"]["spec"]["groups"] == rule_groups()


@pytest.mark.parametrize("directory", ["base", "overlays/example"])
def test_the_destination_config_is_a_valid_config(directory: str) -> None:
    from stream.commands.config import action_catalog
    from stream.mappings import load_destination

    destination = load_destination(K8S / directory / "destination.yaml", action_catalog(),
                                   require_secrets=False)
    assert destination.id == "acme"
