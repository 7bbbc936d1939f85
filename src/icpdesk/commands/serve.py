"""``icpdesk serve``: the web desk and a task worker, stopped together by one Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the desk and run a task worker beside it",
        description=(
            "Serve the desk at http://HOST:PORT with a task worker beside it; one Ctrl-C stops both. "
            "For production, run a WSGI server on icpdesk.wsgi and `icpdesk worker` separately."
        ),
    )
    add_serve_arguments(parser)
    parser.set_defaults(func=run)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")


def run(args: argparse.Namespace) -> int:
    return serve(args.host, args.port, worker=not args.no_worker)


def serve(host: str, port: int, *, worker: bool = True) -> int:
    """Run the web server and (optionally) a worker as children; stop both on Ctrl-C or SIGTERM."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    python = sys.executable
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    web_cmd = [python, "-m", "django", "runserver", "--noreload", f"{host}:{port}"]
    children.append(("web server", subprocess.Popen(web_cmd, env=env)))
    if worker:
        children.append(("task worker", subprocess.Popen([python, "-m", "icpdesk.cli", "worker"], env=env)))
    print(f"icpdesk: serving http://{host}:{port}/" + (" with a task worker" if worker else ""), flush=True)
    print("icpdesk: press Ctrl-C to stop", flush=True)

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    try:
        while not stopping:
            for name, child in children:
                code = child.poll()
                if code is not None:
                    print(f"icpdesk: the {name} exited with {code}; stopping", file=sys.stderr)
                    exit_code = code or 1
                    stopping = True
            time.sleep(0.2)
    finally:
        for _, child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for _, child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        print("icpdesk: stopped", flush=True)
    return exit_code
