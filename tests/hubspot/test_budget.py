"""Budget math with a fake clock: the sliding log never grants more than its limit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stream.hubspot.budget import (
    DAILY_RETRY_SECONDS,
    Bucket,
    Limit,
    LocalBudget,
    bucket_for,
    next_midnight,
    plan_limits,
)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("path", "bucket"), [
    ("/crm/v3/objects/contacts/batch/upsert", Bucket.CRM),
    ("/crm/v3/objects/contacts/search", Bucket.SEARCH),
    ("/crm/v4/associations/contacts/companies/batch/associate/default", Bucket.ASSOCIATIONS),
    ("/events/v3/send/batch", Bucket.EVENTS),
    ("/crm/v3/properties/contacts", Bucket.CRM),
])
def test_paths_count_against_hubspots_buckets(path: str, bucket: Bucket) -> None:
    assert bucket_for(path) == bucket


def test_plan_limits_pace_the_whole_per_app_window_by_default() -> None:
    limits = plan_limits(100, 5)
    assert limits[Bucket.CRM] == Limit(100, 10.0)
    assert limits[Bucket.SEARCH] == Limit(4, 1.0)
    assert Bucket.EVENTS not in limits


def test_the_safety_margin_is_a_setting() -> None:
    from stream.settings import WorkerSettings

    safety = WorkerSettings(rate_safety=0.95).rate_safety
    assert plan_limits(190, 5, safety)[Bucket.ASSOCIATIONS] == Limit(180, 10.0)
    assert plan_limits(100, 5, 0.99)[Bucket.CRM] == Limit(99, 10.0)
    assert WorkerSettings().rate_safety == 1.0
    with pytest.raises(ValueError, match="rate_safety"):
        WorkerSettings(rate_safety=1.2)


def test_no_rolling_window_ever_holds_more_than_the_limit() -> None:
    clock = Clock()
    budget = LocalBudget({Bucket.CRM: Limit(10, 10.0)}, clock=clock)
    granted: list[float] = []
    for _ in range(200):
        wait = budget.wait_for(Bucket.CRM)
        if wait == 0:
            granted.append(clock.now)
        clock.now += max(wait, 0.137) if wait else 0.137
    assert len(granted) > 20
    assert max(sum(1 for t in granted if start <= t < start + 10.0) for start in granted) == 10


def test_events_are_not_paced_and_a_429_cools_the_bucket_down() -> None:
    clock = Clock()
    budget = LocalBudget(plan_limits(100, 5), clock=clock)
    assert all(budget.wait_for(Bucket.EVENTS) == 0 for _ in range(1000))
    budget.cool_down(Bucket.CRM, 7.0)
    assert budget.wait_for(Bucket.CRM) == pytest.approx(7.0)
    clock.now += 7.0
    assert budget.wait_for(Bucket.CRM) == 0


def test_calls_hubspot_counted_elsewhere_shrink_what_remains() -> None:
    clock = Clock()
    budget = LocalBudget({Bucket.CRM: Limit(95, 10.0)}, clock=clock)
    for _ in range(10):
        assert budget.wait_for(Bucket.CRM) == 0
    # HubSpot says 60 of 100 used: 50 by someone else
    budget.observe(Bucket.CRM, {"X-HubSpot-RateLimit-Max": "100",
                                "X-HubSpot-RateLimit-Remaining": "40"})
    grants = sum(1 for _ in range(100) if budget.wait_for(Bucket.CRM) == 0)
    assert grants == 95 - 50 - 10
    clock.now += 10.0
    assert budget.wait_for(Bucket.CRM) == 0  # the correction expires with the window


def test_daily_exhaustion_parks_until_the_portals_midnight() -> None:
    noon_utc = datetime(2026, 11, 24, 12, 0, tzinfo=UTC).timestamp()
    clock = Clock(noon_utc)
    budget = LocalBudget(plan_limits(100, 5), time_zone="America/New_York", clock=clock)
    budget.observe(Bucket.CRM, {"X-HubSpot-RateLimit-Daily-Remaining": "3"})
    midnight_new_york = datetime(2026, 11, 25, 5, 0, tzinfo=UTC).timestamp()
    assert budget.wait_for(Bucket.CRM) == pytest.approx(
        midnight_new_york + DAILY_RETRY_SECONDS - noon_utc)
    assert next_midnight(noon_utc, "UTC") == datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    clock.now = midnight_new_york + DAILY_RETRY_SECONDS
    assert budget.wait_for(Bucket.CRM) == 0


def test_a_daily_answer_just_after_midnight_is_retried_soon_not_a_day_later() -> None:
    """HubSpot's clock a little behind ours: its day has not turned when ours has."""
    just_after = datetime(2026, 11, 25, 0, 0, 3, tzinfo=UTC).timestamp()
    clock = Clock(just_after)
    budget = LocalBudget(plan_limits(100, 5), clock=clock)
    budget.park_until_midnight()
    assert budget.wait_for(Bucket.CRM) == pytest.approx(DAILY_RETRY_SECONDS)
    clock.now = datetime(2026, 11, 25, 0, 30, tzinfo=UTC).timestamp()
    budget.park_until_midnight()  # half an hour into the day: a real exhaustion
    assert budget.wait_for(Bucket.CRM) == pytest.approx(
        datetime(2026, 11, 26, tzinfo=UTC).timestamp() + DAILY_RETRY_SECONDS - clock.now)


def test_a_worker_share_scales_the_local_limit() -> None:
    budget = LocalBudget({Bucket.CRM: Limit(90, 10.0)}, clock=Clock())
    budget.share = 1 / 3
    assert sum(1 for _ in range(100) if budget.wait_for(Bucket.CRM) == 0) == 30
