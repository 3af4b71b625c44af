"""Unit tests of the sliding-log limiter and the portal day (no HTTP, explicit times)."""

from __future__ import annotations

from stream.emulator.config import Settings
from stream.emulator.rate_limits import RateLimiter

T0 = 1_795_000_000.0


def test_window_is_exact_to_the_millisecond() -> None:
    limiter = RateLimiter(Settings(plan="starter"), "UTC")
    for index in range(100):
        assert limiter.admit("crm", "a", T0 + index * 0.05).policy is None
    assert limiter.admit("crm", "a", T0 + 9.999).policy == "TEN_SECONDLY_ROLLING"
    assert limiter.admit("crm", "a", T0 + 10.0).policy is None


def test_max_rolling_counts_attempts_in_any_10_s_window() -> None:
    limiter = RateLimiter(Settings(plan="starter"), "UTC")
    for index in range(30):
        limiter.record_attempt("crm", "a", T0 + index)  # one per second
    assert limiter.stats()["crm"] == {"max": 10, "by_app": {"a": 10}}


def test_daily_count_resets_at_local_midnight() -> None:
    limiter = RateLimiter(Settings(plan="starter"), "Asia/Tokyo")
    local_midnight = 1_795_014_000.0  # 2026-11-18T15:00:00Z = 00:00 in Tokyo
    limiter.admit("crm", "a", local_midnight - 1)
    assert limiter.daily.used == 1
    limiter.admit("crm", "a", local_midnight)
    assert limiter.daily.used == 1
    assert limiter.daily.day_start == local_midnight
