"""Files in an S3-compatible bucket: a local S3 server (moto's server mode, on loopback) stands in
for the province's object storage, and every file the desk keeps goes there and comes back through
the desk's views, with nothing written to the local media folder."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from openpyxl import load_workbook

from icpdesk.bulk.models import ImportRun
from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.materials.models import MaterialVersion
from icpdesk.paperwork.models import GeneratedDocument
from tests.bulk.conftest import xlsx
from tests.factories import Personas, make_uscc, mark_filed
from tests.materials.conftest import png, post_upload

ROOT = Path(__file__).resolve().parents[2]
REGION = "cn-northwest-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3 server for the module's tests, on 127.0.0.1 and a free port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _storages_for(**env: str) -> dict[str, Any]:
    """``STORAGES`` as the settings build it from this environment (in a fresh interpreter)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ICPDESK_") and k != "DATABASE_URL"}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import json, icpdesk.settings as s; print(json.dumps(s.STORAGES))"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    storages: dict[str, Any] = json.loads(result.stdout)
    return storages


@pytest.fixture(scope="module")
def s3_storages(s3_endpoint: str) -> dict[str, Any]:
    return _storages_for(
        ICPDESK_S3_BUCKET="icpdesk-files",
        ICPDESK_S3_ENDPOINT_URL=s3_endpoint,
        ICPDESK_S3_REGION=REGION,
    )


