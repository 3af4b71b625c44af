"""The checkers every fault scenario runs: outcomes, HubSpot end state, write order, recovery."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.events import Expectation
from tests.fixtures.pipeline import OutcomeReader

Source = tuple[int, int]  # (partition, offset) of an input record
REPORT_FILE_ENV = "FAULT_REPORT_FILE"


@dataclass
class Report:
    """What one scenario run measured; `assert_promise` fails with all of it."""

    scenario: str
    outcomes: int = 0
    missing: int = 0
    duplicates: int = 0
    undelivered: int = 0
    stale_writes: int = 0
    state_differences: list[str] = field(default_factory=list)
    recovery_seconds: float | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    repeated: list[Source] = field(default_factory=list)  # (partition, offset) with a repeat

    def summary(self) -> str:
        """One line with every figure (printed, and appended to $FAULT_REPORT_FILE)."""
        recovery = ("never" if self.recovery_seconds is None
                    else f"{self.recovery_seconds:.1f}s")
        return (f"FAULT {self.scenario}: outcomes={self.outcomes} missing={self.missing} "
                f"duplicates={self.duplicates} undelivered={self.undelivered} "
                f"stale_writes={self.stale_writes} "
                f"state_differences={len(self.state_differences)} recovery={recovery} "
                f"statuses={self.statuses} notes={self.notes} "
                f"first_differences={self.state_differences[:3]}")

    def publish(self) -> None:
        print(self.summary())
        path = os.environ.get(REPORT_FILE_ENV)
        if path:
            with Path(path).open("a") as file:
                file.write(json.dumps(asdict(self)) + "\n")

    def assert_promise(self, acked_at_kill: Mapping[int, int] | None = None) -> None:
        """Exactly one outcome per (event, mapping) and per hostile record, every valid event
        delivered, HubSpot equal to the fault-free end state, no older write after a newer.
        `acked_at_kill`: after a kill -9, the input's committed offset per partition when the
        worker died; outcomes may repeat only for records at or after it (at-least-once:
        records whose epochs had published outcomes but were not acked yet,
        topics/README.md); never a missing one, never a repeat of an acked record."""
        self.publish()
        acked = acked_at_kill or {}
        repeats_of_acked = [source for source in self.repeated
                            if acked_at_kill is None or source[1] < acked.get(source[0], 0)]
        assert (self.missing, len(repeats_of_acked), self.undelivered,
                self.stale_writes, len(self.state_differences)) == (
            0, 0, 0, 0, 0), f"{self.summary()} repeats_of_acked={repeats_of_acked[:5]}"


def tally_outcomes(report: Report, expected: Expectation, hostile: set[Source],
                   records: list[dict[str, Any]]) -> None:
    """Missing and duplicate outcomes: per (message id, mapping) for valid events, per source
    record for hostile ones; valid events must all be `delivered`."""
    per_pair: Counter[tuple[str, str]] = Counter()
    per_source: Counter[Source] = Counter()
    source_of: dict[tuple[str, str], Source] = {}
    for record in records:
        pair = (record["message_id"], record["mapping"])
        if pair in expected.pairs:
            per_pair[pair] += 1
            source_of[pair] = (record["source"]["partition"], record["source"]["offset"])
            if record["status"] != "delivered":
                report.undelivered += 1
                report.notes.setdefault("undelivered_example", (
                    record["mapping"], (record.get("error") or {}).get("message", "")[:200]))
        source = (record["source"]["partition"], record["source"]["offset"])
        if source in hostile:
            per_source[source] += 1
    report.outcomes = len(records)
    report.statuses = dict(Counter(
        f"{r['status']}:{(r.get('error') or {}).get('reason', '')}".rstrip(":")
        for r in records))
    report.missing = (len(expected.pairs - set(per_pair)) + len(hostile - set(per_source)))
    report.duplicates = sum(n - 1 for n in [*per_pair.values(), *per_source.values()] if n > 1)
    report.repeated = sorted({*(source_of[pair] for pair, n in per_pair.items() if n > 1),
                              *(source for source, n in per_source.items() if n > 1)})


def complete(expected: Expectation, hostile: set[Source], reader: OutcomeReader) -> bool:
    """Every expected outcome is there (duplicates are judged later)."""
    reader.poll()
    pairs = {(r["message_id"], r["mapping"]) for r in reader.records}
    sources = {(r["source"]["partition"], r["source"]["offset"]) for r in reader.records}
    return expected.pairs <= pairs and hostile <= sources


def await_recovery(report: Report, expected: Expectation, hostile: set[Source],
                   reader: OutcomeReader, fault_ended: float, timeout_seconds: float,
                   settle_seconds: float = 3.0) -> None:
    """Wait (at most `timeout_seconds` after the fault ended) for every outcome; the recovery
    time is from the fault's end until then. Then wait `settle_seconds` for duplicates."""
    deadline = fault_ended + timeout_seconds
    while time.monotonic() < deadline:
        if complete(expected, hostile, reader):
            report.recovery_seconds = max(0.0, time.monotonic() - fault_ended)
            break
    end = time.monotonic() + settle_seconds
    while time.monotonic() < end:
        reader.poll(0.5)
    tally_outcomes(report, expected, hostile, reader.records)


def state_differences(expected: Expectation, view: dict[str, Any]) -> list[str]:
    """How HubSpot differs from the fault-free end state (contacts, companies, links)."""
    differences: list[str] = []
    contacts = {c["properties"].get("email"): c for c in view["contacts"]}
    for email, properties in expected.contacts.items():
        found = contacts.get(email)
        actual = {k: found["properties"].get(k) for k in properties} if found else None
        if actual != properties:
            differences.append(f"contact {email}: {actual} != {properties}")
    extra = set(contacts) - set(expected.contacts)
    differences += [f"unexpected contact {email}" for email in sorted(extra, key=str)]
    companies = {c["properties"].get("segment_group_id"): c for c in view["companies"]}
    for group, name in expected.companies.items():
        actual_name = companies[group]["properties"].get("name") if group in companies else None
        if actual_name != name:
            differences.append(f"company {group}: name {actual_name!r} != {name!r}")
    email_of = {str(c["id"]): email for email, c in contacts.items()}
    group_of = {str(c["id"]): group for group, c in companies.items()}
    links = {(email_of.get(str(a["fromId"])), group_of.get(str(a["toId"])))
             for a in view["associations"]}
    differences += [f"missing association {link}" for link in sorted(expected.links - links)]
    return differences


def stale_writes(view: dict[str, Any], counter: str = "segment_seq") -> int:
    """Contact writes (in the emulator's apply order) that set the counter below a value
    already written for that contact: an older identify written after a newer one."""
    highest: dict[str, int] = {}
    stale = 0
    for entry in view["requests"]:
        if entry.get("object_type") != "0-1" or not 200 <= entry["status"] < 300:
            continue
        for record_id, written in zip(entry.get("record_ids") or [],
                                      entry.get("properties") or [], strict=False):
            value = written.get(counter)
            if not value:
                continue
            if int(value) < highest.get(str(record_id), 0):
                stale += 1
            highest[str(record_id)] = max(highest.get(str(record_id), 0), int(value))
    return stale
