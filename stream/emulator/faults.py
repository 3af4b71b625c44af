"""Fault injection: latency, error statuses, connection resets and scripted sequences."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

FAULT_STATUSES = (423, 429, 500, 502, 503, 504, 524)
SCRIPTED_STATUSES = range(400, 600)  # a script may answer any error status, with any body
POLICIES = ("TEN_SECONDLY_ROLLING", "SECONDLY", "DAILY")


@dataclass(slots=True)
class Fault:
    """What to do to one call: answer `status` (with `body` when a script chose one), `reset`
    the connection, or just delay."""

    kind: str
    status: int = 0
    policy: str = "TEN_SECONDLY_ROLLING"
    delay_ms: float = 0.0
    scripted: bool = False
    body: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        """Name used in the request log and stats (`script:` prefixed when scripted)."""
        name = str(self.status) if self.kind == "status" else self.kind
        return f"script:{name}" if self.scripted else name


class Faults:
    """Current fault settings and the random source that draws from them."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.clear()
        if settings:
            self.merge(settings)

    def clear(self) -> None:
        """No faults at all."""
        self.settings: dict[str, Any] = {"latency_ms": None, "error_rates": {},
                                         "reset_rate": 0.0, "error_delay_ms": {},
                                         "path_prefix": "/", "seed": None, "script": []}
        self.random = random.Random()

    def merge(self, changes: dict[str, Any]) -> None:
        """Apply admin/CLI settings; ValueError on unknown keys or statuses."""
        for key, value in changes.items():
            if key not in self.settings:
                raise ValueError(f"unknown fault setting {key!r}")
            if key == "script":
                self.settings["script"].extend(_script_entry(entry) for entry in value)
            elif key == "error_rates":
                rates = {str(status): float(rate) for status, rate in value.items()}
                if any(int(status) not in FAULT_STATUSES for status in rates):
                    raise ValueError(f"error_rates statuses must be among {FAULT_STATUSES}")
                self.settings["error_rates"].update(rates)
            else:
                self.settings[key] = value
        if "seed" in changes:
            self.random = random.Random(changes["seed"])

    @property
    def active(self) -> bool:
        """True when any fault could apply (a fast path for the common case)."""
        s = self.settings
        return bool(s["script"] or s["latency_ms"] or s["reset_rate"]
                    or any(s["error_rates"].values()))

    def draw(self, method: str, path: str) -> tuple[Fault | None, float]:
        """The fault for one call (scripts first) and the latency to add, in ms."""
        scripted = self._scripted(method, path)
        if scripted is not None:
            return scripted, scripted.delay_ms
        if not path.startswith(self.settings["path_prefix"]):
            return None, 0.0
        latency = self._latency_ms()
        if self.random.random() < self.settings["reset_rate"]:
            return Fault("reset"), latency
        for status, rate in self.settings["error_rates"].items():
            if rate and self.random.random() < rate:
                delay = float(self.settings["error_delay_ms"].get(status, 0))
                return Fault("status", int(status), delay_ms=delay), latency + delay
        return (Fault("latency") if latency else None), latency

    def _scripted(self, method: str, path: str) -> Fault | None:
        script: list[dict[str, Any]] = self.settings["script"]
        for entry in script:
            if not path.startswith(entry["path_prefix"]):
                continue
            if entry.get("method") and entry["method"].upper() != method:
                continue
            entry["times"] -= 1
            if entry["times"] <= 0:
                script.remove(entry)
            if "status" in entry:
                return Fault("status", int(entry["status"]), entry.get("policy",
                             "TEN_SECONDLY_ROLLING"), float(entry.get("delay_ms", 0)), True,
                             entry.get("body"))
            return Fault(entry["action"], delay_ms=float(entry.get("delay_ms", 0)), scripted=True)
        return None

    def _latency_ms(self) -> float:
        spec = self.settings["latency_ms"]
        if not spec:
            return 0.0
        kind = spec.get("distribution", "fixed")
        if kind == "uniform":
            return self.random.uniform(float(spec["min"]), float(spec["max"]))
        if kind == "exponential":
            value = self.random.expovariate(1.0 / float(spec["mean"]))
            return min(value, float(spec.get("max", value)))
        return float(spec.get("value", 0))


def _script_entry(entry: dict[str, Any]) -> dict[str, Any]:
    result = {"path_prefix": entry.get("path_prefix", "/"), "times": int(entry.get("times", 1)),
              **{k: v for k, v in entry.items() if k not in ("path_prefix", "times")}}
    if "status" not in result and result.get("action") not in ("reset", "latency"):
        raise ValueError("a script entry needs `status` or `action` (reset | latency)")
    if "status" in result and int(result["status"]) not in SCRIPTED_STATUSES:
        raise ValueError("scripted status must be an error status (400-599)")
    if "body" in result and ("status" not in result or not isinstance(result["body"], dict)):
        raise ValueError("a script entry's `body` must be a JSON object, next to a `status`")
    if result.get("policy", POLICIES[0]) not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}")
    return result
