from django.urls import path

from icpdesk.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_new, name="new"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("<int:pk>/staff/add/", views.staff_add, name="staff_add"),
    path("<int:pk>/staff/<int:staff_pk>/edit/", views.staff_edit, name="staff_edit"),
    path("<int:pk>/staff/<int:staff_pk>/delete/", views.staff_delete, name="staff_delete"),
    path("<int:pk>/violations/add/", views.violation_add, name="violation_add"),
    path("<int:pk>/violations/<int:violation_pk>/delete/", views.violation_delete, name="violation_delete"),
]
