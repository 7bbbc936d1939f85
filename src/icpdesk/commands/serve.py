"""``icpdesk serve``: the desk on a production WSGI server (gunicorn, N processes) and a
task worker beside it, stopped together by one Ctrl-C.

Django's development server holds one core and adds tens of milliseconds to
every keep-alive request; gunicorn's pre-forked processes serve the same
``icpdesk.wsgi:application`` on as many cores as there are workers."""

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
            "Serve the desk at http://HOST:PORT on gunicorn with N processes and a task worker beside it; "
            "one Ctrl-C stops both. In production run `icpdesk serve --no-worker` (or gunicorn on "
            "icpdesk.wsgi:application) behind a reverse proxy, and `icpdesk worker` on as many "
            "machines as needed."
        ),
    )
    add_serve_arguments(parser)
    parser.set_defaults(func=run)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    parser.add_argument(
        "--workers",
        type=_positive,
        default=int(os.environ.get("ICPDESK_WEB_WORKERS", "2")),
        help="web server processes (default 2, or ICPDESK_WEB_WORKERS)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be between 1 and 64, not {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from icpdesk.commands.keys import verify_at_start
    from icpdesk.lib.setup import setup_django

    setup_django()
    if code := verify_at_start():
        return code
    return serve(args.host, args.port, worker=not args.no_worker, workers=args.workers)


def web_command(host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command line for ``workers`` processes on ``host:port``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "icpdesk.wsgi:application",
        "--bind",
        f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--access-logfile",
        "-",
        "--no-control-socket",
        "--forwarded-allow-ips",
        os.environ.get("ICPDESK_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def serve(host: str, port: int, *, worker: bool = True, workers: int = 2) -> int:
    """Run the web server and (optionally) a worker as children; stop both on Ctrl-C or SIGTERM."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    python = sys.executable
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    # Links, QR codes and mails follow the address served when none is configured.
    env.setdefault("ICPDESK_SITE_URL", f"http://{host}:{port}")
    children.append(("web server", subprocess.Popen(web_command(host, port, workers), env=env)))
    if worker:
        children.append(("task worker", subprocess.Popen([python, "-m", "icpdesk.cli", "worker"], env=env)))
    print(
        f"icpdesk: serving http://{host}:{port}/ with {workers} web process{'es' if workers != 1 else ''}"
        + (" and a task worker" if worker else ""),
        flush=True,
    )
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
