"""URLs of the materials pages, under /materials/."""

from django.urls import path

from icpdesk.materials import views

app_name = "materials"

urlpatterns = [
    path("case/<int:pk>/", views.case, name="case"),
    path("case/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("case/<int:pk>/changes/", views.changes, name="changes"),
    path("case/<int:pk>/zip/", views.case_zip, name="zip"),
    path("case/<int:pk>/return/", views.return_case, name="return"),
    path("case/<int:pk>/<slug:material_id>/upload/", views.upload, name="upload"),
    path("case/<int:pk>/<slug:material_id>/verdict/", views.verdict, name="verdict"),
    path("case/<int:pk>/<slug:material_id>/forged/", views.forged, name="forged"),
    path("version/<int:version_id>/download/", views.download, name="download"),
    path("version/<int:version_id>/preview/", views.preview, name="preview"),
]
