"""The demo's live view: outcomes read from the outcome topics, HubSpot use from the emulator."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import Consumer


@dataclass
class DemoStatus:
    """Counts outcomes as they arrive; `line()` is the one-line status."""

    bootstrap: str
    topics: list[str]
    emulator_url: str | None
    limit_per_10s: int
    produced: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_reason: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, Any]] = field(default_factory=list)
    hubspot: dict[str, Any] = field(default_factory=dict)
    last_print: float = 0.0

    def __post_init__(self) -> None:
        self.consumer = Consumer({"bootstrap.servers": self.bootstrap,
                                  "group.id": f"demo-status-{uuid.uuid4().hex[:8]}",
                                  "auto.offset.reset": "earliest"})
        self.consumer.subscribe(self.topics)

    def poll(self, seconds: float) -> list[dict[str, Any]]:
        """Read the outcomes available now; returns the new ones."""
        fresh = []
        for message in self.consumer.consume(2000, seconds):
            value = message.value()
            if message.error() is None and value:
                outcome = json.loads(value)
                fresh.append(outcome)
                self.by_status[outcome["status"]] += 1
                if outcome.get("error"):
                    self.by_reason[outcome["error"]["reason"]] += 1
        self._refresh_hubspot()
        return fresh

    def _refresh_hubspot(self) -> None:
        if not self.emulator_url:
            return
        try:
            with urllib.request.urlopen(f"{self.emulator_url}/_emulator/stats", timeout=5) as r:
                self.hubspot = json.loads(r.read())
        except OSError:
            pass

    def line(self) -> str:
        """events in, outcomes by status, HubSpot calls, budget use."""
        outcomes = " ".join(f"{status}={count}" for status, count in sorted(
            self.by_status.items())) or "none yet"
        text = f"events produced={self.produced} | outcomes {outcomes}"
        if self.hubspot:
            peak = self.hubspot["max_rolling_10s"]["crm"]["max"]
            text += (f" | HubSpot calls={self.hubspot['requests_total']}"
                     f" 429s={self.hubspot['by_status'].get('429', 0)}"
                     f" | CRM budget peak {peak}/{self.limit_per_10s} per 10 s")
        return text

    def summary(self) -> str:
        """The closing report."""
        reasons = ", ".join(f"{r}={n}" for r, n in self.by_reason.most_common()) or "none"
        return "\n".join([
            "summary:",
            f"  events produced      {self.produced}",
            f"  outcomes             {sum(self.by_status.values())} "
            f"({', '.join(f'{s}={n}' for s, n in sorted(self.by_status.items()))})",
            f"  failure reasons      {reasons}",
            *([f"  HubSpot calls        {self.hubspot['requests_total']} "
               f"(429s: {self.hubspot['by_status'].get('429', 0)})",
               f"  CRM budget peak      {self.hubspot['max_rolling_10s']['crm']['max']} of "
               f"{self.limit_per_10s} per rolling 10 s"] if self.hubspot else []),
        ])

    def close(self) -> None:
        self.consumer.close()
