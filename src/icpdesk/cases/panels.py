"""Case page panels: the parts of the case page that the apps above cases show.

The case page (``cases/detail.html``) includes the materials checklist and the
license of an issued case, but the cases app does not import those apps. Each
registers a panel in its ``AppConfig.ready()``: a function of the request and
the case returning the template variables its part of the page needs. The case
view merges them, in the order they were registered, into its context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from icpdesk.cases.models import Application

Panel = Callable[[HttpRequest, "Application"], dict[str, Any]]

_panels: dict[str, Panel] = {}


def register(name: str, panel: Panel) -> None:
    """Add (or, under the same name, replace) a panel; ready() may run more than once in tests."""
    _panels[name] = panel


def context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The template variables of every registered panel for this case."""
    merged: dict[str, Any] = {}
    for panel in _panels.values():
        merged.update(panel(request, application))
    return merged
