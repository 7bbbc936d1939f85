"""Encryption at rest for personal data (ID numbers, phone numbers, bank card numbers).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the keys of
ICPDESK_FIELD_KEYS (comma-separated, newest first, so keys can be rotated);
a local desk without that setting derives a key from SECRET_KEY. The database
holds only ciphertext; masking for display is in the core identifiers module.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass, field
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


logger = logging.getLogger(__name__)


class Ciphertext(str):
    """A stored token passed through unchanged: what a field reads when no
    configured key can decrypt it (it reads as empty, and saving the row
    writes the token back as it was, so nothing is lost), and what key
    rotation writes."""

    token: str

    def __new__(cls, token: str, shown: str = "") -> Ciphertext:
        value = super().__new__(cls, shown)
        value.token = token
        return value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text field stored encrypted; reads and writes plain ``str`` in Python.

    It cannot be filtered on by value: look people up by another field.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except ValueError:
            # A 500 on every page that reads the row would help nobody: the
            # start-up key check (`icpdesk keys check`) names the problem.
            logger.error("%s.%s cannot be decrypted with ICPDESK_FIELD_KEYS", self.model.__name__, self.name)
            return Ciphertext(value)

    def get_prep_value(self, value: Any) -> str | None:
        if isinstance(value, Ciphertext):
            return value.token
        prepared = super().get_prep_value(value)
        if prepared is None or prepared == "":
            return None if prepared is None else ""
        return encrypt(str(prepared))


# ------------------------------------------------------------------ keys


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored with :class:`EncryptedTextField`."""
    from django.apps import apps

    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]


def _stored(model: type[models.Model], name: str, *, limit: int | None = None) -> list[tuple[Any, str]]:
    """(pk, stored token) of the non-empty values, read as stored, newest first."""
    from django.db import connection

    quote = connection.ops.quote_name
    column = quote(str(model._meta.get_field(name).column))  # type: ignore[union-attr]
    table = quote(model._meta.db_table)
    pk = quote(str(model._meta.pk.column))
    # Names come from the model, never from input.
    sql = f"SELECT {pk}, {column} FROM {table} WHERE {column} <> '' ORDER BY {pk} DESC"  # noqa: S608
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(row[0], str(row[1])) for row in cursor.fetchall() if row[1]]


@dataclass
class KeyReport:
    checked: int = 0
    rotated: int = 0
    undecryptable: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.undecryptable


def check_keys(sample: int | None = 50) -> KeyReport:
    """Try the configured keys on the newest ``sample`` values of every encrypted field."""
    report = KeyReport()
    box = fernet()
    for model, name in encrypted_fields():
        for _, token in _stored(model, name, limit=sample):
            report.checked += 1
            try:
                box.decrypt(token.encode())
            except InvalidToken:
                label = f"{model._meta.label}.{name}"
                report.undecryptable[label] = report.undecryptable.get(label, 0) + 1
    return report


def rotate_keys(*, dry_run: bool = False, batch: int = 500) -> KeyReport:
    """Re-encrypt every stored value under the newest key (the first of ICPDESK_FIELD_KEYS).

    Values no configured key can decrypt are counted and left as they are.
    """
    from django.db import transaction

    report = KeyReport()
    box = fernet()
    for model, name in encrypted_fields():
        rows = _stored(model, name)
        for start in range(0, len(rows), batch):
            with transaction.atomic():
                for pk, token in rows[start : start + batch]:
                    report.checked += 1
                    try:
                        fresh = box.rotate(token.encode()).decode()
                    except InvalidToken:
                        label = f"{model._meta.label}.{name}"
                        report.undecryptable[label] = report.undecryptable.get(label, 0) + 1
                        continue
                    if fresh != token and not dry_run:
                        model._default_manager.filter(pk=pk).update(**{name: Ciphertext(fresh)})
                    report.rotated += 1
    return report
