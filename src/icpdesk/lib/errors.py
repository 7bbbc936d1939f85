"""Errors the actions raise; pages and the API turn them into messages and status codes."""

from __future__ import annotations


class ActionError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message_zh: str, message_en: str, field: str | None = None, **extra: object) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.extra = extra
        super().__init__(message_en)

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh


class NotFound(ActionError):
    """The case does not exist for this user (no access looks the same as no case)."""

    status = 404
    code = "not_found"


class Forbidden(ActionError):
    """The user sees the case but their role or mandate does not allow this action."""

    status = 403
    code = "forbidden"


class InvalidTransition(ActionError):
    status = 409
    code = "invalid_transition"


class CaseChanged(ActionError):
    """Somebody else changed the case since the user loaded it."""

    status = 409
    code = "case_changed"


class PreconditionFailed(ActionError):
    status = 422
    code = "precondition_failed"


class InvalidInput(ActionError):
    status = 422
    code = "invalid_input"
