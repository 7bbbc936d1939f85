"""Production checks of the desk's own settings, run by ``check --deploy``.

Each is an error, not a warning: a desk deployed with one of these would
encrypt personal data under a key anyone can read in the source, or print a
laptop's address in every e-license QR code, email and robot message.
"""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_SECRET_PREFIX = "django-insecure-local-icpdesk-key"  # noqa: S105 - the known local key, refused
LOCAL_HOSTS = {"localhost", "localhost.localdomain", "testserver"}


def _is_local_host(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if not host or host in LOCAL_HOSTS or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a bare machine name is no public address
    return not address.is_global


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if str(settings.SECRET_KEY).startswith(LOCAL_SECRET_PREFIX):
        errors.append(
            Error(
                "ICPDESK_SECRET_KEY is not set: the desk runs on the built-in local secret key.",
                hint="Set ICPDESK_SECRET_KEY (or ICPDESK_SECRET_KEY_FILE) to a long random secret.",
                id="icpdesk.E001",
            )
        )
    if not getattr(settings, "FIELD_ENCRYPTION_KEYS", ()):
        errors.append(
            Error(
                "ICPDESK_FIELD_KEYS is not set: personal data would be encrypted under a key derived "
                "from the secret key, and changing the secret key would make it unreadable.",
                hint="Set ICPDESK_FIELD_KEYS to one or more Fernet keys, newest first "
                "(python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())').",
                id="icpdesk.E002",
            )
        )
    site = urlsplit(str(settings.SITE_URL))
    if site.scheme != "https" or _is_local_host(site.hostname or ""):
        errors.append(
            Error(
                f"ICPDESK_SITE_URL is {settings.SITE_URL!r}: e-license QR codes, email and robot links "
                "would point there.",
                hint="Set ICPDESK_SITE_URL to the desk's public https:// address.",
                id="icpdesk.E003",
            )
        )
    sender = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
    domain = sender.rpartition("@")[2]
    if not sender or "@" not in sender or _is_local_host(domain):
        errors.append(
            Error(
                f"ICPDESK_DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail from a local address "
                "is refused or filed as spam.",
                hint="Set ICPDESK_DEFAULT_FROM_EMAIL to an address of the desk's own mail domain.",
                id="icpdesk.E004",
            )
        )
    return errors
