"""The desk's JSON API, ``/api/v1/``: the same actions and access rules as the pages."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from icpdesk.api import errors
from icpdesk.api.auth import DeskSessionAuth, TokenAuth
from icpdesk.api.cases import router as cases_router
from icpdesk.api.docs import LocalSwagger
from icpdesk.api.enterprises import router as enterprises_router
from icpdesk.api.licenses import router as holder_licenses_router
from icpdesk.api.materials import router as materials_router
from icpdesk.api.notifications import router as notifications_router
from icpdesk.api.paperwork import router as paperwork_router
from icpdesk.bulk import api as bulk_api
from icpdesk.licenses.api import router as licenses_router
from icpdesk.monitoring.api import router as monitoring_router
from icpdesk.notifications.duties import duties_of_user

DESCRIPTION = """\
icpdesk 的 JSON API：企业、资格评估、案件（列表、详情、每个流程操作一个端点）、留言与审计记录。
ICP licensing cases through the API: the same actions and access rules as the pages.

Authenticate with `Authorization: Bearer <token>` (create a token on your account page) or a
signed-in session. Errors are `{"code", "message", "field", "state"}`; messages are in
simplified Chinese unless you send `Accept-Language: en` or `?lang=en`. Every transition takes
an optional `version` (the case version you saw): if the case changed since, the answer is
409 `case_changed`.
"""


class DeskAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The one memo of the API: the OpenAPI document, keyed on the prefix and
        # path values it is asked for. The routes and schemas are fixed once the
        # URLconf is loaded, and building the document takes seconds.
        self._schemas: dict[tuple[str | None, str], Any] = {}

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        key = (path_prefix, repr(sorted((path_params or {}).items())))
        if key not in self._schemas:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            self._schemas[key] = errors.document_body_errors(schema)
        return self._schemas[key]


api = DeskAPI(
    title="icpdesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), DeskSessionAuth()],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", enterprises_router)
api.add_router("/", cases_router)
api.add_router("/", licenses_router)
api.add_router("/", holder_licenses_router)
api.add_router("/", notifications_router)
api.add_router("/", materials_router)
api.add_router("/", paperwork_router)
bulk_api.provide_duties(duties_of_user)
api.add_router("/", bulk_api.router)
api.add_router("/", monitoring_router)
api.add_router("/", "icpdesk.overviews.api.router")
