"""A person's due dates as an iCalendar feed (RFC 5545): one all-day VEVENT per duty, UID stable."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from icpdesk.notifications.channels import absolute
from icpdesk.notifications.duties import Duty


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next, after a space (without splitting a character)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def calendar(duties: Iterable[Duty], name: str, now: datetime | None = None) -> str:
    stamp = (now or timezone.now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//icpdesk//reminders//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for duty in duties:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape(duty.key)}@icpdesk",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{duty.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{duty.due_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(duty.title_zh)}",
            f"DESCRIPTION:{escape(duty.title_en)}",
            "TRANSP:TRANSPARENT",
        ]
        if duty.link:
            lines.append(f"URL:{absolute(duty.link)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
