"""A group-robot address on the desk's own network is refused on save and on delivery."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from icpdesk.lib import netguard
from icpdesk.notifications import sweep
from icpdesk.notifications.models import Delivery, Webhook
from tests.factories import PASSWORD

TODAY = date(2026, 3, 24)


@pytest.fixture(autouse=True)
def _guarded(monkeypatch: Any) -> None:
    monkeypatch.delenv(netguard.ALLOW_PRIVATE_ENV, raising=False)


class _Server:
    def __init__(self, host: str, location: str = "") -> None:
        self.received: list[str] = []
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                state.received.append(self.path)
                if location:
                    self.send_response(307)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps({"errcode": 0}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def internal() -> Iterator[_Server]:
    server = _Server("127.0.0.1")
    yield server
    server.close()


def _login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/",
        "http://10.0.0.8/x",
    ],
)
def test_saving_an_internal_robot_address_is_refused_naming_the_field(
    desk: Any, client: Client, url: str
) -> None:
    _login(client, desk.applicant)
    response = client.post(
        "/notifications/settings/", {"section": "webhook", "w-kind": "wecom", "w-url": url, "w-active": "on"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "机器人地址不可用" in body
    assert not Webhook.objects.exists()


def test_saving_a_name_that_resolves_to_a_private_address_is_refused(
    desk: Any, client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["192.168.10.5"])
    _login(client, desk.applicant)
    response = client.post(
        "/notifications/settings/",
        {
            "section": "webhook",
            "w-kind": "dingtalk",
            "w-url": "https://robot.corp.example/x",
            "w-active": "on",
        },
    )
    assert response.status_code == 422
    assert "内网" in response.content.decode()
    assert not Webhook.objects.exists()


def test_delivery_to_an_internal_address_is_refused_before_connecting(desk: Any, internal: _Server) -> None:
    # A robot saved before the rule existed (or written around the form).
    Webhook.objects.create(
        organisation=desk.agency, kind="wecom", url=f"http://127.0.0.1:{internal.port}/hook"
    )
    sweep.run(TODAY)
    hook = Delivery.objects.get(channel="webhook")
    assert hook.state == Delivery.State.FAILED
    assert internal.received == []
    assert (
        hook.last_error
        == "ChannelError: the webhook address is not allowed: it is not a public internet address"
    )


def test_a_redirect_to_127_0_0_1_is_not_followed(desk: Any, internal: _Server, monkeypatch: Any) -> None:
    # 127.0.0.2 stands in for a public robot that answers with a redirect into the desk's network.
    real = netguard.address_problem
    monkeypatch.setattr(netguard, "address_problem", lambda a: None if str(a) == "127.0.0.2" else real(a))
    public = _Server("127.0.0.2", location=f"http://127.0.0.1:{internal.port}/admin")
    try:
        Webhook.objects.create(
            organisation=desk.agency, kind="wecom", url=f"http://127.0.0.2:{public.port}/hook"
        )
        sweep.run(TODAY)
    finally:
        public.close()
    assert public.received == ["/hook"]
    assert internal.received == []
    hook = Delivery.objects.get(channel="webhook")
    assert hook.state == Delivery.State.FAILED and "not a public internet address" in hook.last_error


def test_a_failure_shows_no_internal_error_text(desk: Any, client: Client, monkeypatch: Any) -> None:
    real = netguard.address_problem
    monkeypatch.setattr(netguard, "address_problem", lambda a: None if str(a) == "127.0.0.2" else real(a))
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        closed = s.getsockname()[1]
    Webhook.objects.create(organisation=desk.agency, kind="wecom", url=f"http://127.0.0.2:{closed}/hook")
    sweep.run(TODAY)
    hook = Delivery.objects.get(channel="webhook")
    assert hook.last_error == "ChannelError: could not connect"
    _login(client, desk.consultant)
    body = client.get("/notifications/settings/").content.decode()
    assert "Errno" not in body and "Connection refused" not in body
