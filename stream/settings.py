"""Worker settings from the environment, declared once (units in names, secrets never print)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    """How to reach Kafka; the standard librdkafka names where they exist."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "hubspot-stream"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None

    def confluent_config(self) -> dict[str, str]:
        """The settings as confluent-kafka (librdkafka) configuration."""
        config = {"bootstrap.servers": self.bootstrap_servers, "client.id": self.client_id,
                  "security.protocol": self.security_protocol}
        if self.sasl_mechanism:
            config["sasl.mechanism"] = self.sasl_mechanism
        if self.sasl_username is not None:
            config["sasl.username"] = self.sasl_username
        if self.sasl_password is not None:
            config["sasl.password"] = self.sasl_password.get_secret_value()
        if self.ssl_cafile is not None:
            config["ssl.ca.location"] = str(self.ssl_cafile)
        return config

    def faust_broker_url(self) -> str:
        """`kafka://host:port;host:port` as faust expects."""
        hosts = ";".join(h.strip() for h in self.bootstrap_servers.split(","))
        return f"kafka://{hosts}"


def stable_instance_id() -> str | None:
    """A static group membership id where a stable one exists: `POD_NAME` (set it from the pod's
    metadata.name), else the host name of a Kubernetes StatefulSet pod (`name-0`, `name-1`).
    None elsewhere: two local workers on one host must not share an id (the broker would fence
    one), and a random pod name would only leave a stale member until the session timeout."""
    if os.environ.get("POD_NAME"):
        return os.environ["POD_NAME"]
    host = os.environ.get("HOSTNAME", "")
    if os.environ.get("KUBERNETES_SERVICE_HOST") and re.fullmatch(r"[a-z0-9-]+-[0-9]+", host):
        return host
    return None


class WorkerSettings(BaseSettings):
    """Everything a worker reads from its environment (prefix HUBSPOT_STREAM_)."""

    model_config = SettingsConfigDict(env_prefix="HUBSPOT_STREAM_", extra="ignore")

    config_path: Path | None = Field(
        default=None, validation_alias=AliasChoices("HUBSPOT_STREAM_CONFIG", "config_path"))
    batch_max_items: int = Field(default=100, ge=1, le=100)
    batch_max_wait_seconds: float = Field(default=2.0, gt=0)
    max_epochs_in_flight: int = Field(default=32, ge=1)
    max_records_in_flight: int = Field(default=5000, ge=1)
    hubspot_base_url: str | None = None
    redis_url: str | None = None
    portal_time_zone: str = "UTC"
    hubspot_call_budget_seconds: float = Field(default=30.0, gt=0)
    input_topic: str | None = None
    results_topic: str | None = None
    failures_topic: str | None = None
    lane_partitions: int = Field(default=12, ge=1)
    dedup_window_seconds: float = Field(default=86400.0, ge=0)
    data_dir: Path = Path(".run/worker-data")
    web_port: int = Field(default=6066, ge=0)
    web_bind: str = "0.0.0.0"
    web_debug_pages: bool = False
    direct_delivery: bool = True  # stream/delivery/direct.py
    faust_metrics: bool = False  # faust's per-record sensors: ~10 % of a worker's CPU
    consumer_group_instance_id: str | None = Field(default_factory=stable_instance_id)
    rebalance_timeout_seconds: float = Field(default=60.0, gt=0)
    shutdown_timeout_seconds: float = Field(default=25.0, gt=0)
    poison_crash_limit: int = Field(default=3, ge=1)
    fatal_pause_seconds: float = Field(default=60.0, gt=0)
    rate_safety: float = Field(default=1.0, gt=0, le=1)  # share of the plan's window paced
    max_event_bytes: int = Field(default=32768, ge=1)
    # PII in the events kept on lane and failure topics (stream/outcomes/redaction.py)
    redact_fields: str = ""
    redact_mode: Literal["hash", "remove"] = "hash"
    redact_hash_key: SecretStr | None = None

    def topic_overrides(self) -> dict[str, str]:
        """Declared topic ids whose names this environment overrides."""
        names = {"input": self.input_topic, "results": self.results_topic,
                 "failures": self.failures_topic}
        return {topic_id: name for topic_id, name in names.items() if name}
