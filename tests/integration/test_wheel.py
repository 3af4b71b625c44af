"""The wheel installed (not editable) in a fresh virtualenv runs `topics create` and a worker
from another directory, against the local broker and the emulator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.pipeline import DESTINATION_CONFIG, Deployment
from tests.fixtures.process import REPO_ROOT, ChildProcess
from tests.fixtures.wheel import InstalledWheel

pytestmark = pytest.mark.integration
USERS = 3  # identify, group, track and page each; pages match no mapping


def run_to_end(wheel: InstalledWheel, args: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    child = ChildProcess(args, env, name=args[0], command=wheel.command, cwd=cwd)
    code = child.process.wait(120)
    child.stop()
    assert code == 0, child.lines
    return child.lines


def test_installed_wheel_creates_topics_and_delivers_events(
        installed_wheel: InstalledWheel, deployment: Deployment, tmp_path: Path) -> None:
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    module_file = installed_wheel.python("import stream; print(stream.__file__)", workdir)
    assert str(installed_wheel.venv) in module_file and str(REPO_ROOT) not in module_file
    config = shutil.copy(DESTINATION_CONFIG, workdir / "destination.yaml")
    env = {**deployment.env, "HUBSPOT_STREAM_CONFIG": str(config)}
    destination = env["PIPELINE_DESTINATION"]

    created = run_to_end(installed_wheel, ["topics", "create", "--destination", destination],
                         env, workdir)
    assert f"created hubspot-stream.{destination}.user-lane" in created

    worker = ChildProcess(["worker", "--loglevel", "info"], env, name="installed-worker",
                          command=installed_wheel.command, cwd=workdir)
    deployment.workers.append(worker)
    worker.wait_for_line("worker destination=", timeout_seconds=90)
    reader = deployment.outcome_reader()
    produced = run_to_end(installed_wheel, ["produce-sample", "--count", str(USERS)], env,
                          workdir)
    assert produced == [f"produced {4 * USERS} events to {deployment.input_topic}"]

    records = reader.wait_for(3 * USERS, timeout_seconds=180)
    assert {r["status"] for r in records} == {"delivered"}, records
    assert {r["mapping"] for r in records} == {"contacts", "companies", "events"}
    assert (workdir / ".run" / "worker-data").is_dir()  # default data dir, parents created
