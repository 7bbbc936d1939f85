"""A command whose reader stops early (``icpdesk ... | head``) ends quietly, without a traceback."""

from __future__ import annotations

import subprocess
import sys


def test_a_closed_pipe_prints_no_traceback() -> None:
    # The reading end is closed before the command writes a byte, as `head` does once it has its lines.
    process = subprocess.Popen(
        [sys.executable, "-m", "icpdesk.cli", "calendar", "show", "2026"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert code == 0
