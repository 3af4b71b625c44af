"""The error taxonomy, from a table: what each HubSpot answer leads to."""

from __future__ import annotations

import aiohttp
import pytest

from stream.errors import Reason
from stream.hubspot.decision import (
    Decision,
    Done,
    GiveUp,
    Refresh,
    Retry,
    backoff_seconds,
    decide,
    decide_exception,
    wait_seconds,
)

TEN = {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}


@pytest.mark.parametrize(("status", "headers", "body", "expected"), [
    (200, {}, {"results": []}, Done()),
    (207, {}, {"errors": []}, Done()),
    (400, {}, {"category": "VALIDATION_ERROR"}, Done()),
    (403, {}, {"category": "MISSING_SCOPES"}, Done()),
    (404, {}, {"category": "OBJECT_NOT_FOUND"}, Done()),
    (409, {}, {"category": "CONFLICT"}, Done()),
    (423, {}, None, Retry(Reason.HUBSPOT_UNAVAILABLE, minimum_seconds=2.0)),
    (429, TEN, {"policyName": "TEN_SECONDLY_ROLLING"},
     Retry(Reason.RATE_LIMITED, 10.0, "TEN_SECONDLY_ROLLING")),
    (429, {}, {"policyName": "SECONDLY"}, Retry(Reason.RATE_LIMITED, 1.0, "SECONDLY")),
    (429, {}, {"policyName": "DAILY"}, Retry(Reason.RATE_LIMITED, None, "DAILY")),
    (429, {"Retry-After": "3"}, {"policyName": "SECONDLY"},
     Retry(Reason.RATE_LIMITED, 3.0, "SECONDLY")),
    (500, {}, None, Retry(Reason.HUBSPOT_UNAVAILABLE)),
    (502, {}, None, Retry(Reason.HUBSPOT_UNAVAILABLE)),
    (503, {}, None, Retry(Reason.HUBSPOT_UNAVAILABLE)),
    (504, {}, None, Retry(Reason.HUBSPOT_UNAVAILABLE)),
    (524, {}, None, Retry(Reason.HUBSPOT_UNAVAILABLE)),
    (401, {}, {"category": "EXPIRED_AUTHENTICATION"}, Refresh()),
    (401, {}, {"category": "INVALID_AUTHENTICATION"},
     GiveUp(Reason.AUTH, "HubSpot answered 401 INVALID_AUTHENTICATION")),
])
def test_each_answer_leads_to_its_decision(status: int, headers: dict[str, str],
                                           body: object, expected: Decision) -> None:
    assert decide(status, headers, body) == expected


@pytest.mark.parametrize(("error", "reason"), [
    (TimeoutError(), Reason.TIMEOUT),
    (aiohttp.ServerDisconnectedError(), Reason.HUBSPOT_UNAVAILABLE),
    (aiohttp.ClientOSError(104, "Connection reset by peer"), Reason.HUBSPOT_UNAVAILABLE),
    (ConnectionResetError(), Reason.HUBSPOT_UNAVAILABLE),
])
def test_timeouts_and_resets_are_retried(error: BaseException, reason: Reason) -> None:
    assert decide_exception(error) == Retry(reason)


def test_a_bug_is_not_taken_for_a_network_error() -> None:
    with pytest.raises(KeyError):
        decide_exception(KeyError("x"))


def test_backoff_is_capped_full_jitter_and_locked_waits_two_seconds() -> None:
    waits = [backoff_seconds(attempt) for attempt in range(12) for _ in range(20)]
    assert all(0 <= wait <= 8.0 for wait in waits)
    assert max(waits) > 2.0
    locked = Retry(Reason.HUBSPOT_UNAVAILABLE, minimum_seconds=2.0)
    assert all(wait_seconds(locked, 0) >= 2.0 for _ in range(50))
