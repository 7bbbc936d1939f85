"""The e-license as a PDF: Chinese text in Noto Sans CJK SC, a QR code linking to the public check."""

from __future__ import annotations

from urllib.parse import unquote, urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string

from icpdesk.licenses.models import License


def verify_url(license_: License) -> str:
    """The public verification page for this license (what the QR code holds)."""
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return f"{base}/licenses/verify/?{urlencode({'number': license_.number})}"


# ISO/IEC 18004 asks for a light margin of 4 modules around a QR code; with less,
# some phone cameras fail to find the code on a printed page.
QR_QUIET_ZONE = 4


def qr_svg_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=QR_QUIET_ZONE))


def readable_url(url: str) -> str:
    """The address as people read it: ``…?number=甘B2-20260001``, not ``%E7%94%98B2-…``."""
    return unquote(url)


def license_pdf(license_: License, context: dict[str, object]) -> bytes:
    """Render the e-license; every resource is inline (no request leaves the process)."""
    from weasyprint import HTML

    url = verify_url(license_)
    html = render_to_string(
        "licenses/pdf.html",
        {
            **context,
            "license": license_,
            "verify_url": url,
            "verify_text": readable_url(url),
            "qr": qr_svg_data_uri(url),
        },
    )

    from weasyprint.urls import URLFetcher

    # Only data: URIs (the QR code) may load: nothing leaves the process.
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    return bytes(document.write_pdf())
