"""The address of the client a request comes from, through a known number of proxies.

Behind a reverse proxy every request arrives from the proxy's address, so a
per-client limit counted on ``REMOTE_ADDR`` would put every visitor in one
window. ``X-Forwarded-For`` is written by the client first and by each proxy
after it, so only the entries added by the desk's own proxies can be
believed: with ``ICPDESK_TRUSTED_PROXIES=N`` the client is the N-th address
from the right, and anything further left (which the client could forge) is
ignored. With 0 (the default) the header is not read at all.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:5123
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    remote = _address(str(request.META.get("REMOTE_ADDR") or "")) or "unknown"
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of
        # them (or the header was stripped); the nearest peer is all we know.
        return remote
    return _address(forwarded[-proxies]) or remote
