from django.urls import path

from icpdesk.overviews import views

app_name = "overviews"

urlpatterns = [
    path("agency/", views.agency, name="agency"),
    path("province/", views.province, name="province"),
]
