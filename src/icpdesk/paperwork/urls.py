from django.urls import path  # noqa: F401

app_name = "paperwork"

urlpatterns: list = []  # type: ignore[type-arg]
