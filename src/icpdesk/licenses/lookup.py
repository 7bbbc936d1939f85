"""The public lookup: by license number, exact company name or credit code; and its rate limit.

The limit is a fixed one-minute window per client address counted in the
database (:class:`PublicLookupWindow`), so every web process shares it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from icpdesk.core.identifiers import IdentifierError, normalize_license_number, normalize_uscc
from icpdesk.licenses.models import License, PublicLookupWindow

WINDOW_SECONDS = 60


def per_minute() -> int:
    return int(getattr(settings, "PUBLIC_LOOKUP_PER_MINUTE", 30))


def take_token(client: str, now: Any = None) -> int:
    """Count one request of ``client``; 0 when allowed, else the seconds until the window resets."""
    now = now or timezone.now()
    start = now.replace(second=0, microsecond=0)
    limit = per_minute()
    with transaction.atomic():
        updated = PublicLookupWindow.objects.filter(client=client, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    PublicLookupWindow.objects.create(client=client, window_start=start, count=1)
            except IntegrityError:
                PublicLookupWindow.objects.filter(client=client, window_start=start).update(
                    count=F("count") + 1
                )
            else:
                # A new window for this client: forget windows older than an hour (indexed).
                PublicLookupWindow.objects.filter(window_start__lt=start - timedelta(hours=1)).delete()
        count = PublicLookupWindow.objects.filter(client=client, window_start=start).values_list(
            "count", flat=True
        )[0]
    if count <= limit:
        return 0
    return max(1, WINDOW_SECONDS - int((now - start).total_seconds()))


class LookupError_(Exception):
    """A malformed query, with the reason (zh and en)."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh


@dataclass(frozen=True)
class PublicLicense:
    number: str
    holder: str
    license_type: str
    license_type_name: str
    service_scope: str
    domains: list[str]
    issued_on: date
    expires_on: date
    state: str
    state_label_zh: str
    state_label_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "holder": self.holder,
            "license_type": self.license_type,
            "license_type_name": self.license_type_name,
            "service_scope": self.service_scope,
            "domains": self.domains,
            "issued_on": self.issued_on,
            "expires_on": self.expires_on,
            "state": self.state,
            "state_label_zh": self.state_label_zh,
            "state_label_en": self.state_label_en,
        }


PUBLIC_FIELDS = (
    "number",
    "holder_name",
    "license_type",
    "service_scope",
    "domains",
    "issued_on",
    "expires_on",
    "state",
)


def _public(row: dict[str, Any]) -> PublicLicense:
    from icpdesk.lib.packs import current_pack
    from icpdesk.licenses.actions import STATE_LABELS

    lt = current_pack().license_types.get(row["license_type"])
    zh, en = STATE_LABELS.get(row["state"], (row["state"], row["state"]))
    return PublicLicense(
        number=row["number"],
        holder=row["holder_name"],
        license_type=row["license_type"],
        license_type_name=lt.name_zh if lt else row["license_type"],
        service_scope=row["service_scope"],
        domains=list(row["domains"] or []),
        issued_on=row["issued_on"],
        expires_on=row["expires_on"],
        state=row["state"],
        state_label_zh=zh,
        state_label_en=en,
    )


def find(number: str = "", name: str = "", uscc: str = "") -> list[PublicLicense]:
    """Licenses matching exactly one given key; raises :class:`LookupError_` for a malformed one."""
    number, name, uscc = (number or "").strip(), (name or "").strip(), (uscc or "").strip()
    given = [k for k, v in (("number", number), ("name", name), ("uscc", uscc)) if v]
    if len(given) != 1:
        raise LookupError_(
            "number",
            "请填写许可证编号、企业全称或统一社会信用代码中的一项。",
            "Give one of: license number, exact company name, credit code.",
        )
    qs = License.objects.all()
    try:
        if number:
            qs = qs.filter(number=normalize_license_number(number).number)
        elif uscc:
            qs = qs.filter(holder__uscc=normalize_uscc(uscc))
        else:
            qs = qs.filter(holder_name=name[:200])
    except IdentifierError as error:
        raise LookupError_(given[0], error.message_zh, error.message_en) from None
    return [_public(row) for row in qs.order_by("-issued_on", "number").values(*PUBLIC_FIELDS)[:20]]
