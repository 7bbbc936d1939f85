"""Actions on materials and what the pages read about them.

Uploads, verdicts, forgery marks and "return the case" are the writes; each
checks access through ``icpdesk.cases.access`` and leaves an audit event on the
case. The case's state is only ever changed through ``icpdesk.cases.actions``.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language

from icpdesk.accounts.choices import Role, Scope
from icpdesk.accounts.models import User
from icpdesk.calendars.deadlines import due_for
from icpdesk.cases import access, actions
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import State
from icpdesk.core.rules import Material, RulePack
from icpdesk.lib.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from icpdesk.lib.language import is_english
from icpdesk.lib.packs import current_pack, pack_named
from icpdesk.materials import checks
from icpdesk.materials.models import (
    EXTENSIONS,
    FACT_KEYS,
    CaseMaterial,
    CheckStatus,
    MaterialState,
    MaterialVersion,
)

UPLOAD_STATES = (State.DRAFT.value, State.RETURNED.value)
REVIEW_STATES = (State.FILED.value,)
REGULATOR_ROLES = (Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.ADMIN)


def pack_of(application: Application) -> RulePack:
    try:
        return pack_named(application.rule_pack) if application.rule_pack else current_pack()
    except Exception:
        return current_pack()


def material_of(application: Application, material_id: str) -> Material:
    try:
        return pack_of(application).material(material_id)
    except KeyError:
        raise NotFound("没有找到该材料。", "No such material.") from None


# ------------------------------------------------------------------ who may


def load_case(user: User | Any, application_id: int) -> Application:
    """The case if the user may see it, else NotFound (as for no case at all)."""
    application = (
        access.visible_applications(user, Scope.VIEW)
        .select_related("enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound("没有找到该案件。", "No such case.")
    return application


def may_upload(user: User | Any, application: Application) -> bool:
    return access.is_applicant_side(user, application.enterprise, Scope.PREPARE)


def may_review(user: User | Any, application: Application) -> bool:
    return access.has_regulator_role(user, Role.REVIEWER, application.province_code)


def is_regulator(user: User | Any, application: Application) -> bool:
    return any(access.has_regulator_role(user, role, application.province_code) for role in REGULATOR_ROLES)


def require_upload(user: User, application: Application) -> None:
    """Refuse (Forbidden, InvalidTransition) unless ``user`` may upload to the case now."""
    if not may_upload(user, application):
        raise Forbidden(
            "您无权上传该案件的材料：需要企业本身或持有“准备材料”委托的代办机构。",
            "You may not upload materials for this case: the enterprise itself or an agency "
            "with a mandate to prepare must do it.",
        )
    if application.state not in UPLOAD_STATES:
        raise InvalidTransition(
            f"案件当前状态为“{application.state_label_zh}”，只有草稿或退回补正的案件可以上传材料。",
            f"The case is {application.state_label_en.lower()}; materials can be uploaded only "
            "to a draft or a returned case.",
            state=application.state,
        )


def _require_review(user: User, application: Application) -> None:
    if not may_review(user, application):
        raise Forbidden(
            "您无权审查材料：需要受理审查员角色。",
            "You may not judge materials: it needs the reviewer role.",
        )
    if application.state not in REVIEW_STATES:
        raise InvalidTransition(
            f"案件当前状态为“{application.state_label_zh}”，不能审查材料。",
            f"The case is {application.state_label_en.lower()}; its materials cannot be judged now.",
            state=application.state,
        )


# ------------------------------------------------------------------ uploads


def clean_facts(facts: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in FACT_KEYS:
        value = (facts or {}).get(key)
        if value is None or value == "":
            continue
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        if text:
            out[key] = text[:300]
    return out


def _hash(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def upload_version(
    user: User,
    application: Application,
    material_id: str,
    stream: IO[bytes],
    *,
    original_name: str,
    facts: Mapping[str, Any] | None = None,
) -> MaterialVersion:
    """Store a new version of a material; refused uploads change nothing."""
    require_upload(user, application)
    material = material_of(application, material_id)
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    name = (original_name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]
    inspected = checks.inspect_upload(stream, size, name)
    sha256, size = _hash(stream)
    from icpdesk.materials.tasks import enqueue_check, enqueue_reading

    stored = ""
    try:
        with transaction.atomic():
            case_material, _ = CaseMaterial.objects.select_for_update().get_or_create(
                application=application, material_id=material.id
            )
            number = (case_material.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            ext = EXTENSIONS[inspected.content_type]
            storage_name = f"cases/{application.pk}/{material.id}/{number}-{uuid.uuid4().hex}.{ext}"
            stored = default_storage.save(storage_name, File(stream, name=storage_name))
            version = MaterialVersion.objects.create(
                case_material=case_material,
                number=number,
                file=stored,
                original_name=name,
                sha256=sha256,
                size=size,
                content_type=inspected.content_type,
                page_count=inspected.page_count,
                width=inspected.width,
                height=inspected.height,
                uploaded_by=user,
                facts=clean_facts(facts),
            )
            case_material.state = MaterialState.UPLOADED
            case_material.save(update_fields=["state"])
            actions.audit(
                application,
                user,
                "material_upload",
                changes={"material": material.id, "version": number, "sha256": sha256, "size": size},
            )
            transaction.on_commit(lambda: enqueue_check(version.pk))
            transaction.on_commit(lambda: enqueue_reading(version.pk))
    except BaseException:
        # A file whose version never reached the database is not left behind.
        if stored:
            default_storage.delete(stored)
        raise
    return version


# ------------------------------------------------------------------ review


def set_verdict(
    user: User, application: Application, material_id: str, verdict: str, reason: str = ""
) -> CaseMaterial:
    """Accept a material, or return it with a reason."""
    _require_review(user, application)
    material = material_of(application, material_id)
    reason = (reason or "").strip()
    if verdict not in ("accept", "return"):
        raise InvalidInput("请选择认可或退回。", "Choose accept or return.", field="verdict")
    if verdict == "return" and not reason:
        raise InvalidInput("退回材料须写明原因。", "Returning a material needs a reason.", field="reason")
    with transaction.atomic():
        case_material, _ = CaseMaterial.objects.select_for_update().get_or_create(
            application=application, material_id=material.id
        )
        latest = case_material.versions.order_by("-number").first()
        if verdict == "accept" and latest is None:
            raise InvalidInput(
                "该材料尚未上传，不能认可。",
                "The material has not been uploaded; it cannot be accepted.",
                field="verdict",
            )
        case_material.state = MaterialState.ACCEPTED if verdict == "accept" else MaterialState.RETURNED
        case_material.return_reason = reason if verdict == "return" else ""
        case_material.verdict_by = user
        case_material.verdict_at = timezone.now()
        case_material.reviewed_version = latest
        case_material.save()
        actions.audit(
            application,
            user,
            f"material_{verdict}",
            reason=reason,
            changes={"material": material.id, "version": latest.number if latest else None},
        )
    return case_material


def mark_forged(user: User, application: Application, material_id: str, reason: str) -> CaseMaterial:
    """A reviewer's mark that a material is forged; the approver sees it and may reject for forgery."""
    if not may_review(user, application):
        raise Forbidden(
            "您无权标记伪造材料：需要受理审查员角色。", "Marking forgery needs the reviewer role."
        )
    material = material_of(application, material_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "标记伪造须写明理由。", "Marking a material as forged needs a reason.", field="reason"
        )
    with transaction.atomic():
        case_material, _ = CaseMaterial.objects.select_for_update().get_or_create(
            application=application, material_id=material.id
        )
        case_material.forged = True
        case_material.forged_reason = reason
        case_material.forged_by = user
        case_material.forged_at = timezone.now()
        case_material.save()
        actions.audit(application, user, "material_forged", reason=reason, changes={"material": material.id})
    return case_material


