"""Materials: 1,000 uploads of 2 MB files through the upload endpoint, checks included.

A fresh SQLite database and media folder in a temporary directory; the
Django test client posts each file (a 2 MB PNG, unique per upload) with
stated facts to ``/materials/case/<id>/<material>/upload/``, spread over 63
cases of 16 materials. The checks run through the Tasks API's immediate
backend, i.e. inline once the upload's transaction commits, so the
upload→check-result latency is the time from the start of the request to
the version's ``checked_at``. Figures: throughput (uploads a second, wall
time) and that latency at the median and p95.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

COUNT = int(os.environ.get("BENCH_MATERIALS_COUNT", "") or 1000)
SIZE = 2 * 1024 * 1024


def _base_png() -> bytes:
    from PIL import Image

    side = 840  # 840 × 840 × 3 bytes of noise: a PNG of about 2 MB
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="icpdesk-bench-materials-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{root / 'bench.sqlite3'}"
    os.environ["ICPDESK_MEDIA_ROOT"] = str(root / "media")
    os.environ["ICPDESK_TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
    # The upload's own checks are measured here; reading has its own benchmark (bench_reading).
    os.environ["ICPDESK_READING_ON_UPLOAD"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    import logging

    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from tests.factories import make_personas

    from icpdesk.cases import actions
    from icpdesk.lib.packs import current_pack
    from icpdesk.materials.models import MaterialVersion

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    personas = make_personas()
    materials = [m.id for m in current_pack().materials]
    cases = [
        actions.create_application(personas.consultant, personas.enterprise)
        for _ in range((COUNT + len(materials) - 1) // len(materials))
    ]
    base = _base_png()
    print(f"file size: {len(base) / 1048576:.2f} MB (PNG)", flush=True)
    client = Client()
    client.force_login(personas.consultant)
    started_at: dict[int, float] = {}
    t0 = time.perf_counter()
    wall0 = time.time()
    for i in range(COUNT):
        case = cases[i // len(materials)]
        mid = materials[i % len(materials)]
        data = base + f"#{i}".encode()  # trailing bytes: a unique hash, still the same valid PNG
        before = time.time()
        response = client.post(
            f"/materials/case/{case.pk}/{mid}/upload/",
            {
                "file": SimpleUploadedFile(f"scan-{i}.png", data),
                "company_name": personas.enterprise.name,
                "server_region": "CN-GS",
            },
        )
        if response.status_code != 302:
            raise SystemExit(f"upload {i} answered {response.status_code}")
        started_at[i] = before
    elapsed = time.perf_counter() - t0
    versions = list(MaterialVersion.objects.order_by("id").values_list("checked_at", "check_status"))
    assert len(versions) == COUNT, len(versions)
    latencies = sorted(
        (checked.timestamp() - started_at[i]) * 1000
        for i, (checked, _status) in enumerate(versions)
        if checked
    )
    done = sum(1 for _, status in versions if status == "done")
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"uploads: {COUNT} × {SIZE / 1048576:.0f} MB in {elapsed:.1f} s", flush=True)
    print(f"throughput: {COUNT / elapsed:.1f} uploads/s ({COUNT * len(base) / 1048576 / elapsed:.1f} MB/s)")
    print(f"checks done: {done}/{COUNT}")
    print(f"upload→check result p50: {statistics.median(latencies):.0f} ms")
    print(f"upload→check result p95: {p95:.0f} ms")
    print(f"(wall clock {time.time() - wall0:.1f} s)")
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
