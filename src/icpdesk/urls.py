"""The desk's URL map: pages, the API and the administration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("icpdesk.cases.urls")),
    path("enterprises/", include("icpdesk.enterprises.urls")),
    path("materials/", include("icpdesk.materials.urls")),
    path("paperwork/", include("icpdesk.paperwork.urls")),
    path("licenses/", include("icpdesk.licenses.urls")),
    path("notifications/", include("icpdesk.notifications.urls")),
    path("accounts/", include("icpdesk.accounts.urls")),
    path("api/", include("icpdesk.api.urls")),
    path("", include("icpdesk.web.urls")),
]
