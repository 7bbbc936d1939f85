"""The pages' "scan now" buttons (the results show on the license and case pages)."""

from django.urls import path

from icpdesk.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("licenses/<int:pk>/scan/", views.scan_license, name="scan_license"),
    path("cases/<int:pk>/scan/", views.scan_case, name="scan_case"),
]
