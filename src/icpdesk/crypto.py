"""Encryption at rest for personal data (ID numbers, phone numbers, bank card numbers).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the keys of
ICPDESK_FIELD_KEYS (comma-separated, newest first, so keys can be rotated);
a local desk without that setting derives a key from SECRET_KEY. The database
holds only ciphertext; masking for display is in the core identifiers module.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(hashlib.sha256(f"icpdesk-field:{secret}".encode()).digest())
        keys = (derived.decode(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()))
    return _fernet(keys, settings.SECRET_KEY)


def digest(secret: str) -> str:
    """The SHA-256 (hex) a bearer secret is stored and matched by."""
    return hashlib.sha256(secret.encode()).hexdigest()


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("field cannot be decrypted with the configured keys") from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text field stored encrypted; reads and writes plain ``str`` in Python.

    It cannot be filtered on by value: look people up by another field.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        prepared = super().get_prep_value(value)
        if prepared is None or prepared == "":
            return None if prepared is None else ""
        return encrypt(str(prepared))
