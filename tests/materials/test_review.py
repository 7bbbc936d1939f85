"""Review and supplement: verdicts, returning the case with every reason, the diff, forgery signals."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from icpdesk.accounts.choices import Role
from icpdesk.cases import actions
from icpdesk.cases.models import Application, SupplementNotice
from icpdesk.core.lifecycle import State
from icpdesk.lib.errors import InvalidInput, InvalidTransition
from icpdesk.materials import services
from icpdesk.materials.models import CaseMaterial, MaterialState
from tests.factories import Personas, file_with_materials, make_enterprise, make_user, mark_filed
from tests.materials.conftest import pdf, png

TODAY = date(2026, 12, 1)


@pytest.fixture
def filed(personas: Personas, case: Application, put: Any) -> Application:
    put(personas.consultant, case, "business_license", png(), credit_code=personas.enterprise.uscc)
    put(personas.consultant, case, "hosting_agreement", pdf(), "托管.pdf", server_region="CN-HK")
    put(personas.consultant, case, "security_insurance", png(), period_end="2026-11-30")
    file_with_materials(personas.consultant, case, today=TODAY)
    return case


@pytest.mark.django_db
def test_return_with_reasons_lists_every_returned_material_and_the_applicant_answers(
    personas: Personas, filed: Application, put: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = personas
    reviewer = Client()
    reviewer.force_login(p.reviewer)
    verdict = reverse("materials:verdict", args=[filed.pk, "business_license"])
    assert reviewer.post(verdict, {"verdict": "accept"}).status_code == 302
    for mid, reason in (
        ("hosting_agreement", "服务器位于香港，不符合要求"),
        ("security_insurance", "社保证明未盖章"),
    ):
        url = reverse("materials:verdict", args=[filed.pk, mid])
        assert reviewer.post(url, {"verdict": "return", "reason": reason}).status_code == 302
    page = reviewer.get(reverse("materials:case", args=[filed.pk])).content.decode()
    assert "服务器位于香港，不符合要求" in page and "退回案件补正（2 项材料）" in page

    response = reviewer.post(
        reverse("materials:return", args=[filed.pk]), {"expected_version": filed.version}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.state == State.RETURNED
    notice = SupplementNotice.objects.get(application=filed)
    assert notice.items == [
        {
            "item": "服务器托管协议复印件",
            "reason": "服务器位于香港，不符合要求",
            "material": "hosting_agreement",
        },
        {
            "item": "网络安全管理人员近1个月甘肃社保缴纳证明",
            "reason": "社保证明未盖章",
            "material": "security_insurance",
        },
    ]

    # The applicant side sees the reasons, uploads new versions and answers.
    consultant = Client()
    consultant.force_login(p.consultant)
    page = consultant.get(reverse("materials:case", args=[filed.pk])).content.decode()
    assert "社保证明未盖章" in page
    put(p.consultant, filed, "hosting_agreement", pdf(pages=2), "托管v2.pdf", server_region="CN-GS")
    assert (
        CaseMaterial.objects.get(application=filed, material_id="hosting_agreement").state
        == MaterialState.UPLOADED
    )
    actions.answer_supplement(p.consultant, filed, "已更换为甘肃机房的托管协议", today=TODAY)
    assert filed.state == State.FILED

    # The reviewer sees what changed since the last look.
    changes = reviewer.get(reverse("materials:changes", args=[filed.pk])).content.decode()
    assert "上次审查的是 v1，最新为 v2。" in changes
    assert "香港" not in changes or "CN-HK" in changes
    judged = {"business_license", "hosting_agreement", "security_insurance"}
    [change] = [c for c in services.changes_since_review(filed) if c["material_id"] in judged]
    assert change["material_id"] == "hosting_agreement"
    assert change["file_changed"] is True
    assert change["facts_diff"] == [
        {"field": "server_region", "label": "服务器所在地区", "before": "CN-HK", "after": "CN-GS"}
    ]


@pytest.mark.django_db
def test_returning_the_case_needs_a_returned_material(personas: Personas, filed: Application) -> None:
    with pytest.raises(InvalidInput):
        services.return_case(personas.reviewer, filed)
    assert filed.state == State.FILED


@pytest.mark.django_db
def test_a_return_verdict_needs_a_reason_and_keeps_the_form(personas: Personas, filed: Application) -> None:
    client = Client()
    client.force_login(personas.reviewer)
    response = client.post(
        reverse("materials:verdict", args=[filed.pk, "topology"]), {"verdict": "return", "reason": ""}
    )
    assert response.status_code == 422
    assert "退回材料须写明原因" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_material_cannot_be_accepted(personas: Personas, filed: Application) -> None:
    with pytest.raises(InvalidInput):
        services.set_verdict(personas.reviewer, filed, "bank_statements", "accept")


@pytest.mark.django_db
def test_verdicts_only_while_the_case_awaits_acceptance(personas: Personas, case: Application) -> None:
    with pytest.raises(InvalidTransition):
        services.set_verdict(personas.reviewer, case, "business_license", "return", "x")


@pytest.mark.django_db
def test_a_forgery_mark_is_shown_to_the_approver_not_the_applicant(
    personas: Personas, filed: Application
) -> None:
    services.mark_forged(personas.reviewer, filed, "hosting_agreement", "机房印章与托管商不符")
    approver = Client()
    approver.force_login(personas.approver)
    assert "机房印章与托管商不符" in approver.get(reverse("materials:case", args=[filed.pk])).content.decode()
    applicant = Client()
    applicant.force_login(personas.applicant)
    assert (
        "机房印章与托管商不符"
        not in applicant.get(reverse("materials:case", args=[filed.pk])).content.decode()
    )


@pytest.mark.django_db
def test_the_same_file_for_two_enterprises_is_flagged_and_the_other_case_named_only_where_visible(
    personas: Personas, case: Application, put: Any
) -> None:
    p = personas
    same = png(1300, 1800, "gray")
    put(p.consultant, case, "hosting_agreement", same)
    # Another Gansu enterprise: the Gansu reviewer sees both cases.
    other_case = actions.create_application(p.outsider, p.other_enterprise)
    put(p.outsider, other_case, "hosting_agreement", same)
    # An enterprise in Shaanxi: only the Shaanxi reviewer sees its case.
    shaanxi = make_enterprise(
        "西安某电子商务有限公司", province="陕西省", province_code="CN-SN", city="西安市"
    )
    owner = make_user("sn_owner", shaanxi.organisation, [Role.OWNER])
    sn_case = actions.create_application(owner, shaanxi)
    put(owner, sn_case, "hosting_agreement", same)
    mark_filed(case, other_case, sn_case)

    signals = services.duplicate_signals(p.reviewer, case)["hosting_agreement"]
    named = {s["reference"] for s in signals}
    assert named == {other_case.reference, None}  # the Shaanxi case is flagged but not named
    sn_signals = services.duplicate_signals(p.other_reviewer, sn_case)["hosting_agreement"]
    assert [s["reference"] for s in sn_signals] == [None, None]  # both Gansu cases stay unnamed

    reviewer = Client()
    reviewer.force_login(p.reviewer)
    page = reviewer.get(reverse("materials:case", args=[case.pk])).content.decode()
    assert "相同文件（SHA-256 相同）也出现在另一企业的案件中" in page
    assert other_case.reference in page and sn_case.reference not in page
    # The applicant side is not shown the signal at all.
    assert services.duplicate_signals(p.consultant, case) == {}
    consultant = Client()
    consultant.force_login(p.consultant)
    assert "SHA-256 相同" not in consultant.get(reverse("materials:case", args=[case.pk])).content.decode()


@pytest.mark.django_db
def test_the_same_file_twice_for_one_enterprise_is_not_a_signal(
    personas: Personas, case: Application, put: Any
) -> None:
    put(personas.consultant, case, "business_license", png())
    second = actions.create_application(personas.consultant, personas.enterprise)
    put(personas.consultant, second, "business_license", png())
    assert services.duplicate_signals(personas.reviewer, case) == {}


@pytest.mark.django_db
def test_the_case_zip_holds_every_version_with_a_manifest(
    personas: Personas, case: Application, put: Any
) -> None:
    v1 = put(personas.consultant, case, "business_license", png(), "执照.png")
    v2 = put(personas.consultant, case, "business_license", pdf(), "执照.pdf")
    mark_filed(case)
    client = Client()
    client.force_login(personas.reviewer)
    response = client.get(reverse("materials:zip", args=[case.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["case"] == case.reference
    assert [(f["file"], f["version"], f["sha256"], f["original_name"]) for f in manifest["files"]] == [
        ("business_license/v1.png", 1, v1.sha256, "执照.png"),
        ("business_license/v2.pdf", 2, v2.sha256, "执照.pdf"),
    ]
    assert archive.read("business_license/v1.png") == png()
