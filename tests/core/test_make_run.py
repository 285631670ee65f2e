"""`make run` on another port: the links Chamber writes (e-mails, calendar addresses) follow it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _run_recipe(**env: str) -> list[str]:
    """The commands `make run` would start (dry run), one per Flask command."""
    environment = {k: v for k, v in os.environ.items() if k not in {"CHAMBER_BASE_URL", "PORT"}}
    environment.update(env)
    printed = subprocess.run(  # noqa: S603 - make from PATH, fixed arguments
        [MAKE, "--dry-run", "--always-make", "run"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in printed.splitlines() if " deliver-mail " in line or " run " in line]


def test_links_follow_the_port_the_demo_is_served_on():
    commands = _run_recipe(PORT="5201")

    assert len(commands) == 2
    assert all("CHAMBER_BASE_URL=http://127.0.0.1:5201 " in line for line in commands)
    assert "--port 5201" in commands[-1]


def test_a_base_url_given_by_the_operator_wins():
    commands = _run_recipe(PORT="5201", CHAMBER_BASE_URL="https://chamber.example.org")

    assert all("CHAMBER_BASE_URL=https://chamber.example.org " in line for line in commands)
