"""The outside channels: email through Django's mailers, and group-robot webhooks over HTTP(S).

Each ``send_*`` raises :class:`ChannelError` (or any exception) on failure; the
caller records it on the delivery and retries later. Nothing here touches the
database.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage

WEBHOOK_TIMEOUT_SECONDS = 10


class ChannelError(Exception):
    pass


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL.rstrip("/") + link


def text_of(subject_zh: str, body_zh: str, subject_en: str, body_en: str, link: str) -> str:
    parts = [subject_zh, "", body_zh, "", subject_en, "", body_en]
    if link:
        parts += ["", absolute(link)]
    return "\n".join(parts)


def message_id(key: str) -> str:
    """A Message-ID that is the same each time one delivery is sent: if a retry
    sends again what already went out (the sender stopped between sending and
    recording it), mail systems and clients see the same message, not two."""
    host = urlsplit(settings.SITE_URL).hostname or "icpdesk.local"
    return f"<icpdesk.{key}@{host}>"


def send_email(address: str, subject: str, body: str, key: str = "") -> None:
    if not address:
        raise ChannelError("no email address")
    # RFC 3834: mail the desk sends by itself; autoresponders must not answer it.
    headers = {"Auto-Submitted": "auto-generated"}
    if key:
        headers["Message-ID"] = message_id(key)
    EmailMessage(subject, body, None, [address], headers=headers).send(using="default")


def webhook_payload(kind: str, subject: str, body: str, link: str) -> dict[str, Any]:
    """The JSON each robot accepts: WeCom and DingTalk markdown, Feishu plain text."""
    url = absolute(link)
    if kind == "wecom":
        content = f"**{subject}**\n{body}" + (f"\n[{url}]({url})" if url else "")
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if kind == "dingtalk":
        text = f"### {subject}\n\n{body}" + (f"\n\n[{url}]({url})" if url else "")
        return {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}
    if kind == "feishu":
        return {"msg_type": "text", "content": {"text": f"{subject}\n{body}" + (f"\n{url}" if url else "")}}
    raise ChannelError(f"unknown webhook kind {kind!r}")


def _robot_refused(kind: str, answer: Any) -> str:
    """The error a robot reports in a 200 answer, or ''."""
    if not isinstance(answer, dict):
        return ""
    code = (
        answer.get("errcode")
        if kind in ("wecom", "dingtalk")
        else answer.get("code", answer.get("StatusCode"))
    )
    if code not in (None, 0):
        reason = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        return f"{code}: {reason}".strip()
    return ""


def send_webhook(kind: str, url: str, subject: str, body: str, link: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise ChannelError("the webhook URL must start with http:// or https://")
    data = json.dumps(webhook_payload(kind, subject, body, link), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        raise ChannelError(f"{type(error).__name__}: {error}") from error
    try:
        answer = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except ValueError:
        answer = None
    refused = _robot_refused(kind, answer)
    if refused:
        raise ChannelError(f"the robot refused the message: {refused}")
