"""What the desk checks on a material: the upload itself, then 清, 准 and dates.

``inspect_upload`` runs while the user waits and refuses what cannot be a
material (the type comes from the content, never the name). The other
checks run in the background (``materials.tasks``) and produce flags: dicts
with ``code``, ``message_zh``, ``message_en`` and the measured ``values``.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.conf import settings

from icpdesk.core.identifiers import IdentifierError, normalize_domain, normalize_uscc
from icpdesk.core.periods import add_months
from icpdesk.lib.errors import InvalidInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FIELD = "file"


@dataclass(frozen=True)
class Inspected:
    content_type: str
    page_count: int | None
    width: int | None = None
    height: int | None = None


def _refuse(name: str, zh: str, en: str, code: str) -> InvalidInput:
    return InvalidInput(
        f"文件（file）“{name}”不能接受：{zh}",
        f"The file (file) '{name}' cannot be accepted: {en}",
        field=FIELD,
        reason=code,
    )


def sniff(head: bytes, stream: IO[bytes]) -> str | None:
    """The content type from the first bytes (and, for a zip, its members)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def inspect_upload(stream: IO[bytes], size: int, name: str) -> Inspected:
    """Validate an upload; :class:`InvalidInput` (field ``file``) names why it is refused."""
    if size <= 0:
        raise _refuse(name, "文件为空。", "the file is empty.", "empty")
    limit = int(settings.UPLOAD_MAX_BYTES)
    if size > limit:
        raise _refuse(
            name,
            f"文件大小 {size / 1048576:.1f} MB，超过 {limit / 1048576:.0f} MB 的上限。",
            f"it is {size / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit.",
            "too_large",
        )
    stream.seek(0)
    head = stream.read(2048)
    content_type = sniff(head, stream)
    stream.seek(0)
    if content_type is None:
        raise _refuse(
            name,
            "不是 PDF、JPEG、PNG 或 DOCX 文件（按文件内容判断，与文件名无关）。",
            "it is not a PDF, JPEG, PNG or DOCX file (judged by its content, not its name).",
            "unsupported_type",
        )
    if content_type == PDF:
        return _inspect_pdf(stream, name)
    if content_type in (PNG, JPEG):
        return _inspect_image(stream, name, content_type)
    return Inspected(DOCX, None)


def _inspect_pdf(stream: IO[bytes], name: str) -> Inspected:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    name,
                    "PDF 已加密，请上传未加密的文件。",
                    "the PDF is encrypted; upload it without encryption.",
                    "encrypted_pdf",
                )
            pages = len(reader.pages)
            if pages:
                reader.pages[0].mediabox  # noqa: B018 - touching the first page proves the page tree reads
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError, RecursionError):
        pages = 0
    finally:
        stream.seek(0)
    if pages == 0:
        raise _refuse(
            name, "PDF 文件已损坏，无法读取。", "the PDF is broken and cannot be read.", "broken_pdf"
        )
    return Inspected(PDF, pages)


def _inspect_image(stream: IO[bytes], name: str, content_type: str) -> Inspected:
    from PIL import Image, UnidentifiedImageError

    not_image = _refuse(name, "不是可以读取的图片。", "it is not an image that can be read.", "not_an_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(stream) as image:
                width, height = image.size  # read from the header, nothing decoded yet
                if width * height > int(settings.UPLOAD_MAX_PIXELS):
                    raise _bomb(name, width, height)
                image.verify()
            stream.seek(0)
            with Image.open(stream) as image:
                image.load()
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise _bomb(name, 0, 0) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, TypeError, IndexError):
        raise not_image from None
    finally:
        stream.seek(0)
    return Inspected(content_type, 1, width, height)


def _bomb(name: str, width: int, height: int) -> InvalidInput:
    limit = int(settings.UPLOAD_MAX_PIXELS)
    size = f"{width}×{height}" if width else "?"
    return _refuse(
        name,
        f"图片像素过多（{size}，上限 {limit:,} 像素）。",
        f"the image has too many pixels ({size}; the limit is {limit:,}).",
        "image_bomb",
    )


# ------------------------------------------------------------------ 清: legibility


def _flag(code: str, zh: str, en: str, **values: Any) -> dict[str, Any]:
    return {"code": code, "message_zh": zh, "message_en": en, "values": values}


