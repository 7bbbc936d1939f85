from django.urls import path  # noqa: F401

app_name = "licenses"

urlpatterns: list = []  # type: ignore[type-arg]
