"""The outside channels: email through Django's mailers, and group-robot webhooks over HTTP(S).

Each ``send_*`` raises :class:`ChannelError` (or any exception) on failure; the
caller records it on the delivery and retries later. Nothing here touches the
database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote_plus, urlsplit

import httpx
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage

from icpdesk.lib import netguard

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


# SMTP errors about one message: the connection stays good for the next one.
MESSAGE_ERRORS: tuple[type[Exception], ...] = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


class MailBatch:
    """One connection of the default mailer for many messages: opened at the first
    message, closed at the end. A message the server refuses fails alone; after any
    other error the connection is dropped and the next message opens a new one."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.opened = 0

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = mail.mailers["default"]
            self.connection.open()
            self.opened += 1
        try:
            self.connection.send_messages([message])
        except MESSAGE_ERRORS:
            raise
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with suppress(Exception):  # a connection already gone is closed
                connection.close()


_batch: ContextVar[MailBatch | None] = ContextVar("icpdesk_mail_batch", default=None)


@contextmanager
def mail_batch() -> Iterator[MailBatch]:
    """Within it, :func:`send_email` sends through one connection (see :class:`MailBatch`)."""
    batch = MailBatch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
        batch.close()


def send_email(address: str, subject: str, body: str, key: str = "") -> None:
    if not address:
        raise ChannelError("no email address")
    # RFC 3834: mail the desk sends by itself; autoresponders must not answer it.
    headers = {"Auto-Submitted": "auto-generated"}
    if key:
        headers["Message-ID"] = message_id(key)
    message = EmailMessage(subject, body, None, [address], headers=headers)
    batch = _batch.get()
    if batch is None:
        message.send(using="default")
    else:
        batch.send(message)


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


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>")), URL-encoded."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(mac).decode("ascii"))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's address with ``timestamp`` (milliseconds) and ``sign`` appended, as DingTalk requires."""
    joiner = "&" if urlsplit(url).query else ("" if url.endswith("?") else "?")
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu's 签名校验: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", msg="")), timestamp in seconds."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def signed(
    kind: str, url: str, payload: dict[str, Any], secret: str, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The address and JSON to post, signed when the robot has a secret.

    DingTalk takes the signature in the address, Feishu in the body; WeCom robots
    are not signed (their key is in the address). Each robot refuses a signature
    more than about an hour old, so it is made at each attempt, never stored."""
    if not secret or kind == "wecom":
        return url, payload
    moment = time.time() if now is None else now
    if kind == "dingtalk":
        return dingtalk_signed_url(url, secret, int(moment * 1000)), payload
    if kind == "feishu":
        timestamp = int(moment)
        return url, {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **payload}
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


def check_webhook_url(url: str) -> None:
    """Refuse a robot address the desk must not post to (see :mod:`icpdesk.lib.netguard`):
    not http(s), or a name resolving to a loopback, private, link-local, multicast or
    reserved address. Raises :class:`netguard.AddressRefused`. A name that does not
    resolve at the moment is let through: every delivery checks it again."""
    try:
        netguard.check_url(url)
    except netguard.AddressRefused as error:
        if error.code != "unresolvable":
            raise


def send_webhook(kind: str, url: str, subject: str, body: str, link: str, secret: str = "") -> None:
    """Post the message through the address guard (checked after resolving, and again for
    each redirect; the connection goes to the checked address), signed with the robot's
    ``secret`` when it has one (see :func:`signed`).

    A failure is a :class:`ChannelError` with a plain reason (the HTTP status, "no
    answer", "could not connect"): the owner sees it on the settings page, and it must
    not tell them more about the network than that."""
    url, payload = signed(kind, url, webhook_payload(kind, subject, body, link), secret)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "icpdesk-webhook"}
    try:
        with httpx.Client(**netguard.client_options(WEBHOOK_TIMEOUT_SECONDS)) as client:
            answer_of = netguard.fetch(
                client, url, method="POST", headers=headers, content=data, max_redirects=5, max_bytes=65536
            )
    except netguard.AddressRefused as error:
        raise ChannelError(
            "the webhook address is not allowed: it is not a public internet address"
            if error.code not in ("scheme", "no_host", "credentials", "unresolvable")
            else f"the webhook address is not allowed: {netguard.REASONS[error.code][1]}"
        ) from None
    except netguard.TooManyRedirects:
        raise ChannelError("too many redirects") from None
    except httpx.TimeoutException:
        raise ChannelError("no answer (timeout)") from None
    except Exception:
        raise ChannelError("could not connect") from None
    if answer_of.status >= 400:
        raise ChannelError(f"HTTP {answer_of.status}")
    raw = answer_of.body
    try:
        answer = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except ValueError:
        answer = None
    refused = _robot_refused(kind, answer)
    if refused:
        raise ChannelError(f"the robot refused the message: {refused}")
