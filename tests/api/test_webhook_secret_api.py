"""The robot's signing secret through the API: accepted, never answered back, recorded as hidden."""

from __future__ import annotations

import json

import pytest

from icpdesk.changes.models import ChangeRecord
from icpdesk.notifications.models import Webhook
from tests.api.conftest import BASE, Api

pytestmark = pytest.mark.django_db

PATH = "/notification-settings/webhook"
DING = "https://oapi.dingtalk.com/robot/send?access_token=77aa11bb"
SECRET = "SEC9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8"


def _put(api: Api, body: dict[str, object]) -> object:
    return api.client.put(
        BASE + PATH, json.dumps(body), content_type="application/json", headers=api.headers("applicant")
    )


def test_the_secret_is_set_kept_and_cleared_and_never_answered(api: Api) -> None:
    response = _put(api, {"kind": "dingtalk", "url": DING, "secret": SECRET})
    assert response.status_code == 200, response.content
    assert response.json()["secret_set"] is True
    assert SECRET not in response.content.decode()
    shown = api.get("applicant", PATH)
    assert shown.json()["secret_set"] is True and SECRET not in shown.content.decode()
    assert Webhook.objects.get().secret == SECRET

    assert _put(api, {"kind": "dingtalk", "url": DING, "active": False}).json()["secret_set"] is True
    assert Webhook.objects.get().secret == SECRET
    assert _put(api, {"kind": "dingtalk", "url": DING, "clear_secret": True}).json()["secret_set"] is False
    assert Webhook.objects.get().secret == ""
    for record in ChangeRecord.objects.filter(action__startswith="webhook."):
        assert SECRET not in repr((record.before, record.after))
    assert ChangeRecord.objects.get(action="webhook.create").after["secret"] == "***"


def test_a_bad_secret_is_a_422_naming_the_field(api: Api) -> None:
    response = _put(api, {"kind": "dingtalk", "url": DING, "secret": "no-prefix"})
    assert response.status_code == 422
    assert "secret" in response.content.decode()
    assert not Webhook.objects.exists()
