"""``make demo`` serves the database the command line uses afterwards."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_demo_uses_the_default_database_of_the_command_line() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [command] = [line for line in dry_run.splitlines() if "icpdesk demo" in line]
    # No database of its own: the demo and `.venv/bin/icpdesk ...` both read DATABASE_URL or the default.
    assert "DATABASE_URL" not in command
    assert "sqlite" not in command