def legibility_flags(data: bytes, content_type: str) -> list[dict[str, Any]]:
    """Flags for every image or PDF page whose short side is under the threshold."""
    minimum = int(settings.LEGIBILITY_MIN_SHORT_SIDE_PX)
    if content_type in (PNG, JPEG):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            short = min(image.size)
        if short < minimum:
            return [
                _flag(
                    "illegible",
                    f"可能不清晰：图片短边 {short} 像素，低于 {minimum} 像素。",
                    f"May be illegible: the image's short side is {short} px, under {minimum} px.",
                    short_side_px=short,
                    minimum_px=minimum,
                )
            ]
        return []
    if content_type == PDF:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

        dpi = int(settings.LEGIBILITY_PDF_RENDER_DPI)
        flags = []
        document = pdfium.PdfDocument(data)
        try:
            for index in range(len(document)):
                page = document[index]
                bitmap = page.render(scale=dpi / 72)
                short = min(bitmap.width, bitmap.height)
                bitmap.close()
                page.close()
                if short < minimum:
                    flags.append(
                        _flag(
                            "illegible",
                            f"可能不清晰：第 {index + 1} 页按 {dpi} DPI 渲染后短边 {short} 像素，"
                            f"低于 {minimum} 像素。",
                            f"May be illegible: page {index + 1} rendered at {dpi} DPI has a short side "
                            f"of {short} px, under {minimum} px.",
                            page=index + 1,
                            short_side_px=short,
                            minimum_px=minimum,
                            dpi=dpi,
                        )
                    )
        finally:
            document.close()
        return flags
    return []


# ------------------------------------------------------------------ 准: consistency

MAINLAND_EXCLUDED = {"CN-HK", "CN-MO", "CN-TW"}

FACT_LABELS = {
    "company_name": ("企业名称", "company name"),
    "credit_code": ("统一社会信用代码", "credit code"),
    "domain": ("域名", "domain"),
    "server_address": ("服务器地址", "server address"),
    "server_region": ("服务器所在地区", "server region"),
    "person_name": ("人员姓名", "person's name"),
    "valid_from": ("有效期起", "valid from"),
    "valid_until": ("有效期至", "valid until"),
    "period_end": ("所覆盖的最后日期", "last date covered"),
}

REGION_LABELS = {
    "CN-GS": ("甘肃省", "Gansu"),
    "CN": ("中国大陆其他省份", "elsewhere in mainland China"),
    "CN-HK": ("香港", "Hong Kong"),
    "CN-MO": ("澳门", "Macao"),
    "CN-TW": ("台湾", "Taiwan"),
    "ABROAD": ("境外", "abroad"),
}

# Materials whose person is the security manager (one person across them).
STAFF_MATERIALS = ("security_id", "security_certificate", "security_insurance")


def is_mainland(region: str) -> bool:
    region = region.strip().upper()
    return (region == "CN" or region.startswith("CN-")) and region not in MAINLAND_EXCLUDED


def _norm(key: str, value: str) -> str:
    value = " ".join(str(value).split())
    if key == "credit_code":
        try:
            return normalize_uscc(value)
        except IdentifierError:
            return value.upper()
    if key == "domain":
        try:
            return normalize_domain(value).domain
        except IdentifierError:
            return value.lower()
    if key == "server_region":
        return value.upper()
    return value.casefold().replace(" ", "")


def _shown(key: str, value: str) -> tuple[str, str]:
    if key == "server_region":
        zh, en = REGION_LABELS.get(value.upper(), (value, value))
        return zh, en
    return value, value


@dataclass(frozen=True)
class Stated:
    """The latest stated facts of one material of the case."""

    material_id: str
    name_zh: str
    name_en: str
    facts: Mapping[str, str]


