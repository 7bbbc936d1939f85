"""The helpers: the difference of two snapshots, masking whoever records, the hook of the lower apps."""

from __future__ import annotations

from datetime import date

import pytest

from icpdesk.changes.models import ChangeRecord
from icpdesk.changes.records import HIDDEN, diff, mask_url, record_change
from icpdesk.lib.changelog import ChangeLogMissing, change_noted, note_change
from tests.factories import Personas, make_id_number


def test_diff_keeps_only_the_fields_that_differ() -> None:
    before = {"name": "甲", "months": 3, "on": date(2026, 1, 5), "gone": "x"}
    after = {"name": "甲", "months": 6, "on": date(2026, 1, 6), "new": ["a"]}
    assert diff(before, after) == (
        {"months": 3, "on": "2026-01-05", "gone": "x", "new": None},
        {"months": 6, "on": "2026-01-06", "gone": None, "new": ["a"]},
    )
    assert diff({"a": 1}, {"a": 1}) == ({}, {})


def test_a_robot_address_keeps_only_its_host() -> None:
    assert (
        mask_url("https://oapi.dingtalk.com/robot/send?access_token=abc") == "https://oapi.dingtalk.com/***"
    )
    assert mask_url("http://user:pw@10.0.0.1:8080/x") == "http://10.0.0.1:8080/***"
    assert mask_url("not a url") == HIDDEN
    assert mask_url("") == ""


@pytest.mark.django_db
def test_personal_data_and_secrets_are_masked_whoever_records_them(personas: Personas) -> None:
    number = make_id_number("19700101", 555)
    record = record_change(
        None,
        personas.enterprise,
        "enterprise.update",
        {"legal_rep_id_number": "", "contact_phone": "13893112345", "token": ""},
        {"legal_rep_id_number": number, "contact_phone": "13900000000", "token": "icpd_secret"},
        enterprise=personas.enterprise,
    )
    record.refresh_from_db()
    assert record.before == {"legal_rep_id_number": "", "contact_phone": "138****2345", "token": ""}
    assert record.after == {
        "legal_rep_id_number": f"{number[:6]}********{number[-4:]}",
        "contact_phone": "139****0000",
        "token": HIDDEN,
    }


@pytest.mark.django_db
def test_the_lower_apps_record_through_the_hook(personas: Personas) -> None:
    record = note_change(
        personas.applicant,
        personas.mandate,
        "mandate.revoke",
        {"x": 1},
        {"x": 2},
        enterprise=personas.enterprise,
    )
    assert isinstance(record, ChangeRecord)
    assert record.enterprise_id == personas.enterprise.pk and record.actor == personas.applicant


@pytest.mark.django_db
def test_a_write_nobody_records_is_refused(personas: Personas) -> None:
    from icpdesk.changes.records import record_noted_change

    assert change_noted.disconnect(dispatch_uid="icpdesk.changes.record_noted_change")
    try:
        with pytest.raises(ChangeLogMissing):
            note_change(None, personas.mandate, "mandate.revoke", {}, {})
    finally:
        change_noted.connect(record_noted_change, dispatch_uid="icpdesk.changes.record_noted_change")
    assert not ChangeRecord.objects.exists()
