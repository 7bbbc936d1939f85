"""Sample scans for the demo cases: one legible page per required material, naming it and the company."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from icpdesk.cases.models import Application
from icpdesk.materials import services
from icpdesk.materials.models import CaseMaterial

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@lru_cache(maxsize=4)
def _font(size: int) -> Any:
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:  # no CJK font installed: the scan still works, with the default font
        return ImageFont.load_default(size)


def sample_scan(title: str, company: str, code: str) -> bytes:
    """An A4 page at 150 dpi (1240×1754 px) with the material's title and the company."""
    # Greyscale keeps the scan small and quick to make; 1240×1754 is A4 at 150 dpi.
    image = Image.new("L", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1180, 1694), outline=60, width=3)
    draw.text((120, 160), title, fill=0, font=_font(54))
    draw.text((120, 300), company, fill=0, font=_font(40))
    draw.text((120, 370), f"统一社会信用代码：{code}", fill=0, font=_font(32))
    draw.text((120, 1540), "（演示材料 / sample scan）", fill=100, font=_font(28))
    draw.ellipse((860, 1300, 1120, 1560), outline=90, width=8)
    draw.text((905, 1405), company[:6], fill=90, font=_font(30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def supply(application: Application, user: Any) -> int:
    """Upload every material the case needs and lacks, with the facts each shows; return how many."""
    enterprise = application.enterprise
    have = set(
        CaseMaterial.objects.filter(application=application, versions__isnull=False).values_list(
            "material_id", flat=True
        )
    )
    facts = {
        "company_name": enterprise.name,
        "credit_code": enterprise.uscc,
        "domain": enterprise.domain,
        "server_address": enterprise.server_address,
        "server_region": (enterprise.server_regions or [""])[0],
    }
    count = 0
    # Of alternatives (the capital proof), the first one the pack lists stands for them all.
    alternatives = {m.one_of for m in services.materials_for(application) if m.one_of and m.id in have}
    for material in services.materials_for(application):
        if material.id in have:
            continue
        if material.one_of:
            if material.one_of in alternatives:
                continue
            alternatives.add(material.one_of)
        elif not material.required:
            continue
        scan = sample_scan(material.name_zh, enterprise.name, enterprise.uscc)
        services.upload_version(
            user, application, material.id, io.BytesIO(scan), original_name=f"{material.id}.png", facts=facts
        )
        count += 1
    return count