def supplement_items(application: Application) -> list[dict[str, str]]:
    """Every returned material and its reason, as items for ``return_application``."""
    pack = pack_of(application)
    order = {m.id: i for i, m in enumerate(pack.materials)}
    rows = sorted(
        CaseMaterial.objects.filter(application=application, state=MaterialState.RETURNED),
        key=lambda cm: order.get(cm.material_id, len(order)),
    )
    items = []
    for row in rows:
        try:
            name = pack.material(row.material_id).name_zh
        except KeyError:
            name = row.material_id
        items.append({"item": name, "reason": row.return_reason, "material": row.material_id})
    return items


def return_case(
    user: User, application: Application, *, expected_version: int | None = None, today: date | None = None
) -> Application:
    """Return the case with a supplement notice listing every returned material at once."""
    _require_review(user, application)
    items = supplement_items(application)
    if not items:
        raise InvalidInput(
            "没有已退回的材料：请先对需要补正的材料给出“退回”意见和原因。",
            "No material is returned: return the materials to fix, with reasons, first.",
            field="items",
        )
    return actions.return_application(
        user, application, items, expected_version=expected_version, today=today
    )


# ------------------------------------------------------------------ 全


def materials_for(application: Application) -> list[Material]:
    """The checklist of this case: the pack's materials, or for a renewal those it lists for renewals."""
    materials = pack_of(application).materials
    if application.kind == "renewal":
        return [m for m in materials if m.renewal]
    return list(materials)


