"""The suite's own corpus of scans reads at 95% field accuracy or better.

The corpus (tests/reading/corpus.py) is rendered here: every kind of material
with fields, turned by 90°, 180° and 270°, skewed, blurred, noised and
JPEG-compressed, as images, scanned PDFs and text-layer PDFs. Each field read
is compared with the fact the document prints; the accuracy by field is
printed (``pytest -s``) so it can be quoted.
"""

from __future__ import annotations

from collections import defaultdict

from icpdesk.reading import read_document
from tests.reading import corpus

ACCURACY = 0.95


def test_the_corpus_reads_at_95_percent_field_accuracy_or_better() -> None:
    samples = corpus.build()
    by_field: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for sample in samples:
        reading = read_document(sample.data, sample.material)
        for name, expected in sample.expected.items():
            got = reading.fields.get(name)
            right = got is not None and got.value == expected
            by_field[f"{sample.material}.{name}"].append(right)
            if not right:
                misses.append(
                    f"{sample.name} {name}: expected {expected!r}, read {got.value if got else None!r}"
                )
            if right and got is not None:
                assert 0.0 < got.confidence <= 1.0
                assert got.page == 1
                x0, y0, x1, y1 = got.box
                assert 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0
        # Every QR code printed on the page is decoded.
        assert set(sample.qr) <= set(reading.qr), sample.name
        # A turned scan says so; the ID number never appears in plain text anywhere.
        if sample.name.endswith(("-90", "-180", "-270")):
            assert "page_turned" in {flag["code"] for flag in reading.flags}, sample.name
        assert not corpus.plain_id_numbers(str(reading.as_dict(lines=True))), sample.name

    total = sum(len(v) for v in by_field.values())
    right = sum(sum(v) for v in by_field.values())
    print(f"\nfield accuracy {right}/{total} = {right / total:.1%} over {len(samples)} documents")
    for name in sorted(by_field):
        results = by_field[name]
        print(f"  {name:45} {sum(results)}/{len(results)}")
    for miss in misses:
        print("  miss:", miss)
    assert right / total >= ACCURACY, misses
