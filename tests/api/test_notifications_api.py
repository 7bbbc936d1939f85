"""Notifications and their settings in the API: each person's own list and channels, the
organisation's group robot (its owner, agency manager or regulator administrator only), and
the calendar feed's secret address."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from icpdesk.accounts.choices import Role
from icpdesk.changes.models import ChangeRecord
from icpdesk.notifications import services
from icpdesk.notifications.models import CalendarFeed, ChannelPreference, Notification, Webhook
from tests.api.conftest import BASE, Api
from tests.factories import Personas, make_user

pytestmark = pytest.mark.django_db

MEMBERS = ("applicant", "member", "consultant", "manager", "reviewer", "gsadmin", "outsider")
MANAGERS = ("applicant", "manager", "gsadmin")  # the enterprise owner, agency manager, regulator admin
ROBOT = {"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=k3y", "active": True}


@pytest.fixture
def desk(personas: Personas) -> Personas:
    p: Any = personas
    p.manager = make_user("manager", p.agency, [Role.MANAGER])
    p.gsadmin = p.regulator_admin
    p.loner = make_user("loner", None, [])  # belongs to no organisation
    for org in (p.enterprise.organisation, p.agency, p.regulator, p.other_agency):
        services.notify(
            org, "年报将截止", "请于 3 月 31 日前报送", "Report due", "File by 31 March", key="r1"
        )
    return personas


def call(api: Api, method: str, who: str | None, path: str, body: Any = None, **hdr: str) -> Any:
    user = None if who is None else getattr(api.personas, who)
    headers = api.headers(user, **hdr)
    if method in ("get", "delete"):
        return getattr(api.client, method)(BASE + path, headers=headers)
    data = "" if body is None else json.dumps(body)
    return getattr(api.client, method)(BASE + path, data, content_type="application/json", headers=headers)


def test_anonymous_gets_401_everywhere(api: Api, desk: Personas) -> None:
    notification = Notification.objects.first()
    assert notification is not None
    for method, path in (
        ("get", "/notifications"),
        ("post", f"/notifications/{notification.pk}/read"),
        ("post", "/notifications/read-all"),
        ("get", "/notification-settings/channels"),
        ("put", "/notification-settings/channels"),
        ("get", "/notification-settings/webhook"),
        ("put", "/notification-settings/webhook"),
        ("delete", "/notification-settings/webhook"),
        ("get", "/notification-settings/calendar-feed"),
        ("post", "/notification-settings/calendar-feed/reset"),
    ):
        response = call(api, method, None, path, {})
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "unauthenticated"
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.parametrize("who", MEMBERS)
def test_each_person_lists_and_marks_only_their_own(api: Api, desk: Personas, who: str) -> None:
    user = getattr(desk, who)
    mine = Notification.objects.filter(user=user)
    assert mine.count() == 1
    page = call(api, "get", who, "/notifications").json()
    assert (page["total"], page["unread"]) == (1, 1)
    item = page["items"][0]
    assert (item["subject"], item["read_at"]) == ("年报将截止", None)
    assert call(api, "get", who, "/notifications", **{"Accept-Language": "en"}).json()["items"][0][
        "subject"
    ] == ("Report due")

    theirs = Notification.objects.exclude(user=user).first()
    assert theirs is not None
    refused = call(api, "post", who, f"/notifications/{theirs.pk}/read")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None

    read = call(api, "post", who, f"/notifications/{item['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = call(api, "post", who, f"/notifications/{item['id']}/read")
    assert again.json()["read_at"] == read.json()["read_at"]  # read once: the first time stays
    page = call(api, "get", who, "/notifications?unread=true").json()
    assert (page["total"], page["unread"], page["items"]) == (0, 0, [])


def test_mark_all_read_marks_only_the_callers(api: Api, desk: Personas) -> None:
    services.notify(desk.enterprise.organisation, "变更待报", "正文", "Change due", "Body", key="r2")
    marked = call(api, "post", "applicant", "/notifications/read-all")
    assert marked.status_code == 200 and marked.json() == {"marked": 2}
    assert call(api, "post", "applicant", "/notifications/read-all").json() == {"marked": 0}
    assert services.unread_count(desk.applicant) == 0
    assert services.unread_count(desk.member) == 2


def test_the_list_pages_and_refuses_bad_paging(api: Api, desk: Personas) -> None:
    for i in range(4):
        services.notify(desk.agency, f"通知{i}", "正文", f"Notice {i}", "Body", key=f"k{i}")
    page = call(api, "get", "consultant", "/notifications?limit=2&offset=1").json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (5, 2, 1, 2)
    assert [i["subject"] for i in page["items"]] == ["通知2", "通知1"]
    bad = call(api, "get", "consultant", "/notifications?limit=0")
    assert bad.status_code == 422 and bad.json()["field"] == "limit"


@pytest.mark.parametrize("who", MEMBERS)
def test_each_person_chooses_their_channels(api: Api, desk: Personas, who: str) -> None:
    user = getattr(desk, who)
    current = call(api, "get", who, "/notification-settings/channels")
    assert current.status_code == 200
    assert current.json()["organisation_id"] == user.organisation_id
    changed = call(api, "put", who, "/notification-settings/channels", {"email": False, "webhook": True})
    assert changed.status_code == 200
    assert {k: changed.json()[k] for k in ("in_app", "email", "webhook")} == {
        "in_app": current.json()["in_app"],
        "email": False,
        "webhook": True,
    }
    pref = ChannelPreference.objects.get(user=user, organisation=user.organisation)
    assert (pref.email, pref.webhook) == (False, True)
    assert ChangeRecord.objects.filter(action="channel_preference.update", actor=user).count() == 1


def test_channels_refuse_what_is_not_a_channel_choice(api: Api, desk: Personas) -> None:
    bad = call(api, "put", "member", "/notification-settings/channels", {"email": "maybe"})
    assert bad.status_code == 422 and bad.json()["field"] == "email"
    alone = call(api, "get", "loner", "/notification-settings/channels")
    assert alone.status_code == 403 and alone.json()["code"] == "forbidden"
    assert call(api, "put", "loner", "/notification-settings/channels", {"email": True}).status_code == 403


@pytest.mark.parametrize("who", [*MEMBERS, "loner"])
def test_only_an_owner_manager_or_administrator_sets_the_robot(api: Api, desk: Personas, who: str) -> None:
    user = getattr(desk, who)
    path = "/notification-settings/webhook"
    got = (
        call(api, "get", who, path).status_code,
        call(api, "put", who, path, ROBOT).status_code,
        call(api, "delete", who, path).status_code,
    )
    if who not in MANAGERS:
        assert got == (403, 403, 403)
        assert not Webhook.objects.exists()
        return
    assert got == (200, 200, 204)
    assert not Webhook.objects.filter(organisation=user.organisation).exists()
    assert [r.action for r in ChangeRecord.objects.filter(organisation=user.organisation)] == [
        "webhook.create",
        "webhook.delete",
    ]


def test_the_robot_is_shown_without_its_key_and_removed(api: Api, desk: Personas) -> None:
    path = "/notification-settings/webhook"
    assert call(api, "get", "applicant", path).json()["configured"] is False
    saved = call(api, "put", "applicant", path, ROBOT)
    assert saved.status_code == 200
    body = saved.json()
    assert (body["configured"], body["kind"], body["active"]) == (True, "dingtalk", True)
    assert body["url_masked"] == "https://oapi.dingtalk.com/***"
    assert "k3y" not in json.dumps(call(api, "get", "applicant", path).json())
    stored = Webhook.objects.get(organisation=desk.enterprise.organisation)
    assert stored.url == ROBOT["url"]
    record = ChangeRecord.objects.get(action="webhook.create")
    assert "k3y" not in json.dumps([record.before, record.after], ensure_ascii=False)

    paused = call(api, "put", "applicant", path, {**ROBOT, "active": False})
    assert paused.json()["active"] is False
    assert call(api, "delete", "applicant", path).status_code == 204
    gone = call(api, "delete", "applicant", path)
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://robot.example.cn/hook", "https://"),
        ("http://127.0.0.1:8080/hook", ""),
        ("https://10.1.2.3/hook", ""),
        ("https://[::1]/hook", ""),
        ("https://169.254.169.254/latest/meta-data", ""),
        ("not a url", ""),
    ],
)
def test_a_robot_address_the_page_refuses_is_refused_naming_the_field(
    api: Api, desk: Personas, url: str, reason: str
) -> None:
    response = call(api, "put", "applicant", "/notification-settings/webhook", {**ROBOT, "url": url})
    assert response.status_code == 422, response.json()
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_input", "url")
    assert reason in body["message"]
    assert not Webhook.objects.exists()


def test_a_robot_body_that_is_not_a_robot_names_the_field(api: Api, desk: Personas) -> None:
    path = "/notification-settings/webhook"
    wrong_kind = call(api, "put", "applicant", path, {**ROBOT, "kind": "telegram"})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["field"] == "kind"
    no_url = call(api, "put", "applicant", path, {"kind": "wecom"})
    assert no_url.status_code == 422 and no_url.json()["field"] == "url"
    english = call(
        api,
        "put",
        "applicant",
        path,
        {**ROBOT, "url": "ftp://robot.example.cn/hook"},
        **{"Accept-Language": "en"},
    )
    assert english.status_code == 422 and "https://" in english.json()["message"]


def test_the_calendar_feed_is_shown_and_reset(api: Api, desk: Personas) -> None:
    path = "/notification-settings/calendar-feed"
    shown = call(api, "get", "consultant", path)
    assert shown.status_code == 200
    url = shown.json()["url"]
    token = CalendarFeed.objects.get(user=desk.consultant).token
    assert url.endswith(f"/notifications/ical/{token}.ics") and url.startswith("http")
    assert call(api, "get", "consultant", path).json()["url"] == url  # the same address until reset
    feed_path = url.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client()
    assert anonymous.get(f"/{feed_path}").status_code == 200

    reset = call(api, "post", "consultant", f"{path}/reset")
    assert reset.status_code == 200
    fresh = reset.json()["url"]
    assert fresh != url
    assert CalendarFeed.objects.get(user=desk.consultant).token != token
    assert anonymous.get(f"/{feed_path}").status_code == 404  # the old address is dead
    assert anonymous.get("/" + fresh.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    assert call(api, "get", "consultant", path).json()["url"] == fresh
    # Another person's feed is untouched.
    assert not CalendarFeed.objects.filter(user=desk.applicant).exists() or (
        CalendarFeed.objects.get(user=desk.applicant).token not in fresh
    )


def test_the_page_and_the_api_mark_through_the_same_action(api: Api, desk: Personas, client: Client) -> None:
    first = Notification.objects.get(user=desk.member)
    client.force_login(desk.member)
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert call(api, "get", "member", "/notifications").json()["unread"] == 0
    theirs = Notification.objects.get(user=desk.applicant)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
