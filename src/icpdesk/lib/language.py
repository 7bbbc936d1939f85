"""The language of the current request, chosen in one place (Django's locale middleware)."""

from __future__ import annotations

from django.utils.translation import get_language


def current_lang() -> str:
    """``en`` or ``zh-hans``: the language the locale middleware activated."""
    lang = get_language() or "zh-hans"
    return "en" if lang.lower().startswith("en") else "zh-hans"


def is_english() -> bool:
    return current_lang() == "en"
