"""Reading needs no network: the OCR models are the wheel's own files, loaded on the CPU."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest
from PIL import Image

from icpdesk.reading import ocr, read_document
from tests.reading.conftest import jpeg


def test_the_ocr_engine_is_built_and_reads_with_the_network_blocked(
    monkeypatch: pytest.MonkeyPatch, small_scan: Image.Image
) -> None:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    # Built anew here, under the block, so loading the models is part of what is proved.
    monkeypatch.setattr(ocr, "_ENGINE", None)
    reading = read_document(jpeg(small_scan), "domain_certificate")
    assert reading.fields["domain"].value == "longhuo.cn"
    assert reading.fields["registered_on"].value == "2023-05-15"
    assert reading.fields["expires_on"].value == "2026-05-15"
    assert reading.sources == ["ocr"]
    assert attempts == []


def test_the_engine_runs_on_the_cpu_only(small_scan: Image.Image) -> None:
    read_document(jpeg(small_scan), "domain_certificate")
    engine = ocr.engine()
    providers = {p for session in _sessions(engine) for p in session.get_providers()}
    assert providers == {"CPUExecutionProvider"}


def _sessions(engine: Any) -> list[Any]:
    import onnxruntime

    found = [
        part.session.session
        for part in (engine.text_det, engine.text_cls, engine.text_rec)
        if isinstance(getattr(getattr(part, "session", None), "session", None), onnxruntime.InferenceSession)
    ]
    assert len(found) == 3, "the detection, direction and recognition models each run in onnxruntime"
    return found


def test_the_reading_package_does_not_import_django() -> None:
    code = (
        "import sys, icpdesk.reading, icpdesk.reading.engine; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja', 'django_tasks_db')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