@pytest.fixture
def bucket(
    s3_endpoint: str, s3_storages: dict[str, Any], settings: Any, tmp_path: Path, monkeypatch: Any
) -> Iterator[Any]:
    """A new, empty bucket the desk's default storage writes to; yields a boto3 client and its name."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "icpdesk-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "icpdesk-test-secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    name = f"icpdesk-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="icpdesk-test",
        aws_secret_access_key="icpdesk-test-secret",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    default = json.loads(json.dumps(s3_storages["default"]))
    default["OPTIONS"]["bucket_name"] = name
    settings.STORAGES = {**settings.STORAGES, "default": default}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.bucket_name = name
    yield client


def keys(bucket: Any) -> list[str]:
    listed = bucket.list_objects_v2(Bucket=bucket.bucket_name)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def assert_media_root_untouched(settings: Any) -> None:
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*")), list(media.rglob("*"))


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


# ------------------------------------------------------------------ settings


def test_a_named_bucket_makes_s3_the_default_storage_with_private_objects() -> None:
    storages = _storages_for(
        ICPDESK_S3_BUCKET="gs-icpdesk",
        ICPDESK_S3_ENDPOINT_URL="https://oss-cn-lanzhou.example.cn",
        ICPDESK_S3_REGION="cn-lanzhou",
        ICPDESK_S3_PREFIX="/desk/",
    )
    default = storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "gs-icpdesk"
    assert options["endpoint_url"] == "https://oss-cn-lanzhou.example.cn"
    assert options["region_name"] == "cn-lanzhou"
    assert options["location"] == "desk"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is False  # no URL the storage makes opens a file
    assert options["file_overwrite"] is False
    assert "access_key" not in options and "secret_key" not in options  # boto3's own credential chain
    assert storages["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedStaticFilesStorage"


def test_without_a_bucket_the_files_stay_on_the_local_disk() -> None:
    default = _storages_for()["default"]
    assert default == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    no_acl = _storages_for(ICPDESK_S3_BUCKET="b", ICPDESK_S3_ACL="")["default"]["OPTIONS"]
    assert no_acl["default_acl"] is None and no_acl["endpoint_url"] is None


# ------------------------------------------------------------------ the files themselves


@pytest.mark.django_db
def test_a_material_is_uploaded_to_the_bucket_downloaded_previewed_and_zipped(
    personas: Personas, bucket: Any, settings: Any, s3_endpoint: str, django_capture_on_commit_callbacks: Any
) -> None:
    case = actions.create_application(personas.consultant, personas.enterprise)
    consultant = signed_in(personas.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(consultant, case, "business_license", png(), "执照.png")
    assert response.status_code == 302
    version = MaterialVersion.objects.get()
    assert keys(bucket) == [version.file]
    assert version.file.startswith(f"cases/{case.pk}/business_license/1-")
    # The background check read the scan back from the bucket: a 1200 x 1600 PNG is legible.
    version.refresh_from_db()
    assert version.flags["legibility"] == []
    stored = bucket.get_object(Bucket=bucket.bucket_name, Key=version.file)
    assert stored["Body"].read() == png()
    # Private: the object is not readable without the desk's credentials.
    assert httpx.get(f"{s3_endpoint}/{bucket.bucket_name}/{version.file}").status_code == 403

    for name, disposition in (("materials:download", "attachment"), ("materials:preview", "inline")):
        answer = consultant.get(reverse(name, args=[version.pk]))
        assert answer.status_code == 200
        assert answer["Content-Disposition"].startswith(disposition)
        assert answer["Content-Length"] == str(len(png()))
        assert streamed(answer) == png()
    # Someone who may not see the case gets nothing from the bucket either.
    outsider = signed_in(personas.outsider)
    assert outsider.get(reverse("materials:download", args=[version.pk])).status_code == 404

    mark_filed(case, on=date(2026, 12, 1))
    zipped = signed_in(personas.reviewer).get(reverse("materials:zip", args=[case.pk]))
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(streamed(zipped)))
    assert archive.read("business_license/v1.png") == png()
    manifest = json.loads(archive.read("manifest.json"))
    assert [f["sha256"] for f in manifest["files"]] == [version.sha256]
    assert_media_root_untouched(settings)


@pytest.mark.django_db
def test_an_import_runs_from_the_stored_workbook_and_its_error_workbook_comes_from_the_bucket(
    personas: Personas, bucket: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    consultant = signed_in(personas.consultant)
    data = xlsx([[make_uscc(), "兰州对象存储有限公司", "明天"]], ["统一社会信用代码", "企业名称", "成立日期"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = consultant.post("/bulk/imports/", {"file": SimpleUploadedFile("客户.xlsx", data)})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == "rejected", run.report  # all or nothing: one faulty row, nothing imported
    assert run.file and run.error_file
    assert keys(bucket) == sorted([run.file, run.error_file])
    assert bucket.get_object(Bucket=bucket.bucket_name, Key=run.file)["Body"].read() == data
    page = consultant.get(response["Location"]).content.decode()
    assert "<td>2</td><td>成立日期</td><td><code>enterprise.registered_on</code></td>" in page

    errors = consultant.get(f"/bulk/imports/{run.pk}/errors.xlsx")
    assert errors.status_code == 200
    sheet = load_workbook(io.BytesIO(streamed(errors)))["企业"]
    faulty = sheet.cell(row=2, column=3)
    assert faulty.value == "明天" and faulty.comment is not None
    assert "enterprise.registered_on" in faulty.comment.text
    assert signed_in(personas.outsider).get(f"/bulk/imports/{run.pk}/errors.xlsx").status_code == 404
    assert_media_root_untouched(settings)


@pytest.mark.django_db
def test_a_generated_document_is_stored_in_the_bucket_and_downloaded(
    personas: Personas, bucket: Any, settings: Any
) -> None:
    case: Application = actions.create_application(personas.consultant, personas.enterprise)
    mark_filed(case)
    consultant = signed_in(personas.consultant)
    response = consultant.post(
        reverse("paperwork:generate", args=[case.pk]),
        {"document": "no_violation_statement", "format": "docx"},
    )
    assert response.status_code == 302
    record = GeneratedDocument.objects.get()
    assert keys(bucket) == [record.file]
    download = consultant.get(response["Location"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    data = streamed(download)
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert personas.enterprise.name in text
    assert bucket.get_object(Bucket=bucket.bucket_name, Key=record.file)["Body"].read() == data
    assert len(data) == record.size
    assert_media_root_untouched(settings)
