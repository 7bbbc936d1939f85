from django.urls import path

from icpdesk.paperwork import views

app_name = "paperwork"

urlpatterns = [
    path("cases/<int:pk>/", views.case_documents, name="case_documents"),
    path("cases/<int:pk>/generate/", views.generate, name="generate"),
    path("cases/<int:pk>/attach/", views.attach, name="attach"),
    path("files/<int:pk>/", views.download, name="download"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly/batch/", views.weekly_batch, name="weekly_batch"),
    path("weekly/<int:enterprise_pk>/", views.weekly_one, name="weekly_one"),
]
