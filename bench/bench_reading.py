"""Reading documents: pages a second on one core, scans and text-layer PDFs apart; memory; a 20-page scan.

The documents are the test corpus's (tests/reading/corpus.py): every kind of
material rendered with the CJK font and scanned (skewed, blurred, noised,
JPEG-compressed). A child process pinned to one CPU, with one OCR thread,
reads them the way a task worker does (the OCR engine built once, then
reused), so its peak resident memory is a worker's. Figures:

- scanned pages a second (OCR), over ``BENCH_READING_SCANS`` single-page JPEGs;
- text-layer pages a second, over a 20-page PDF with a text layer, read 3 times;
- the wall time of a 20-page scanned PDF (images only, no text layer);
- the engine's start (loading the bundled models) and the child's peak RSS.

The machine speed probe of ``bench_assess`` is printed before and after.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

SCANS = int(os.environ.get("BENCH_READING_SCANS", "") or 9)
PAGES = 20


def _probe() -> float:
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def _make(folder: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from PIL import Image
    from tests.reading import corpus

    rng = random.Random(20)
    kinds = list(corpus.MAKERS)
    scan = {"turn": 0, "blur": 0.7, "noise": 8, "quality": 60}
    for n in range(SCANS):
        doc = corpus.MAKERS[kinds[n % len(kinds)]](n % 3)
        (folder / f"scan-{n:02d}-{doc.material}.jpg").write_bytes(
            corpus.scanned(corpus.render(doc), rng, **scan)
        )
    pages = []
    for n in range(PAGES):
        doc = corpus.MAKERS[kinds[n % len(kinds)]](n % 3)
        pages.append(Image.open(io.BytesIO(corpus.scanned(corpus.render(doc), rng, **scan))).convert("RGB"))
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=130)
    (folder / "scanned-20.pdf").write_bytes(buffer.getvalue())

    from weasyprint import HTML

    body = "".join(
        f'<div style="page-break-after: always">{_html(corpus.MAKERS[kinds[n % len(kinds)]](n % 3))}</div>'
        for n in range(PAGES)
    )
    page = f"<html><body style=\"font-family: 'Noto Sans CJK SC'; font-size: 11pt\">{body}</body></html>"
    (folder / "text-20.pdf").write_bytes(bytes(HTML(string=page).write_pdf()))


def _html(doc: object) -> str:
    import html

    rows = doc.rows
    title = html.escape(doc.title)
    lines = "".join("<p>" + "　　".join(html.escape(text) for _, text in row) + "</p>" for row in rows)
    return f"<h1>{title}</h1>{lines}"


def _child(folder: Path) -> None:
    """Read everything in ``folder`` on one CPU and print the figures as JSON."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from icpdesk.reading import Limits, ocr, read_document

    started = time.perf_counter()
    ocr.engine(threads=1)
    engine_s = time.perf_counter() - started
    figures: dict[str, float] = {"engine_s": engine_s}

    scans = sorted(folder.glob("scan-*.jpg"))
    wall, cpu = time.perf_counter(), time.process_time()
    for path in scans:
        read_document(path.read_bytes(), path.stem.split("-", 2)[2])
    figures["scan_wall_s"] = time.perf_counter() - wall
    figures["scan_cpu_s"] = time.process_time() - cpu
    figures["scan_pages"] = len(scans)

    text = (folder / "text-20.pdf").read_bytes()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(3):
        reading = read_document(text, "business_license", Limits(page_limit=PAGES))
        assert reading.sources == ["text"] * PAGES, reading.sources
    figures["text_wall_s"] = time.perf_counter() - wall
    figures["text_cpu_s"] = time.process_time() - cpu
    figures["text_pages"] = 3 * PAGES

    scanned = (folder / "scanned-20.pdf").read_bytes()
    wall, cpu = time.perf_counter(), time.process_time()
    reading = read_document(scanned, "business_license", Limits(page_limit=PAGES))
    assert reading.sources == ["ocr"] * PAGES, reading.sources
    figures["pdf20_wall_s"] = time.perf_counter() - wall
    figures["pdf20_cpu_s"] = time.process_time() - cpu
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="icpdesk-bench-reading-") as name:
        folder = Path(name)
        _make(folder)
        before = _probe()
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(root / "src")}
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_reading", "--child", str(folder)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        after = _probe()
    f = json.loads(out.strip().splitlines()[-1])
    print(f"OCR engine start (bundled models, CPU): {f['engine_s']:.1f} s")
    print(
        f"scanned pages (OCR, one core): {f['scan_pages'] / f['scan_wall_s']:.3f} pages/s wall, "
        f"{f['scan_pages'] / f['scan_cpu_s']:.3f} pages/s CPU ({f['scan_pages']} single-page JPEG scans, "
        f"{f['scan_wall_s'] / f['scan_pages']:.1f} s a page)"
    )
    print(
        f"text-layer PDF pages (one core): {f['text_pages'] / f['text_wall_s']:.1f} pages/s wall, "
        f"{f['text_pages'] / f['text_cpu_s']:.1f} pages/s CPU ({f['text_pages']} pages, QR search included)"
    )
    print(f"20-page scanned PDF: {f['pdf20_wall_s']:.1f} s wall, {f['pdf20_cpu_s']:.1f} s CPU")
    print(f"peak RSS of the reading process: {f['peak_rss_mb']:.0f} MB")
    print(
        f"machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after "
        "(a shared machine's speed can halve from one second to the next)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(Path(sys.argv[2]))
    else:
        main()
