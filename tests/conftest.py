"""Shared fixtures: each family lives in tests/fixtures/ and is loaded here."""

pytest_plugins = [
    "tests.fixtures.kafka",
    "tests.fixtures.emulator",
    "tests.fixtures.redis",
    "tests.fixtures.pipeline",
    "tests.fixtures.wheel",
]