def missing_required(application: Application) -> list[Material]:
    """The case's required materials that have no version yet (filing is refused while any is)."""
    uploaded = set(
        MaterialVersion.objects.filter(case_material__application=application)
        .values_list("case_material__material_id", flat=True)
        .distinct()
    )
    return [m for m in materials_for(application) if m.required and m.id not in uploaded]


# ------------------------------------------------------------------ checks


def expected_decision_date(today: date) -> date:
    """Acceptance, inspection and decision projected from today."""
    accepted = due_for("acceptance", today).on
    inspected = due_for("inspection", accepted).on
    return due_for("decision", inspected).on


def _profile(application: Application) -> dict[str, str]:
    e = application.enterprise
    return {"company_name": e.name, "credit_code": e.uscc, "domain": e.domain}


def _latest_versions(application: Application) -> dict[str, MaterialVersion]:
    latest: dict[str, MaterialVersion] = {}
    for version in MaterialVersion.objects.filter(case_material__application=application).select_related(
        "case_material"
    ):
        current = latest.get(version.case_material.material_id)
        if current is None or version.number > current.number:
            latest[version.case_material.material_id] = version
    return latest


def run_checks(version_id: int, *, today: date | None = None) -> MaterialVersion:
    """清, 准 and dates for one version, and 准 again for the case's other latest versions.

    Idempotent: a second run writes the same results.
    """
    version = MaterialVersion.objects.select_related("case_material__application__enterprise").get(
        pk=version_id
    )
    application = version.case_material.application
    pack = pack_of(application)
    today = today or timezone.localdate()
    with default_storage.open(version.file, "rb") as handle:
        data = handle.read()
    legibility = checks.legibility_flags(data, version.content_type)
    flags = dict(version.flags or {})
    flags["legibility"] = legibility
    version.flags = flags
    version.save(update_fields=["flags"])

    filing_date = application.filed_on or today
    decision_date = expected_decision_date(today)
    latest = _latest_versions(application)
    stated = {mid: checks.Stated(mid, *_names(pack, mid), v.facts or {}) for mid, v in latest.items()}
    profile = _profile(application)
    targets = {v.pk: v for v in latest.values()}
    targets[version.pk] = version
    for target in targets.values():
        mid = target.case_material.material_id
        me = checks.Stated(mid, *_names(pack, mid), target.facts or {})
        try:
            validity = pack.material(mid).validity
        except KeyError:
            validity = {}
        target_flags = dict(target.flags or {})
        target_flags["consistency"] = checks.consistency_flags(me, stated.values(), profile)
        target_flags["dates"] = checks.date_flags(
            target.facts or {}, validity, today=today, filing_date=filing_date, decision_date=decision_date
        )
        fields: dict[str, Any] = {"flags": target_flags}
        if target.pk == version.pk:
            fields.update(check_status=CheckStatus.DONE, check_error="", checked_at=timezone.now())
        MaterialVersion.objects.filter(pk=target.pk).update(**fields)
    version.refresh_from_db()
    return version


