"""Template context: the number of unread notifications.

Add ``icpdesk.notifications.context.unread_count`` to the context processors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from icpdesk.notifications import services


def unread_count(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    # Lazy: the count is queried only by a template that shows it, and once.
    cached: list[int] = []

    def count() -> int:
        if not cached:
            cached.append(services.unread_count(user))
        return cached[0]

    return {"unread_notifications": count}
