"""`hubspot-stream config check`: the shipped examples pass against the real action catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.cli import main

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = sorted((ROOT / "config" / "examples").glob("*.yaml"))
SECRETS = {
    "HUBSPOT_PRIVATE_APP_TOKEN": "pat-na1-example",
    "HUBSPOT_CLIENT_ID": "client",
    "HUBSPOT_CLIENT_SECRET": "secret",
    "HUBSPOT_REFRESH_TOKEN": "refresh",
    "HUBSPOT_HUB_ID": "12345678",
}


def test_both_examples_are_shipped() -> None:
    assert {path.name for path in EXAMPLES} >= {"segment-defaults.yaml", "advanced.yaml"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_example_config_passes_check_and_lists_its_mappings(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    assert main(["config", "check", str(example)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"destination {example.stem} ({example})")
    assert "pat-na1-example" not in out and "secret" not in out


def test_segment_defaults_pairs_each_type_with_its_suggested_action(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    main(["config", "check", str(ROOT / "config" / "examples" / "segment-defaults.yaml")])
    lines = capsys.readouterr().out.splitlines()
    assert 'when type = "identify" -> upsert_contact' in lines[3]
    assert 'when type = "group" -> upsert_company' in lines[4]
    assert 'when type = "track" -> send_custom_behavioral_event' in lines[5]
    assert all("batching on" in line for line in lines[3:6])


def test_missing_secrets_fail_the_check_unless_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    example = str(ROOT / "config" / "examples" / "advanced.yaml")
    assert main(["config", "check", example]) == 1
    err = capsys.readouterr().err
    assert (
        "hubspot.auth.client_secret: environment variable HUBSPOT_CLIENT_SECRET is not set" in err
    )
    assert main(["config", "check", "--skip-secrets", example]) == 0


def test_invalid_config_prints_every_error_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fixture = ROOT / "tests" / "data" / "invalid" / "many-errors.yaml"
    assert main(["config", "check", "--skip-secrets", str(fixture)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{fixture}: 6 errors in destination config:")
    assert "unknown action 'upsert_companies'" in captured.err
    assert "did you mean 'upsert_company'?" in captured.err
