"""Materials through the API: the access matrix, uploads and their refusals, review and supplement."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import State
from icpdesk.materials import services
from icpdesk.materials.models import CaseMaterial, MaterialState, MaterialVersion
from tests.api.conftest import BASE, PERSONAS, Api, case_in
from tests.factories import Personas, mark_filed
from tests.materials.conftest import pdf, png

pytestmark = pytest.mark.django_db

READ = dict.fromkeys(("applicant", "consultant", "reviewer", "inspector", "approver"), 200) | {
    "outsider": 404,
    "other_reviewer": 404,
    None: 401,
}


def only(allowed: tuple[str, ...], status: int = 200) -> dict[str | None, int]:
    expected: dict[str | None, int] = dict.fromkeys(
        ("applicant", "consultant", "reviewer", "inspector", "approver"), 403
    )
    expected.update(dict.fromkeys(allowed, status))
    expected.update({"outsider": 404, "other_reviewer": 404, None: 401})
    return expected


@pytest.fixture(autouse=True)
def _media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    yield


def upload(
    api: Api, who: str | None, case_id: int, material_id: str, data: bytes, name: str, **facts: str
) -> Any:
    return api.client.post(
        f"{BASE}/cases/{case_id}/materials/{material_id}/versions",
        {"file": SimpleUploadedFile(name, data), **facts},
        headers=api.headers(who),
    )


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (valid CRC)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# ------------------------------------------------------------------ the access matrix


def _return_one(p: Personas, case: Application) -> None:
    services.set_verdict(p.reviewer, case, "business_license", "return", "复印件不清晰")


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    state: State
    expected: dict[str | None, int]
    body: Any = None
    multipart: bool = False
    prepare: Callable[[Personas, Application], None] | None = None


ZIP_READERS = only(("reviewer", "inspector", "approver"))

ROWS = [
    Row("get", "/cases/{case}/materials", State.FILED, READ),
    Row("get", "/cases/{case}/materials/business_license/versions", State.FILED, READ),
    Row("get", "/cases/{case}/materials/business_license/versions/1/download", State.FILED, READ),
    Row("get", "/cases/{case}/materials/changes", State.FILED, READ),
    Row("get", "/cases/{case}/materials.zip", State.FILED, ZIP_READERS),
    Row(
        "post",
        "/cases/{case}/materials/business_license/versions",
        State.RETURNED,
        only(("applicant", "consultant"), 201),
        multipart=True,
    ),
    # A draft is the applicant side's alone: the regulator does not see it.
    Row(
        "post",
        "/cases/{case}/materials/business_license/versions",
        State.DRAFT,
        only(("applicant", "consultant"), 201) | dict.fromkeys(("reviewer", "inspector", "approver"), 404),
        multipart=True,
    ),
    Row(
        "post",
        "/cases/{case}/materials/business_license/verdict",
        State.FILED,
        only(("reviewer",)),
        {"verdict": "return", "reason": "复印件不清晰"},
    ),
    Row(
        "post",
        "/cases/{case}/materials/business_license/forged",
        State.FILED,
        only(("reviewer",)),
        {"reason": "印章与登记机关不符"},
    ),
    Row("post", "/cases/{case}/materials/return", State.FILED, only(("reviewer",)), prepare=_return_one),
]


def _call(api: Api, who: str | None, row: Row, path: str) -> Any:
    if row.method == "get":
        return api.get(who, path)
    if row.multipart:
        return api.client.post(
            BASE + path,
            {"file": SimpleUploadedFile("执照.png", png()), "company_name": "测试"},
            headers=api.headers(who),
        )
    return api.post(who, path, row.body)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path}" for r in ROWS])
def test_access_matrix(api: Api, personas: Personas, row: Row) -> None:
    shared = case_in(personas, row.state) if row.method == "get" else None
    for who in (*PERSONAS, None):
        case = shared or case_in(personas, row.state, materials=True)
        if row.prepare is not None:
            row.prepare(personas, case)
        before = (case.state, case.version, MaterialVersion.objects.count())
        path = row.path.format(case=case.pk)
        response = _call(api, who, row, path)
        expected = row.expected[who]
        assert response.status_code == expected, (who, response.status_code, response.content[:300])
        if expected >= 400:
            payload = response.json()
            assert {"code", "message", "field", "state"} <= set(payload), who
            case.refresh_from_db()
            assert (case.state, case.version, MaterialVersion.objects.count()) == before, who
        if expected == 404:
            assert payload["code"] == "not_found"
            other = _call(api, who, row, row.path.format(case=10**9))
            assert other.status_code == 404
            assert other.json() == payload


def test_no_materials_endpoint_reveals_a_case_to_another_province(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    for path in ("/materials", "/materials/changes", "/materials.zip", "/materials/articles/versions"):
        response = api.get("other_reviewer", f"/cases/{case.pk}{path}")
        assert response.status_code == 404
        assert personas.enterprise.name not in response.content.decode()


# ------------------------------------------------------------------ the checklist


def test_the_checklist_has_every_group_and_the_latest_version(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    data = png()
    body = ok(upload(api, "consultant", case.pk, "business_license", data, "执照.png"), 201)
    assert body["number"] == 1
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data)
    assert body["content_type"] == "image/png"
    assert body["pages"] == 1
    assert body["uploader"]["name"] in ("consultant", personas.consultant.get_full_name())
    assert body["download"] == f"/api/v1/cases/{case.pk}/materials/business_license/versions/1/download"

    checklist = ok(api.get("applicant", f"/cases/{case.pk}/materials"))
    assert checklist["case_id"] == case.pk and checklist["state"] == "draft"
    assert checklist["can_upload"] is True and checklist["can_review"] is False
    assert checklist["can_download_zip"] is False
    materials = {m["id"]: m for g in checklist["groups"] for m in g["materials"]}
    assert len(checklist["groups"]) == 5
    assert len(materials) == 16
    license_ = materials["business_license"]
    assert license_["state"] == "uploaded" and license_["state_label"] == "已上传"
    assert license_["required"] is True
    assert license_["latest"]["number"] == 1
    assert license_["latest"]["sha256"] == body["sha256"]
    assert "business_license" not in checklist["missing_required"]
    missing = [m for m in materials.values() if m["required"] and m["latest"] is None]
    assert sorted(checklist["missing_required"]) == sorted(m["id"] for m in missing)
    assert all(m["state"] == "missing" for m in missing)

    english = ok(api.get("applicant", f"/cases/{case.pk}/materials", {"lang": "en"}))
    names = {m["id"]: m["name"] for g in english["groups"] for m in g["materials"]}
    assert names["business_license"] != license_["name"]
    assert english["groups"][0]["materials"][0]["state_label"] in ("Uploaded", "Missing")


def test_a_stated_credit_code_of_another_company_is_flagged(
    api: Api, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_in(personas, State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        ok(
            upload(
                api,
                "consultant",
                case.pk,
                "business_license",
                png(),
                "执照.png",
                company_name=personas.enterprise.name,
                credit_code="91110000000000000X",
            ),
            201,
        )
    checklist = ok(api.get("consultant", f"/cases/{case.pk}/materials"))
    row = next(m for g in checklist["groups"] for m in g["materials"] if m["id"] == "business_license")
    assert row["check_status"] == "done"
    consistency = [f for f in row["flags"] if f["group"] == "consistency"]
    assert consistency, row["flags"]
    assert any("统一社会信用代码" in f["message"] for f in consistency)
    assert row["latest"]["facts"]["credit_code"] == "91110000000000000X"

    # A corrected version has no flag; the first keeps its own.
    with django_capture_on_commit_callbacks(execute=True):
        ok(
            upload(
                api,
                "consultant",
                case.pk,
                "business_license",
                png(color="black"),
                "执照.png",
                credit_code=personas.enterprise.uscc,
            ),
            201,
        )
    history = ok(api.get("consultant", f"/cases/{case.pk}/materials/business_license/versions"))
    assert [v["number"] for v in history] == [1, 2]
    assert [f for f in history[1]["flags"] if f["group"] == "consistency"] == []
    assert [f for f in history[0]["flags"] if f["group"] == "consistency"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_checklist_takes_a_fixed_number_of_queries(
    api: Api, personas: Personas, django_assert_max_num_queries: Any, rows: int
) -> None:
    case = case_in(personas, State.DRAFT)
    ids = [m.id for m in services.pack_of(case).materials]
    data = png(200, 200)
    for index in range(rows):
        services.upload_version(
            personas.consultant if index % 2 else personas.applicant,
            case,
            ids[index % len(ids)],
            io.BytesIO(data),
            original_name="a.png",
        )
    mark_filed(case)
    api.token("reviewer")
    with django_assert_max_num_queries(8):
        body = ok(api.get("reviewer", f"/cases/{case.pk}/materials"))
    assert sum(m["version_count"] for g in body["groups"] for m in g["materials"]) == rows
    with django_assert_max_num_queries(3):
        ok(api.get("reviewer", f"/cases/{case.pk}/materials/{ids[0]}/versions"))


# ------------------------------------------------------------------ uploads


REFUSALS = [
    (b"", "empty.pdf", "empty", "文件为空"),
    (b"just some text, not a document\n", "text.pdf", "unsupported_type", "不是 PDF、JPEG、PNG 或 DOCX"),
    (pdf(password="secret"), "locked.pdf", "encrypted_pdf", "PDF 已加密"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF", "broken.pdf", "broken_pdf", "PDF 文件已损坏"),
    (png_claiming(20_000, 20_000), "bomb.png", "image_bomb", "图片像素过多"),
]


@pytest.mark.parametrize(
    ("data", "name", "reason", "words"),
    REFUSALS,
    ids=["empty", "text-named-pdf", "encrypted-pdf", "broken-pdf", "image-bomb"],
)
def test_a_refused_upload_is_422_on_the_file_field_and_changes_nothing(
    api: Api, personas: Personas, data: bytes, name: str, reason: str, words: str
) -> None:
    case = case_in(personas, State.DRAFT)
    good = png()
    first = ok(upload(api, "consultant", case.pk, "business_license", good, "ok.png"), 201)
    before = list(MaterialVersion.objects.values())
    response = upload(api, "consultant", case.pk, "business_license", data, name, company_name="某公司")
    body = ok(response, 422)
    assert body["code"] == "invalid_input"
    assert body["field"] == "file"
    assert body["reason"] == reason
    assert words in body["message"] and name in body["message"]
    assert list(MaterialVersion.objects.values()) == before
    with default_storage.open(before[0]["file"]) as handle:
        assert handle.read() == good
    versions = ok(api.get("consultant", f"/cases/{case.pk}/materials/business_license/versions"))
    assert [v["sha256"] for v in versions] == [first["sha256"]]


def test_a_file_over_the_size_limit_is_refused(api: Api, personas: Personas, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1_000
    case = case_in(personas, State.DRAFT)
    body = ok(upload(api, "consultant", case.pk, "business_license", png(), "big.png"), 422)
    assert (body["field"], body["reason"]) == ("file", "too_large")
    assert "超过" in body["message"]
    english = api.client.post(
        f"{BASE}/cases/{case.pk}/materials/business_license/versions?lang=en",
        {"file": SimpleUploadedFile("big.png", png())},
        headers=api.headers("consultant"),
    )
    assert "over the" in ok(english, 422)["message"]
    assert not MaterialVersion.objects.exists()


def test_upload_input_errors_name_the_field(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    path = f"{BASE}/cases/{case.pk}/materials/business_license/versions"
    no_file = ok(api.client.post(path, {"company_name": "x"}, headers=api.headers("consultant")), 422)
    assert no_file["field"] == "file"
    bad_date = upload(api, "consultant", case.pk, "business_license", png(), "a.png", valid_from="明天")
    assert ok(bad_date, 422)["field"] == "valid_from"
    bad_region = upload(api, "consultant", case.pk, "business_license", png(), "a.png", server_region="MARS")
    assert ok(bad_region, 422)["field"] == "server_region"
    backwards = upload(
        api,
        "consultant",
        case.pk,
        "business_license",
        png(),
        "a.png",
        valid_from="2026-05-01",
        valid_until="2026-01-01",
    )
    assert ok(backwards, 422)["field"] == "valid_until"
    unknown = upload(api, "consultant", case.pk, "no_such_material", png(), "a.png")
    assert ok(unknown, 404)["code"] == "not_found"
    assert not MaterialVersion.objects.exists()


def test_uploads_are_refused_once_the_case_is_filed(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    before = MaterialVersion.objects.count()
    body = ok(upload(api, "consultant", case.pk, "business_license", png(), "a.png"), 409)
    assert body["code"] == "invalid_transition" and body["state"] == "filed"
    assert MaterialVersion.objects.count() == before


def test_a_download_is_the_file_with_safe_headers(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    data = pdf(pages=2)
    ok(upload(api, "applicant", case.pk, "articles", data, "<script>.pdf"), 201)
    mark_filed(case)
    response = api.get("approver", f"/cases/{case.pk}/materials/articles/versions/1/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response["Content-Disposition"].endswith("_articles_v1.pdf")
    assert "script" not in response["Content-Disposition"]
    for n in (2, 0, 2**40):
        missing = api.get("approver", f"/cases/{case.pk}/materials/articles/versions/{n}/download")
        assert missing.status_code == 404


def test_the_case_zip_has_every_version_and_a_manifest(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    response = api.get("reviewer", f"/cases/{case.pk}/materials.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["case"] == case.reference
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
    assert len(manifest["files"]) == MaterialVersion.objects.filter(case_material__application=case).count()
    refused = ok(api.get("consultant", f"/cases/{case.pk}/materials.zip"), 403)
    assert refused["code"] == "forbidden"


# ------------------------------------------------------------------ review and supplement


def test_verdicts_then_return_then_a_new_version_shows_as_a_change(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    base = f"/cases/{case.pk}/materials"
    accepted = ok(api.post("reviewer", f"{base}/articles/verdict", {"verdict": "accept"}))
    assert accepted["state"] == "accepted" and accepted["reviewed_version"] == 1
    no_reason = ok(api.post("reviewer", f"{base}/business_license/verdict", {"verdict": "return"}), 422)
    assert no_reason["field"] == "reason"
    wrong = ok(api.post("reviewer", f"{base}/business_license/verdict", {"verdict": "maybe"}), 422)
    assert wrong["field"] == "verdict"
    nothing = ok(api.post("reviewer", f"{base}/return"), 422)
    assert nothing["field"] == "items"

    returned = ok(
        api.post(
            "reviewer", f"{base}/business_license/verdict", {"verdict": "return", "reason": "复印件不清晰"}
        )
    )
    assert returned["state"] == "returned" and returned["return_reason"] == "复印件不清晰"
    ok(api.post("reviewer", f"{base}/legal_rep_id/verdict", {"verdict": "return", "reason": "已过期"}))
    checklist = ok(api.get("applicant", base))
    assert checklist["returned_count"] == 2

    stale = ok(api.post("reviewer", f"{base}/return", {"version": case.version - 1}), 409)
    assert stale["code"] == "case_changed"
    done = ok(api.post("reviewer", f"{base}/return", {"version": case.version}))
    assert done["state"] == "returned"
    items = done["supplement_notices"][0]["items"]
    pack = services.pack_of(case)
    assert [(i["item"], i["reason"]) for i in items] == [
        (pack.material("business_license").name_zh, "复印件不清晰"),
        (pack.material("legal_rep_id").name_zh, "已过期"),
    ]
    case.refresh_from_db()
    assert case.state == State.RETURNED
    assert ok(api.post("reviewer", f"{base}/articles/verdict", {"verdict": "accept"}), 409)["state"] == (
        "returned"
    )

    unjudged = {c["material_id"] for c in ok(api.get("reviewer", f"{base}/changes"))}
    assert "business_license" not in unjudged and "articles" not in unjudged  # judged, unchanged
    ok(
        upload(
            api,
            "applicant",
            case.pk,
            "business_license",
            png(color="black"),
            "new.png",
            company_name="新名称",
        ),
        201,
    )
    changes = {c["material_id"]: c for c in ok(api.get("reviewer", f"{base}/changes"))}
    assert set(changes) == unjudged | {"business_license"}
    change = changes["business_license"]
    assert (change["reviewed_version"], change["latest_version"]) == (1, 2)
    assert [v["number"] for v in change["new_versions"]] == [2]
    assert change["file_changed"] is True
    assert {"field": "company_name", "label": "企业名称", "before": "", "after": "新名称"} in change[
        "facts_diff"
    ]
    history = ok(api.get("applicant", f"{base}/business_license/versions"))
    assert [v["number"] for v in history] == [1, 2]  # v1 is kept


def test_a_forgery_mark_is_shown_to_the_regulator_only(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    base = f"/cases/{case.pk}/materials"
    assert ok(api.post("reviewer", f"{base}/articles/forged", {"reason": ""}), 422)["field"] == "reason"
    marked = ok(api.post("reviewer", f"{base}/articles/forged", {"reason": "印章与登记机关不符"}))
    assert marked["forged"] is True and marked["forged_reason"] == "印章与登记机关不符"
    assert CaseMaterial.objects.get(application=case, material_id="articles").forged

    def row(who: str) -> dict[str, Any]:
        checklist = ok(api.get(who, base))
        found: dict[str, Any] = next(
            m for g in checklist["groups"] for m in g["materials"] if m["id"] == "articles"
        )
        return found

    assert row("approver")["forged"] is True
    assert row("approver")["forged_reason"] == "印章与登记机关不符"
    assert row("applicant")["forged"] is False and row("applicant")["forged_reason"] == ""
    assert row("applicant")["state"] == MaterialState.UPLOADED
