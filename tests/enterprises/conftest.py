"""The enterprise pages' tests: the enterprise has filed a case, so the regulator sees it."""

from __future__ import annotations

import pytest

from tests.factories import Personas, file_a_case


@pytest.fixture(autouse=True)
def _filed(request: pytest.FixtureRequest) -> None:
    # Only where the test uses the personas: the enterprise reaches the
    # regulator with its first filed case (tests/test_access.py covers before).
    if "personas" in request.fixturenames:
        personas: Personas = request.getfixturevalue("personas")
        file_a_case(personas.enterprise, personas.agency)
