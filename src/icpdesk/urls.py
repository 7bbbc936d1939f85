"""The desk's URL map: pages, the API and the administration."""

from django.contrib import admin
from django.urls import include, path

from icpdesk.accounts import urls as accounts_urls
from icpdesk.enterprises import mandate_urls

# The user's own pages and their enterprise's mandates share /accounts/ and the
# "accounts" namespace; the mandate pages belong to the enterprises app.
accounts_pages = (accounts_urls.urlpatterns + mandate_urls.urlpatterns, "accounts")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("icpdesk.cases.urls")),
    path("enterprises/", include("icpdesk.enterprises.urls")),
    path("materials/", include("icpdesk.materials.urls")),
    path("paperwork/", include("icpdesk.paperwork.urls")),
    path("bulk/", include("icpdesk.bulk.urls")),
    path("overviews/", include("icpdesk.overviews.urls")),
    path("licenses/", include("icpdesk.licenses.urls")),
    path("notifications/", include("icpdesk.notifications.urls")),
    path("monitoring/", include("icpdesk.monitoring.urls")),
    path("accounts/", include(accounts_pages)),
    path("api/", include("icpdesk.api.urls")),
    path("", include("icpdesk.web.urls")),
]
