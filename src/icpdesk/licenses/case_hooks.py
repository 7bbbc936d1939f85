"""The licenses app's part in the case's transactions and on the case page.

Connected in :meth:`icpdesk.licenses.apps.LicensesConfig.ready`; see
:mod:`icpdesk.cases.hooks` and :mod:`icpdesk.cases.panels`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import State
from icpdesk.licenses.models import License
from icpdesk.licenses.services import create_license


def issue_license(sender: Any, application: Application, issued_on: date, **kwargs: Any) -> dict[str, str]:
    """The certificate is the license: created (or renewed) in the issuing transaction."""
    license_ = create_license(application, issued_on)
    return {"license_number": license_.number, "expires_on": license_.expires_on.isoformat()}


def license_panel(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The license of a case whose certificate was issued, for the case page."""
    if application.state != State.CERTIFICATE_ISSUED:
        return {"license": None}
    return {"license": License.objects.filter(application=application).first()}