def _names(pack: RulePack, material_id: str) -> tuple[str, str]:
    try:
        m = pack.material(material_id)
    except KeyError:
        return material_id, material_id
    return m.name_zh, m.name_en


# ------------------------------------------------------------------ forgery signals


def duplicate_signals(user: User | Any, application: Application) -> dict[str, list[dict[str, Any]]]:
    """Per material: other enterprises' cases holding a file with the same SHA-256.

    Only the regulator's staff see these; the other case is named only when the
    user may see it.
    """
    if not is_regulator(user, application):
        return {}
    mine = MaterialVersion.objects.filter(case_material__application=application)
    hashes = dict(mine.values_list("sha256", "case_material__material_id"))
    if not hashes:
        return {}
    others = (
        MaterialVersion.objects.filter(sha256__in=list(hashes))
        .exclude(case_material__application__enterprise_id=application.enterprise_id)
        .values_list("sha256", "case_material__application_id", "case_material__application__reference")
        .distinct()
    )
    rows = list(others)
    visible = set(
        access.visible_applications(user).filter(pk__in=[r[1] for r in rows]).values_list("pk", flat=True)
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for sha, other_id, reference in rows:
        entry = {"sha256": sha, "application_id": other_id if other_id in visible else None}
        entry["reference"] = reference if other_id in visible else None
        out.setdefault(hashes[sha], []).append(entry)
    return out


# ------------------------------------------------------------------ what the pages show


def _flag_text(flag: Mapping[str, Any]) -> str:
    return str(flag.get("message_en" if is_english() else "message_zh", ""))


@dataclass
class ChecklistRow:
    material: Material
    name: str
    state: str
    state_label: str
    return_reason: str
    latest: MaterialVersion | None
    version_count: int
    flags: list[str]
    check_status: str
    forged: bool
    forged_reason: str
    duplicates: list[dict[str, Any]]


def checklist_context(user: User | Any, application: Application) -> dict[str, Any]:
    """What ``materials/_checklist.html`` needs; a fixed number of queries whatever the data."""
    pack = pack_of(application)
    en = is_english()
    rows_by_id = {cm.material_id: cm for cm in CaseMaterial.objects.filter(application=application)}
    versions: dict[int, list[MaterialVersion]] = {}
    for version in MaterialVersion.objects.filter(case_material__application=application).order_by("number"):
        versions.setdefault(version.case_material_id, []).append(version)
    regulator = is_regulator(user, application)
    duplicates = duplicate_signals(user, application) if regulator else {}
    labels = dict(MaterialState.choices)
    groups: list[dict[str, Any]] = []
    for group in pack.groups:
        items: list[ChecklistRow] = []
        for material in materials_for(application):
            if material.group != group.id:
                continue
            cm = rows_by_id.get(material.id)
            history = versions.get(cm.pk, []) if cm else []
            latest = history[-1] if history else None
            state = cm.state if cm else MaterialState.MISSING
            label = labels[state].split(" / ")[1 if en else 0]
            items.append(
                ChecklistRow(
                    material=material,
                    name=material.name(get_language() or "zh-hans"),
                    state=state,
                    state_label=label,
                    return_reason=cm.return_reason if cm and state == MaterialState.RETURNED else "",
                    latest=latest,
                    version_count=len(history),
                    flags=[_flag_text(f) for f in latest.all_flags()] if latest else [],
                    check_status=latest.check_status if latest else "",
                    forged=bool(cm and cm.forged and regulator),
                    forged_reason=cm.forged_reason if cm and cm.forged and regulator else "",
                    duplicates=duplicates.get(material.id, []),
                )
            )
        if items:
            groups.append({"group": group, "name": group.name("en" if en else "zh-hans"), "items": items})
    can_upload = application.state in UPLOAD_STATES and may_upload(user, application)
    can_review = application.state in REVIEW_STATES and may_review(user, application)
    missing = [
        row.material for g in groups for row in g["items"] if row.material.required and row.version_count == 0
    ]
    return {
        "application": application,
        "checklist_groups": groups,
        "missing_required": missing,
        "can_upload": can_upload,
        "can_review": can_review,
        "can_download_zip": regulator,
        "is_regulator": regulator,
        "checks_pending": any(row.check_status == CheckStatus.PENDING for g in groups for row in g["items"]),
        "returned_count": sum(1 for g in groups for row in g["items"] if row.state == MaterialState.RETURNED),
    }


def changes_since_review(application: Application) -> list[dict[str, Any]]:
    """Per material: the versions added since the version the reviewer last judged, and the facts' diff."""
    pack = pack_of(application)
    out = []
    materials = CaseMaterial.objects.filter(application=application).select_related("reviewed_version")
    versions: dict[int, list[MaterialVersion]] = {}
    for version in MaterialVersion.objects.filter(case_material__application=application).order_by("number"):
        versions.setdefault(version.case_material_id, []).append(version)
    for cm in materials:
        history = versions.get(cm.pk, [])
        if not history:
            continue
        base = cm.reviewed_version
        latest = history[-1]
        if base is not None and base.pk == latest.pk:
            continue
        new = [v for v in history if base is None or v.number > base.number]
        before = base.facts if base else {}
        after = latest.facts or {}
        diff = [
            {
                "field": key,
                "label": checks.FACT_LABELS[key][1 if is_english() else 0],
                "before": before.get(key, ""),
                "after": after.get(key, ""),
            }
            for key in FACT_KEYS
            if (before.get(key) or "") != (after.get(key) or "")
        ]
        name_zh, name_en = _names(pack, cm.material_id)
        out.append(
            {
                "material_id": cm.material_id,
                "name": name_en if is_english() else name_zh,
                "base": base,
                "latest": latest,
                "new_versions": new,
                "file_changed": base is None or base.sha256 != latest.sha256,
                "facts_diff": diff,
            }
        )
    order = {m.id: i for i, m in enumerate(pack.materials)}
    out.sort(key=lambda row: order.get(str(row["material_id"]), len(order)))
    return out


# ------------------------------------------------------------------ the whole case as a ZIP


def build_case_zip(user: User, application: Application) -> IO[bytes]:
    """Every version of every material, with ``manifest.json`` (names, versions, sizes, SHA-256)."""
    if not is_regulator(user, application):
        raise Forbidden(
            "只有通信管理局工作人员可以下载整个案件的材料包。",
            "Only the regulator's staff may download the whole case.",
        )
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - returned open
    manifest: list[dict[str, Any]] = []
    versions = (
        MaterialVersion.objects.filter(case_material__application=application)
        .select_related("case_material")
        .order_by("case_material__material_id", "number")
    )
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in versions:
            mid = version.case_material.material_id
            arcname = f"{mid}/v{version.number}.{version.extension}"
            with default_storage.open(version.file, "rb") as handle, archive.open(arcname, "w") as target:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    target.write(chunk)
            manifest.append(
                {
                    "material": mid,
                    "version": version.number,
                    "file": arcname,
                    "original_name": version.original_name,
                    "content_type": version.content_type,
                    "size": version.size,
                    "sha256": version.sha256,
                    "uploaded_at": version.uploaded_at.isoformat(),
                }
            )
        archive.writestr(
            "manifest.json",
            json.dumps({"case": application.reference, "files": manifest}, ensure_ascii=False, indent=2),
        )
    out.seek(0)
    return out


def visible_version(user: User | Any, version_id: int) -> MaterialVersion:
    version = (
        MaterialVersion.objects.select_related("case_material__application")
        .filter(
            pk=version_id,
            case_material__application__in=access.visible_applications(user, Scope.VIEW),
        )
        .first()
    )
    if version is None:
        raise NotFound("没有找到该文件。", "No such file.")
    return version
