"""The API fuzzed against its own OpenAPI document (schemathesis), as two personas.

Every operation runs its coverage phase (boundary and invalid values of each
parameter and body field) and a short fuzzing phase, in process through the
desk's WSGI application, against a desk with a filed case, a license and
notifications. Every answer must be in the document: no server error, no status
code the operation does not list, no body outside the listed schema or content
type. The run is bounded (few examples, no shrinking, a fixed derandomised
seed) so the whole of it stays within a few minutes on one core.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from icpdesk.accounts.models import ApiToken
from icpdesk.core.lifecycle import State
from icpdesk.enterprises import actions as enterprise_actions
from icpdesk.licenses import actions as license_actions
from icpdesk.notifications import services
from icpdesk.notifications.models import Notification
from tests.api.conftest import case_in
from tests.factories import Personas, file_a_case
from tests.licenses.helpers import make_license

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

SETTINGS: dict[str, Any] = {
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "generation": {"max-examples": 5, "deterministic": True, "no-shrink": True, "database": "none"},
    "suppress-health-check": ["all"],
}

# An agency consultant acts for its clients; a reviewer reads the province's cases.
PERSONAS = ("consultant", "reviewer")


@pytest.fixture(params=PERSONAS)
def fuzz_desk(
    request: pytest.FixtureRequest, personas: Personas, settings: Any
) -> tuple[str, dict[str, list[Any]]]:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    p = personas
    # A case of each kind the persona can act on: a filed one, one with its materials, and a license
    # with a change filed; the enterprise's profile has a change record.
    filed = file_a_case(p.enterprise, p.agency)
    prepared = case_in(p, State.FILED)
    lic = make_license(p.enterprise, date(2025, 6, 16))
    filing = license_actions.file_change(
        p.consultant, lic, "server_address", "兰州新区数据中心", date(2026, 3, 1), today=date(2026, 3, 3)
    )
    enterprise_actions.update_enterprise(p.consultant, p.enterprise, {"city": "兰州市城关区"})
    services.notify(p.agency, "年报将截止", "请报送", "Report due", "Please file", key="fuzz")
    services.notify(p.regulator, "案件待受理", "请受理", "Case to accept", "Please accept", key="fuzz")
    user = getattr(p, request.param)
    _, token = ApiToken.issue(user, "fuzz")
    ids = {
        "case_id": [filed.pk, prepared.pk],
        "enterprise_id": [p.enterprise.pk],
        "license_id": [lic.pk],
        "filing_id": [filing.pk],
        "notification_id": list(Notification.objects.filter(user=user).values_list("pk", flat=True)),
        "material_id": ["business_license", "application_form"],
    }
    return token, ids


@pytest.fixture
def fuzz_token(fuzz_desk: tuple[str, dict[str, list[Any]]]) -> str:
    return fuzz_desk[0]


@pytest.fixture
def fuzz_schema(
    request: pytest.FixtureRequest,
    fuzz_desk: tuple[str, dict[str, list[Any]]],
) -> Any:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from icpdesk.wsgi import application

    # The test's transaction must outlive each request, as Django's test client arranges: the
    # WSGI handler would otherwise close the database connection at the start and the end of
    # every request (on PostgreSQL, taking the test's data and every later request with it).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        request.addfinalizer(lambda signal=signal: signal.connect(close_old_connections))

    # schemathesis names each operation's subtest by rewriting the item's ``_nodeid``,
    # which pytest 9 no longer keeps as a plain attribute.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid

    # Most generated ids are the desk's own objects, so the operations act on them; the rest
    # are whatever the phases generate (absent, zero, negative, huge).
    _token, ids = fuzz_desk
    config = SchemathesisConfig.from_dict(
        {
            **SETTINGS,
            "dictionaries": {name: {"values": values} for name, values in ids.items() if values},
            "parameters": {
                f"path.{name}": {"dictionary": name, "probability": 0.7}
                for name, values in ids.items()
                if values
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@pytest.mark.django_db
@schema.parametrize()
def test_every_answer_is_in_the_document(case: Any, fuzz_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_token}"}, checks=CHECKS)
