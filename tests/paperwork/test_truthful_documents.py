"""The desk never drafts what the profile contradicts: every document against an ineligible profile.

The profile is 甘南's: servers in Hong Kong, on the list of serious violations,
content found not compliant. Each document is refused with the reason, or
drafted stating the facts as they are.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.errors import PreconditionFailed
from icpdesk.paperwork import documents, services
from icpdesk.paperwork.models import GeneratedDocument
from tests.factories import Personas, make_enterprise
from tests.paperwork.conftest import docx_text, pdf_text

REFUSED = {
    "privacy_policy": ("香港", "Hong Kong"),
    "data_security_rules": ("香港", "Hong Kong"),
    "no_violation_statement": ("严重违法失信名单", "serious violations"),
    "content_review": ("内容不合规", "does not"),
}


@pytest.fixture
def ineligible(personas: Personas) -> Application:
    enterprise: Enterprise = make_enterprise(
        "甘南草原牧业电子商务有限公司",
        eligible=False,
        server_regions=["CN-HK"],
        server_address="香港九龙观塘道 1 号",
        on_serious_violation_list=True,
        content_compliant=False,
    )
    from icpdesk.accounts.models import Mandate

    Mandate.objects.create(agency=personas.agency, enterprise=enterprise)
    return actions.create_application(personas.consultant, enterprise)


def _text(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        return docx_text(content)
    if fmt == "pdf":
        return pdf_text(content)
    return content.decode("utf-8", "replace") if fmt == "svg" else ""


@pytest.mark.parametrize("document", documents.CASE_DOCUMENTS, ids=lambda d: d.id)
def test_every_document_is_refused_with_the_reason_or_states_the_facts(
    ineligible: Application, document: documents.Document
) -> None:
    for fmt in document.formats:
        if document.id in REFUSED:
            with pytest.raises(PreconditionFailed) as refused:
                services.draft(ineligible, document, fmt)
            zh, en = REFUSED[document.id]
            assert zh in refused.value.message_zh and document.name_zh in refused.value.message_zh
            assert en in refused.value.message_en
            assert refused.value.field == "document"
            continue
        text = "".join(_text(fmt, services.draft(ineligible, document, fmt).content).split())
        # No claim that the servers or the data are in mainland China.
        assert "境内的服务器" not in text and "位于中国大陆境内" not in text
        if document.id in ("application_form", "topology") and fmt != "png":
            assert "香港" in text
        if document.id == "topology" and fmt != "png":
            assert "不符合许可条件" in text  # the warning beside the facts


def test_the_page_says_why_and_stores_nothing(personas: Personas, ineligible: Application) -> None:
    client = Client()
    client.force_login(personas.consultant)
    response = client.post(
        reverse("paperwork:generate", args=[ineligible.pk]), {"document": "privacy_policy", "format": "pdf"}
    )
    assert response.status_code == 422
    assert "香港" in response.content.decode() and "中国大陆境外" in response.content.decode()
    assert not GeneratedDocument.objects.filter(application=ineligible).exists()


def test_an_eligible_profile_still_gets_its_privacy_policy(case: Application) -> None:
    text = docx_text(services.draft(case, documents.get("privacy_policy"), "docx").content)
    assert "中华人民共和国境内的服务器" in text
