"""``icpdesk serve`` runs the desk on gunicorn with the asked number of processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from icpdesk.commands.serve import web_command

ICPDESK = str(Path(sys.executable).with_name("icpdesk"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_web_command_is_gunicorn_with_the_workers_asked_for() -> None:
    cmd = web_command("127.0.0.1", 8001, 4)
    assert cmd[1:4] == ["-m", "gunicorn", "icpdesk.wsgi:application"]
    assert cmd[cmd.index("--bind") + 1] == "127.0.0.1:8001"
    assert cmd[cmd.index("--workers") + 1] == "4"
    assert web_command("::1", 8001, 1)[cmd.index("--bind") + 1] == "[::1]:8001"


@pytest.mark.parametrize("workers", ["0", "x", "65"])
def test_a_bad_worker_count_is_refused_with_the_reason(workers: str) -> None:
    done = subprocess.run(
        [ICPDESK, "serve", "--workers", workers], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "--workers" in done.stderr


def test_serve_answers_on_two_processes_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    env.pop("ICPDESK_SITE_URL", None)
    subprocess.run(
        [ICPDESK, "manage", "migrate", "--verbosity", "0"],
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [ICPDESK, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/licenses/verify/", timeout=5
                ) as response:
                    status = response.status
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        assert "<form" in body
        children = subprocess.run(
            ["pgrep", "-f", f"gunicorn icpdesk.wsgi:application --bind 127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(children) == 3  # the arbiter and its two workers
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    text = output.decode()
    assert "with 2 web processes" in text
    assert "icpdesk: stopped" in text
    assert server.returncode == 0
