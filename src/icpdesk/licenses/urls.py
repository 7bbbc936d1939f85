from django.urls import path

from icpdesk.licenses import views

app_name = "licenses"

urlpatterns = [
    path("", views.license_list, name="list"),
    path("verify/", views.verify, name="verify"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/annual/", views.annual_report, name="annual"),
    path("<int:pk>/changes/", views.file_change, name="file_change"),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("<int:pk>/state/<str:name>/", views.change_state, name="change_state"),
    path("changes/<int:filing_id>/<str:decision>/", views.review_change, name="review_change"),
]
