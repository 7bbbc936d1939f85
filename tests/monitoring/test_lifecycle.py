"""A finding opens with the first scan that sees it, resolves with the first that does not,
and the holder and its agency hear of it once."""

from __future__ import annotations

from typing import Any

import pytest

from icpdesk.monitoring import services
from icpdesk.monitoring.models import Finding, Scan
from icpdesk.notifications.models import Notification, Reminder
from tests.monitoring.conftest import Site, make_license, page


def _home(license_: Any, extra: str = "", privacy: bool = True) -> str:
    filing = license_.holder.icp_filing_number
    link = "<a href='/privacy'>隐私政策</a>" if privacy else ""
    return page(f"<p>{license_.number}</p><p>{filing}</p><a href='/cart'>购物车</a>{link}<p>{extra}</p>")


@pytest.fixture
def shop(personas: Any, site: Site) -> Any:
    port = site.server.port
    personas.license = make_license(personas.enterprise, f"127.0.0.1:{port}")
    personas.site = site
    site.serve("/privacy", page("隐私政策"))
    site.serve("/cart", page("购物车"))
    return personas


def _scan(who: Any, license_: Any, capture: Any) -> Scan:
    with capture(execute=True):
        scan = services.request_license_scan(who, license_.pk)
    scan.refresh_from_db()
    return scan


def _open(license_: Any) -> list[str]:
    return sorted(Finding.objects.filter(license=license_, state="open").values_list("code", flat=True))


def test_findings_open_stay_resolve_and_notify_once(
    shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lic, site = shop.license, shop.site
    site.serve("/", _home(lic, "支持分期付款，0首付。", privacy=False))
    first = _scan(shop.applicant, lic, django_capture_on_commit_callbacks)
    assert first.status == "done" and first.pages == 2
    assert _open(lic) == ["no_https", "out_of_scope_finance", "privacy_policy_missing"]
    # Each finding told once to the holder and once to its agency, through the reminder channels.
    reminders = Reminder.objects.filter(duty_key__contains="site-finding")
    assert reminders.count() == 3 * 2
    told = set(Notification.objects.filter(reminder__in=reminders).values_list("user__username", flat=True))
    assert told == {"applicant", "member", "consultant"}
    subject = Reminder.objects.filter(duty_key__contains="site-finding").order_by("pk").first()
    assert subject is not None and subject.subject_zh.startswith("网站检测发现问题：")
    assert subject.link == f"/licenses/{lic.pk}/#site-scans"

    # The same problems again: nothing new, nobody told twice.
    second = _scan(shop.inspector, lic, django_capture_on_commit_callbacks)
    assert _open(lic) == ["no_https", "out_of_scope_finance", "privacy_policy_missing"]
    assert Reminder.objects.filter(duty_key__contains="site-finding").count() == 6
    assert set(Finding.objects.filter(license=lic).values_list("last_scan", flat=True)) == {second.pk}

    # The holder adds the policy and drops the instalments: those two resolve with this scan.
    site.server.clear()
    site.serve("/", _home(lic))
    site.serve("/privacy", page("隐私政策"))
    site.serve("/cart", page("购物车"))
    third = _scan(shop.consultant, lic, django_capture_on_commit_callbacks)
    assert _open(lic) == ["no_https"]
    resolved = Finding.objects.get(license=lic, code="privacy_policy_missing")
    assert (resolved.state, resolved.resolved_scan_id, resolved.first_scan_id) == (
        "resolved",
        third.pk,
        first.pk,
    )

    # It comes back: a new finding, told again (once).
    site.server.clear()
    site.serve("/", _home(lic, privacy=False))
    site.serve("/cart", page("购物车"))
    _scan(shop.applicant, lic, django_capture_on_commit_callbacks)
    assert Finding.objects.filter(license=lic, code="privacy_policy_missing").count() == 2
    assert Reminder.objects.filter(duty_key__contains="site-finding").count() == 8


def test_an_unreachable_site_resolves_nothing(shop: Any, django_capture_on_commit_callbacks: Any) -> None:
    lic, site = shop.license, shop.site
    site.serve("/", _home(lic, privacy=False))
    _scan(shop.applicant, lic, django_capture_on_commit_callbacks)
    assert _open(lic) == ["no_https", "privacy_policy_missing"]
    site.server.stop()
    down = _scan(shop.applicant, lic, django_capture_on_commit_callbacks)
    assert down.status == "done" and down.codes == ["unreachable"]
    assert _open(lic) == ["no_https", "privacy_policy_missing", "unreachable"]


def test_a_lapsed_license_shown_by_the_site_is_a_mismatch(
    shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lic, site = shop.license, shop.site
    old = make_license(shop.enterprise, "old.example.cn", state="lapsed")
    site.serve("/", _home(lic).replace(lic.number, f"{lic.number} {old.number}"))
    _scan(shop.applicant, lic, django_capture_on_commit_callbacks)
    finding = Finding.objects.get(license=lic, code="license_mismatch")
    assert finding.message_code == "license_mismatch.state" and finding.params["shown"] == old.number


def test_a_refused_address_is_recorded_without_internal_detail(
    personas: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from icpdesk.lib import netguard

    monkeypatch.delenv(netguard.ALLOW_PRIVATE_ENV, raising=False)
    lic = make_license(personas.enterprise, "127.0.0.1:8000")
    scan = _scan(personas.reviewer, lic, django_capture_on_commit_callbacks)
    assert (scan.status, scan.error_code) == ("refused", "loopback")
    assert scan.error_zh == "该地址指向本机（回环地址）：127.0.0.1"
    assert not Finding.objects.exists()


def test_a_second_request_while_one_is_queued_is_refused(personas: Any) -> None:
    lic = make_license(personas.enterprise, "shop.example.cn")
    services.request_license_scan(personas.applicant, lic.pk)  # on_commit never fires here: it stays queued
    with pytest.raises(services.ScanRunning):
        services.request_license_scan(personas.consultant, lic.pk)


def test_who_may_start_a_scan(personas: Any) -> None:
    lic = make_license(personas.enterprise, "shop.example.cn")
    allowed = {
        name
        for name in (
            "applicant",
            "member",
            "consultant",
            "reviewer",
            "inspector",
            "approver",
            "outsider",
            "other_reviewer",
        )
        if services.may_start(getattr(personas, name), license_=lic)
    }
    assert allowed == {"applicant", "member", "consultant", "reviewer", "inspector"}