def consistency_flags(
    me: Stated, others: Iterable[Stated], profile: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Mismatches of ``me``'s stated facts with the enterprise profile and the other materials."""
    flags: list[dict[str, Any]] = []
    facts = {k: str(v).strip() for k, v in me.facts.items() if v and str(v).strip()}
    others = list(others)

    for key in ("company_name", "credit_code", "domain"):
        value = facts.get(key)
        expected = (profile.get(key) or "").strip()
        if not value or not expected or _norm(key, value) == _norm(key, expected):
            continue
        zh_label, en_label = FACT_LABELS[key]
        code = {
            ("domain_certificate", "domain"): "domain_mismatch",
            ("business_license", "credit_code"): "license_credit_code_mismatch",
            ("security_insurance", "company_name"): "insurance_employer_mismatch",
        }.get((me.material_id, key), f"{key}_mismatch")
        if code == "insurance_employer_mismatch":
            zh = f"社保缴费单位“{value}”与申请企业“{expected}”不一致（兼职或他人社保？）。"
            en = f"The insurance was paid by '{value}', not by the applicant '{expected}'."
        else:
            zh = f"{zh_label}“{value}”与企业档案中的“{expected}”不一致。"
            en = f"The {en_label} '{value}' differs from the enterprise profile's '{expected}'."
        flags.append(_flag(code, zh, en, field=key, stated=value, expected=expected, source="profile"))

    region = facts.get("server_region")
    if region and not is_mainland(region):
        zh_r, en_r = _shown("server_region", region)
        flags.append(
            _flag(
                "region_not_mainland",
                f"服务器所在地区为“{zh_r}”，不在中国大陆境内（港澳台及境外不符合要求）。",
                f"The server region is {en_r}, not mainland China "
                "(Hong Kong, Macao, Taiwan and abroad do not count).",
                field="server_region",
                stated=region,
            )
        )

    # Across materials: two server locations, two security managers, and the
    # identity facts where the profile has nothing to compare with.
    cross = ["server_address", "server_region"]
    cross += [k for k in ("company_name", "credit_code", "domain") if not (profile.get(k) or "").strip()]
    for other in others:
        if other.material_id == me.material_id:
            continue
        keys = list(cross)
        if me.material_id in STAFF_MATERIALS and other.material_id in STAFF_MATERIALS:
            keys.append("person_name")
        for key in keys:
            mine = facts.get(key)
            theirs = str(other.facts.get(key) or "").strip()
            if not mine or not theirs or _norm(key, mine) == _norm(key, theirs):
                continue
            zh_label, en_label = FACT_LABELS[key]
            mine_zh, mine_en = _shown(key, mine)
            theirs_zh, theirs_en = _shown(key, theirs)
            code = {
                "server_address": "server_location_conflict",
                "server_region": "server_location_conflict",
                "person_name": "person_conflict",
            }.get(key, f"{key}_conflict")
            flags.append(
                _flag(
                    code,
                    f"{zh_label}“{mine_zh}”与{other.name_zh}中的“{theirs_zh}”不一致。",
                    f"The {en_label} '{mine_en}' differs from '{theirs_en}' in the {other.name_en}.",
                    field=key,
                    stated=mine,
                    other_material=other.material_id,
                    other_value=theirs,
                )
            )
    return flags


# ------------------------------------------------------------------ dates


def parse_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def date_flags(
    facts: Mapping[str, Any],
    validity: Mapping[str, int],
    *,
    today: date,
    filing_date: date,
    decision_date: date,
) -> list[dict[str, Any]]:
    """Validity periods that end too early, statements too old, insurance not covering last month."""
    flags: list[dict[str, Any]] = []
    until = parse_date(facts.get("valid_until"))
    if until is not None:
        if until < filing_date:
            flags.append(
                _flag(
                    "expired_by_filing",
                    f"有效期至 {until:%Y-%m-%d}，申报日（{filing_date:%Y-%m-%d}）时已过期。",
                    f"Valid until {until:%Y-%m-%d}: expired by the filing date ({filing_date:%Y-%m-%d}).",
                    valid_until=until.isoformat(),
                    filing_date=filing_date.isoformat(),
                )
            )
        elif until < decision_date:
            flags.append(
                _flag(
                    "expires_before_decision",
                    f"有效期至 {until:%Y-%m-%d}，早于预计审批决定日 {decision_date:%Y-%m-%d}。",
                    f"Valid until {until:%Y-%m-%d}, before the expected decision date "
                    f"{decision_date:%Y-%m-%d}.",
                    valid_until=until.isoformat(),
                    decision_date=decision_date.isoformat(),
                )
            )
    period_end = parse_date(facts.get("period_end"))
    max_age = validity.get("max_age_months")
    if max_age is not None:
        if period_end is None:
            flags.append(
                _flag(
                    "period_unknown",
                    "未填写流水所覆盖的最后日期，无法判断是否过旧。",
                    "The last date covered is not stated; the age cannot be checked.",
                )
            )
        elif add_months(period_end, int(max_age)) < today:
            flags.append(
                _flag(
                    "statements_too_old",
                    f"流水截至 {period_end:%Y-%m-%d}，已超过 {max_age} 个月（今天 {today:%Y-%m-%d}）。",
                    f"The statements end on {period_end:%Y-%m-%d}, more than {max_age} months ago.",
                    period_end=period_end.isoformat(),
                    max_age_months=int(max_age),
                )
            )
    recent = validity.get("covers_recent_months")
    if recent is not None:
        # The most recent full month before today must be covered.
        first_of_month = today.replace(day=1)
        needed = add_months(first_of_month, -int(recent))
        if period_end is None or (period_end.year, period_end.month) < (needed.year, needed.month):
            shown = f"{period_end:%Y-%m}" if period_end else "?"
            flags.append(
                _flag(
                    "insurance_not_recent",
                    f"社保缴费记录截至 {shown}，未覆盖最近一个月（{needed:%Y-%m}）。",
                    f"The insurance record ends in {shown} and does not cover the most recent month "
                    f"({needed:%Y-%m}).",
                    period_end=period_end.isoformat() if period_end else None,
                    needed_month=f"{needed:%Y-%m}",
                )
            )
    return flags
