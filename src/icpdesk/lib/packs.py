"""The rule pack the desk enforces (``ICPDESK_RULE_PACK``), loaded once per process."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from icpdesk.core.rules import RulePack, load_pack


@lru_cache(maxsize=8)
def pack_named(name: str) -> RulePack:
    return load_pack(name)


def current_pack() -> RulePack:
    return pack_named(settings.RULE_PACK)
