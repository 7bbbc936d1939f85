"""Field keys: a key that cannot decrypt is named, never a 500; rotation re-encrypts every value."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import User
from icpdesk.commands import keys
from icpdesk.crypto import Ciphertext, check_keys, rotate_keys
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _stored_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {User._meta.db_table} WHERE id = %s", [user.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.fixture
def person(settings: Any) -> User:
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    organisation = make_organisation(OrgKind.ENTERPRISE, "兰州陇货精品电子商务有限公司")
    return make_user("lanzhou_owner", organisation, ["owner"], phone="13993112345")


def test_sign_in_after_a_key_change_is_no_500(person: User, settings: Any, client: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is gone
    response = client.post("/accounts/login/", {"username": "lanzhou_owner", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code in (200, 302)


def test_an_undecryptable_value_reads_empty_and_is_saved_back_unchanged(person: User, settings: Any) -> None:
    stored = _stored_phone(person)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    again = User.objects.get(pk=person.pk)
    assert again.phone == "" and isinstance(again.phone, Ciphertext)
    again.first_name = "改名"
    again.save()
    assert _stored_phone(person) == stored  # nothing lost
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    assert User.objects.get(pk=person.pk).phone == "13993112345"


def test_check_names_the_field_no_key_can_read(person: User, settings: Any, capsys: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    report = check_keys(sample=None)
    assert report.undecryptable == {"accounts.User.phone": 1}
    code = keys.run(argparse.Namespace(action="check", dry_run=False, format="json"))
    assert code == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["undecryptable"] == {"accounts.User.phone": 1}
    assert "accounts.User.phone (1)" in err and "ICPDESK_FIELD_KEYS" in err
    assert keys.verify_at_start() == 2


def test_rotation_re_encrypts_under_the_newest_key(person: User, settings: Any) -> None:
    before = _stored_phone(person)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    dry = rotate_keys(dry_run=True)
    assert dry.rotated >= 1 and _stored_phone(person) == before
    report = rotate_keys()
    assert report.ok and report.rotated >= 1
    after = _stored_phone(person)
    assert after != before
    assert Fernet(NEW.encode()).decrypt(after.encode()) == b"13993112345"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key can go
    assert check_keys(sample=None).ok
    assert User.objects.get(pk=person.pk).phone == "13993112345"
    assert keys.verify_at_start() == 0
