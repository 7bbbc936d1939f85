"""Each uploaded version is read in the background and the reading is stored on it, ID numbers masked."""

from __future__ import annotations

from typing import Any

import pytest

from icpdesk.cases.models import Application
from icpdesk.materials.models import CheckStatus, ReadStatus
from tests.factories import Personas
from tests.materials.conftest import docx, pdf
from tests.reading import corpus


@pytest.fixture(autouse=True)
def reading_on_upload(settings: Any) -> None:
    settings.READING_ON_UPLOAD = True


@pytest.mark.django_db
def test_an_uploaded_license_is_read_and_its_fields_stored(
    personas: Personas, case: Application, put: Any
) -> None:
    doc = corpus.business_license(0)
    version = put(personas.consultant, case, "business_license", corpus.text_pdf(doc), "执照.pdf")
    assert version.check_status == CheckStatus.DONE
    assert version.read_status == ReadStatus.DONE
    assert version.read_at is not None
    fields = version.reading["fields"]
    assert fields["uscc"]["value"] == doc.expected["uscc"]
    assert fields["registered_capital_cny"]["value"] == 1_000_000
    assert fields["registered_on"] == {**fields["registered_on"], "value": "2023-05-10", "page": 1}
    assert len(fields["uscc"]["box"]) == 4
    assert version.reading["pages"] == 1 and version.reading["flags"] == []
    assert "营业执照" in version.reading["text"]


@pytest.mark.django_db
def test_an_identity_number_is_never_stored_in_plain_text(
    personas: Personas, case: Application, put: Any
) -> None:
    doc = corpus.id_card(0, "legal_rep_id")
    version = put(personas.consultant, case, "legal_rep_id", corpus.text_pdf(doc), "身份证.pdf")
    assert version.read_status == ReadStatus.DONE
    assert version.reading["fields"]["id_number"]["value"] == doc.expected["id_number"]
    assert corpus.plain_id_numbers(str(version.reading)) == []


@pytest.mark.django_db
def test_a_file_with_nothing_to_read_keeps_the_reason(
    personas: Personas, case: Application, put: Any
) -> None:
    version = put(personas.consultant, case, "articles", pdf(2), "章程.pdf")
    assert version.read_status == ReadStatus.UNREADABLE
    assert version.reading["error"]["code"] == "nothing_read"
    assert "没有读到任何文字" in version.reading["error"]["message_zh"]
    # The checks ran all the same.
    assert version.check_status == CheckStatus.DONE


@pytest.mark.django_db
def test_a_word_file_is_not_read(personas: Personas, case: Application, put: Any) -> None:
    version = put(personas.consultant, case, "content_review", docx(), "审查报告.docx")
    assert version.read_status == ReadStatus.SKIPPED
    assert version.reading == {}


@pytest.mark.django_db
def test_reading_can_be_turned_off(personas: Personas, case: Application, put: Any, settings: Any) -> None:
    settings.READING_ON_UPLOAD = False
    version = put(personas.consultant, case, "business_license", corpus.text_pdf(corpus.business_license(1)))
    assert version.read_status == ReadStatus.PENDING
    assert version.check_status == CheckStatus.DONE


@pytest.mark.django_db
def test_a_failing_reader_marks_the_reading_failed_and_leaves_the_upload(
    personas: Personas, case: Application, put: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icpdesk.materials import reading

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(reading, "read_document", boom)
    version = put(personas.consultant, case, "business_license", corpus.text_pdf(corpus.business_license(2)))
    assert version.read_status == ReadStatus.FAILED
    assert version.check_status == CheckStatus.DONE
    assert version.number == 1
