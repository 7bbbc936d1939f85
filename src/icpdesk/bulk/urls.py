from django.urls import path

from icpdesk.bulk import views

app_name = "bulk"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/template.xlsx", views.import_template, name="template"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("book/", views.book, name="book"),
    path("book/<int:pk>/", views.book_run, name="book_run"),
]
