"""People and the organisations they act for."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from icpdesk.accounts.choices import ROLES_BY_KIND, OrgKind, Role, Scope
from icpdesk.crypto import EncryptedTextField, digest


class Organisation(models.Model):
    kind = models.CharField(max_length=16, choices=OrgKind.choices)
    name = models.CharField(max_length=200)
    # For a regulator: the province it administers (ISO 3166-2, e.g. CN-GS).
    province_code = models.CharField(max_length=8, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    roles = models.JSONField(default=list, blank=True)
    phone = EncryptedTextField(blank=True, default="")

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def kind(self) -> str | None:
        return self.organisation.kind if self.organisation is not None else None

    def valid_roles(self) -> frozenset[str]:
        if self.organisation is None:
            return frozenset()
        return ROLES_BY_KIND[self.organisation.kind] & frozenset(self.roles)


SCOPE_FIELDS = ("prepare", "file", "answer_supplement", "annual_and_changes")


class Mandate(models.Model):
    """An agency's authority to act for a client enterprise, within named scopes."""

    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mandates_held")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="mandates"
    )
    # What the agency may do for the client; viewing comes with any mandate.
    prepare = models.BooleanField(default=True)
    file = models.BooleanField(default=True)
    answer_supplement = models.BooleanField(default=True)
    annual_and_changes = models.BooleanField(default=True)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["agency", "revoked_at"]),
            models.Index(fields=["enterprise", "revoked_at"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "enterprise"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_mandate_per_client",
            )
        ]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scopes(self) -> list[str]:
        return [Scope.VIEW.value] + [s for s in SCOPE_FIELDS if getattr(self, s)]

    def allows(self, scope: str) -> bool:
        return self.active and (scope == Scope.VIEW or (scope in SCOPE_FIELDS and bool(getattr(self, scope))))

    def __str__(self) -> str:
        return f"{self.agency} → {self.enterprise}"


TOKEN_PREFIX = "icpd_"  # noqa: S105 - a public marker, not a secret


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(token: str) -> str:
        return digest(token)

    @classmethod
    def issue(cls, user: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=days) if days else None
        record = cls.objects.create(
            user=user, name=name, prefix=token[:12], token_hash=cls.hash(token), expires_at=expires
        )
        return record, token

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


__all__ = ["ApiToken", "Mandate", "Organisation", "Role", "Scope", "User"]
