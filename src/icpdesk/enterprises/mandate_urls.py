"""The mandate pages, mounted under ``/accounts/`` in the ``accounts`` namespace by ``icpdesk.urls``."""

from django.urls import path

from icpdesk.enterprises import mandates

urlpatterns = [
    path("mandates/", mandates.mandates, name="mandates"),
    path("mandates/<int:pk>/revoke/", mandates.mandate_revoke, name="mandate_revoke"),
]
