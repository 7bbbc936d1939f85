"""Signed group robots: DingTalk 加签 and Feishu 签名校验, checked by a local robot that verifies the
signature the way each service does; the secret kept encrypted, never shown again, never recorded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from icpdesk.changes.models import ChangeRecord
from icpdesk.notifications import channels, sweep
from icpdesk.notifications.models import Delivery, Webhook

TODAY = date(2026, 3, 24)
SETTINGS = "/notifications/settings/"
DING_SECRET = "SEC0f6b2c9e4d1a8b7c3e5f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1"
FEISHU_SECRET = "qZ4mY8rT2wK6pL0sV3nB7xC1"
HOUR_MS = 3_600_000


class DingTalk:
    """A robot checking 加签: ``sign`` = urlencoded base64(HMAC-SHA256(secret, "<ms>\\n<secret>"))."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[tuple[dict[str, list[str]], str, dict[str, Any]]] = []

    def __call__(self, request: Request) -> Response:
        query = parse_qs(request.query_string.decode("ascii"))
        self.received.append((query, request.query_string.decode("ascii"), json.loads(request.data)))
        timestamp = query.get("timestamp", [""])[0]
        if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > HOUR_MS:
            return _json({"errcode": 310000, "errmsg": "invalid timestamp"})
        mac = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256)
        if query.get("sign", [""])[0] != base64.b64encode(mac.digest()).decode():
            return _json({"errcode": 310000, "errmsg": "sign not match"})
        return _json({"errcode": 0, "errmsg": "ok"})


