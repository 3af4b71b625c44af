"""The CLI's error boundary: documented exit codes, no traceback for configuration or environment
mistakes, environment variable names rather than field names, secrets never printed."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from confluent_kafka import KafkaError, KafkaException

from stream.commands.exit_codes import Exit, classify
from stream.errors import FatalError, Reason
from tests.fixtures.process import REPO_ROOT

SECRET = "pat-na1-do-not-print-me-0123456789"


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO_ROOT,
        ) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("HUBSPOT_STREAM_", "KAFKA_"))}
    return subprocess.run([sys.executable, "-m", "stream.cli", *args], cwd=cwd,
                          env={**clean, **(env or {})}, capture_output=True, text=True,
                          timeout=60, check=False)


def test_version_names_the_installed_package() -> None:
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == "hubspot-stream 0.1.0"


def test_a_bad_setting_names_the_environment_variable_without_a_traceback() -> None:
    done = cli("topics", "create", env={"HUBSPOT_STREAM_BATCH_MAX_ITEMS": "500"})
    assert done.returncode == Exit.USAGE
    assert "HUBSPOT_STREAM_BATCH_MAX_ITEMS" in done.stderr
    assert "batch_max_items" not in done.stderr and "Traceback" not in done.stderr
    assert "500" not in done.stderr  # inputs are never echoed


def test_a_bad_kafka_setting_never_prints_the_secrets_around_it() -> None:
    done = cli("topics", "create", env={"KAFKA_SASL_MECHANISM": "SCRAM", "KAFKA_SASL_PASSWORD":
                                        SECRET, "KAFKA_SECURITY_PROTOCOL": SECRET})
    assert done.returncode == Exit.USAGE
    assert "KAFKA_SASL_MECHANISM" in done.stderr and "KAFKA_SECURITY_PROTOCOL" in done.stderr
    assert SECRET not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_a_mistyped_secret_in_a_destination_config_is_not_echoed(tmp_path: Path) -> None:
    config = tmp_path / "destination.yaml"
    config.write_text(f"destination: acme\nhubspot:\n  hub_id: '1'\n  plan: starter\n"
                      f"  auth: {SECRET}\nmappings:\n  - {{id: c, action: upsert_contact, "
                      f"trigger: 'type = \"identify\"'}}\n")
    done = cli("config", "check", str(config))
    assert done.returncode == Exit.CHECK_FAILED
    assert "hubspot.auth" in done.stderr and SECRET not in done.stdout + done.stderr
    worker = cli("worker", "--config", str(config))
    assert worker.returncode == Exit.USAGE and SECRET not in worker.stdout + worker.stderr


def test_usage_errors_exit_2() -> None:
    assert cli("no-such-command").returncode == Exit.USAGE


@pytest.mark.parametrize(("error", "code"), [
    (KafkaException(KafkaError(KafkaError._TRANSPORT)), Exit.UNREACHABLE),
    (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), Exit.UNREACHABLE),
    (TimeoutError("slow"), Exit.UNREACHABLE),
    (FatalError(Reason.AUTH, "401 INVALID_AUTHENTICATION"), Exit.CREDENTIALS),
    (ZeroDivisionError("bug"), Exit.INTERNAL),
])
def test_failures_map_onto_documented_codes(error: Exception, code: Exit) -> None:
    assert classify(error)[0] is code
