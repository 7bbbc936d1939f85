"""Labels of the eligibility assessment, shared by the enterprise and case pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# The status of one rule's check.
STATUS_LABELS = {
    "pass": gettext_lazy("通过"),
    "fail": gettext_lazy("不通过"),
    "unknown": gettext_lazy("信息不足"),
}
# The verdict of an assessment.
VERDICT_LABELS = {
    "eligible": gettext_lazy("符合条件"),
    "not_eligible": gettext_lazy("不符合条件"),
    "incomplete": gettext_lazy("信息不完整"),
}
