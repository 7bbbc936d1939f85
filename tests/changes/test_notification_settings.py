"""The channels a person chooses and the organisation's webhook: recorded, the robot's key never."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.changes.models import ChangeRecord
from icpdesk.notifications.models import Webhook
from tests.changes.conftest import REQUEST_ID, only_record, raw_text
from tests.factories import Personas

pytestmark = pytest.mark.django_db

SETTINGS = "/notifications/settings/"
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0f6b2c9e-secret-robot-key"


def test_a_change_of_channels_is_recorded(client: Client, personas: Personas) -> None:
    client.force_login(personas.member)
    response = client.post(
        SETTINGS, {"section": "channels", "p-in_app": "on"}, headers={"X-Request-ID": REQUEST_ID}
    )
    assert response.status_code == 302
    record = only_record("channel_preference.update")
    assert (record.actor, record.request_id, record.organisation_id, record.enterprise_id) == (
        personas.member,
        REQUEST_ID,
        personas.enterprise.organisation_id,
        None,
    )
    assert record.before == {"email": True, "webhook": True}
    assert record.after == {"email": False, "webhook": False}


def test_setting_changing_and_deleting_the_robot_are_recorded_with_its_host_only(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.applicant)
    data = {"section": "webhook", "w-kind": "wecom", "w-url": ROBOT, "w-active": "on"}
    assert client.post(SETTINGS, data).status_code == 302
    created = only_record("webhook.create")
    assert created.object_label == "企业微信 / WeCom"
    assert created.after == {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/***", "active": True}

    rotated = ROBOT.replace("0f6b2c9e", "77aa11bb")
    assert client.post(SETTINGS, {**data, "w-url": rotated}).status_code == 302
    updated = only_record("webhook.update")
    # The key changed: recorded as a change, shown as the host on both sides.
    assert updated.before == {"url": "https://qyapi.weixin.qq.com/***"}
    assert updated.after == {"url": "https://qyapi.weixin.qq.com/***"}

    assert client.post(SETTINGS, {"section": "webhook_delete"}).status_code == 302
    assert not Webhook.objects.exists()
    deleted = only_record("webhook.delete")
    assert deleted.before["kind"] == "wecom" and deleted.after == {}
    for record in ChangeRecord.objects.all():
        assert "secret-robot-key" not in raw_text(record)
        assert record.actor == personas.applicant


def test_a_member_cannot_set_the_robot_and_nothing_is_recorded(client: Client, personas: Personas) -> None:
    client.force_login(personas.member)
    response = client.post(
        SETTINGS, {"section": "webhook", "w-kind": "wecom", "w-url": ROBOT, "w-active": "on"}
    )
    assert response.status_code == 404
    assert not Webhook.objects.exists()
    assert not ChangeRecord.objects.exists()