class Feishu:
    """A robot checking 签名校验: ``sign`` = base64(HMAC-SHA256(key="<s>\\n<secret>", msg=""))."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []

    def __call__(self, request: Request) -> Response:
        body = json.loads(request.data)
        self.received.append(body)
        timestamp = body.get("timestamp")
        if not isinstance(timestamp, str) or not timestamp.isdigit():
            return _json({"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
        if abs(int(timestamp) - time.time()) > 3600:
            return _json({"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
        mac = hmac.new(f"{timestamp}\n{self.secret}".encode(), b"", hashlib.sha256)
        if body.get("sign") != base64.b64encode(mac.digest()).decode():
            return _json({"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
        return _json({"code": 0, "msg": "success"})


def _json(answer: dict[str, Any]) -> Response:
    return Response(json.dumps(answer), status=200, content_type="application/json")


def _robot(httpserver: HTTPServer, path: str, handler: Any) -> str:
    httpserver.expect_request(path, method="POST").respond_with_handler(handler)
    return f"http://127.0.0.1:{httpserver.port}{path}"


@pytest.fixture
def robot_server(httpserver_ipv4: HTTPServer) -> HTTPServer:
    return httpserver_ipv4


# ------------------------------------------------------------------ delivery, signed and checked


def test_a_dingtalk_robot_with_a_secret_accepts_the_signed_markdown(
    desk: Any, robot_server: HTTPServer
) -> None:
    robot = DingTalk(DING_SECRET)
    url = _robot(robot_server, "/robot/send", robot) + "?access_token=0f6b2c9e"
    Webhook.objects.create(organisation=desk.agency, kind="dingtalk", url=url, secret=DING_SECRET)
    sweep.run(TODAY)
    assert Delivery.objects.get(channel="webhook").state == Delivery.State.SENT
    assert len(robot.received) == 1
    query, raw_query, payload = robot.received[0]
    assert query["access_token"] == ["0f6b2c9e"]  # the robot's own key stays in the address
    assert raw_query.startswith("access_token=0f6b2c9e&timestamp=")
    assert raw_query.split("&sign=")[1].endswith("%3D")  # the base64 is URL-encoded
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"].startswith("还有 7 天")
    assert "/licenses/" in payload["markdown"]["text"]
    assert "timestamp" not in payload and "sign" not in payload  # DingTalk signs the address only


def test_a_feishu_robot_with_a_secret_accepts_the_signed_text(desk: Any, robot_server: HTTPServer) -> None:
    robot = Feishu(FEISHU_SECRET)
    url = _robot(robot_server, "/open-apis/bot/v2/hook/3c1e", robot)
    Webhook.objects.create(organisation=desk.agency, kind="feishu", url=url, secret=FEISHU_SECRET)
    sweep.run(TODAY)
    assert Delivery.objects.get(channel="webhook").state == Delivery.State.SENT
    [body] = robot.received
    assert body["msg_type"] == "text"
    assert "还有 7 天" in body["content"]["text"]
    assert body["timestamp"] == str(int(body["timestamp"]))  # seconds, as a string
    assert abs(int(body["timestamp"]) - time.time()) < 120


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_a_wrong_secret_is_refused_by_the_robot_and_the_delivery_fails(
    desk: Any, robot_server: HTTPServer, kind: str
) -> None:
    if kind == "dingtalk":
        url = _robot(robot_server, "/robot/send", DingTalk(DING_SECRET)) + "?access_token=t"
        stored = DING_SECRET[:-1] + "X"
    else:
        url = _robot(robot_server, "/open-apis/bot/v2/hook/3c1e", Feishu(FEISHU_SECRET))
        stored = FEISHU_SECRET[:-1] + "X"
    Webhook.objects.create(organisation=desk.agency, kind=kind, url=url, secret=stored)
    sweep.run(TODAY)
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.state == Delivery.State.FAILED
    assert ("310000" if kind == "dingtalk" else "19021") in delivery.last_error


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_a_robot_without_a_secret_is_posted_unsigned(desk: Any, robot_server: HTTPServer, kind: str) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def accept(request: Request) -> Response:
        seen.append((request.query_string.decode(), json.loads(request.data)))
        return _json({"errcode": 0, "code": 0})

    url = _robot(robot_server, "/hook", accept) + ("?access_token=t" if kind == "dingtalk" else "")
    Webhook.objects.create(organisation=desk.agency, kind=kind, url=url)
    sweep.run(TODAY)
    assert Delivery.objects.get(channel="webhook").state == Delivery.State.SENT
    [(query, body)] = seen
    assert "sign" not in query and "timestamp" not in query
    assert "sign" not in body and "timestamp" not in body


def test_the_signatures_follow_each_robots_documented_recipe() -> None:
    # DingTalk: timestamp in milliseconds, appended after the address's own query.
    url = channels.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=a", "SECk", 1700000000000
    )
    query = parse_qs(urlsplit(url).query)
    expected = hmac.new(b"SECk", b"1700000000000\nSECk", hashlib.sha256).digest()
    assert query == {
        "access_token": ["a"],
        "timestamp": ["1700000000000"],
        "sign": [base64.b64encode(expected).decode()],
    }
    assert channels.dingtalk_signed_url("https://x.example/send", "SECk", 1).startswith(
        "https://x.example/send?timestamp=1&sign="
    )
    # Feishu: seconds, the key is "<timestamp>\n<secret>" and the message empty.
    _url, body = channels.signed(
        "feishu", "https://f.example/h", {"msg_type": "text"}, "s3", now=1700000000.9
    )
    expected = hmac.new(b"1700000000\ns3", b"", hashlib.sha256).digest()
    assert body == {
        "timestamp": "1700000000",
        "sign": base64.b64encode(expected).decode(),
        "msg_type": "text",
    }
    # WeCom is never signed, and no secret means no signature.
    assert channels.signed("wecom", "https://w.example/h", {}, "s3", now=1.0) == ("https://w.example/h", {})
    assert channels.signed("dingtalk", "https://d.example/h", {}, "", now=1.0) == ("https://d.example/h", {})


# ------------------------------------------------------------------ the settings page


def _post(client: Client, **fields: str) -> Any:
    data = {"section": "webhook", "w-active": "on", **{f"w-{k}": v for k, v in fields.items()}}
    return client.post(SETTINGS, data)


DING_URL = "https://oapi.dingtalk.com/robot/send?access_token=77aa11bb"


def test_the_secret_is_saved_encrypted_and_never_shown_again(client: Client, desk: Any) -> None:
    client.force_login(desk.applicant)
    organisation = desk.enterprise.organisation
    assert _post(client, kind="dingtalk", url=DING_URL, secret=DING_SECRET).status_code == 302
    webhook = Webhook.objects.get(organisation=organisation)
    assert webhook.secret == DING_SECRET
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notifications_webhook WHERE id = %s", [webhook.pk])
        stored = cursor.fetchone()[0]
    assert stored and DING_SECRET not in stored
    page = client.get(SETTINGS).content.decode()
    assert DING_SECRET not in page and DING_SECRET[3:20] not in page
    assert "已设置" in page and 'name="w-clear_secret"' in page
    assert 'name="w-secret"' in page and 'type="password"' in page

    # Saving again with the field left empty keeps the secret.
    assert _post(client, kind="dingtalk", url=DING_URL + "0").status_code == 302
    assert Webhook.objects.get(organisation=organisation).secret == DING_SECRET
    # A new one replaces it; clearing removes it.
    assert _post(client, kind="dingtalk", url=DING_URL, secret="SECnew123").status_code == 302
    assert Webhook.objects.get(organisation=organisation).secret == "SECnew123"
    assert _post(client, kind="dingtalk", url=DING_URL, clear_secret="on").status_code == 302
    assert Webhook.objects.get(organisation=organisation).secret == ""
    page = client.get(SETTINGS).content.decode()
    assert "未设置" in page and 'name="w-clear_secret"' not in page


def test_each_secret_change_is_recorded_without_the_secret(client: Client, desk: Any) -> None:
    client.force_login(desk.applicant)
    _post(client, kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/ab", secret=FEISHU_SECRET)
    created = ChangeRecord.objects.get(action="webhook.create")
    assert created.after["secret"] == "***"
    _post(
        client, kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/ab", secret="other-secret-2"
    )
    replaced = ChangeRecord.objects.get(action="webhook.update")
    assert (replaced.before, replaced.after) == ({"secret": "***"}, {"secret": "***"})
    _post(client, kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/ab", clear_secret="on")
    cleared = ChangeRecord.objects.filter(action="webhook.update").latest("id")
    assert (cleared.before, cleared.after) == ({"secret": "***"}, {"secret": ""})
    # Saving with the field empty and nothing else changed writes no record.
    _post(client, kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/ab")
    assert ChangeRecord.objects.filter(action__startswith="webhook.").count() == 3
    for record in ChangeRecord.objects.all():
        text = repr((record.object_label, record.before, record.after))
        assert FEISHU_SECRET not in text and "other-secret-2" not in text


def test_a_robot_without_a_secret_is_recorded_without_mentioning_one(client: Client, desk: Any) -> None:
    client.force_login(desk.applicant)
    _post(client, kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    assert "secret" not in ChangeRecord.objects.get(action="webhook.create").after


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/x", "secret": "abc"},
            "企业微信群机器人不使用签名密钥",
        ),
        ({"kind": "dingtalk", "url": DING_URL, "secret": "0f6b2c9e"}, "以 SEC 开头"),
        ({"kind": "feishu", "url": "https://open.feishu.cn/h", "secret": "has space"}, "不能有空格"),
        ({"kind": "feishu", "url": "https://open.feishu.cn/h", "secret": "x" * 201}, "200"),
    ],
)
def test_a_bad_secret_is_refused_with_the_reason_and_nothing_saved(
    client: Client, desk: Any, fields: dict[str, str], message: str
) -> None:
    client.force_login(desk.applicant)
    response = _post(client, **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Webhook.objects.exists()
    assert not ChangeRecord.objects.filter(action__startswith="webhook.").exists()


def test_the_refusal_is_in_english_for_an_english_page(client: Client, desk: Any) -> None:
    client.force_login(desk.applicant)
    response = client.post(
        SETTINGS,
        {"section": "webhook", "w-kind": "dingtalk", "w-url": DING_URL, "w-secret": "0f6b2c9e"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert "A DingTalk signing secret starts with SEC" in response.content.decode()


def test_both_replacing_and_clearing_is_refused(client: Client, desk: Any) -> None:
    client.force_login(desk.applicant)
    _post(client, kind="dingtalk", url=DING_URL, secret=DING_SECRET)
    response = _post(client, kind="dingtalk", url=DING_URL, secret="SECother", clear_secret="on")
    assert response.status_code == 422
    assert Webhook.objects.get().secret == DING_SECRET


def test_changing_the_robot_to_wecom_removes_its_secret(client: Client, desk: Any) -> None:
    client.force_login(desk.applicant)
    _post(client, kind="dingtalk", url=DING_URL, secret=DING_SECRET)
    assert (
        _post(client, kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").status_code
        == 302
    )
    assert Webhook.objects.get().secret == ""
    record = ChangeRecord.objects.get(action="webhook.update")
    assert record.before["secret"] == "***" and record.after["secret"] == ""
