from django.contrib.auth import views as auth_views
from django.urls import path

from icpdesk.accounts.views import DeskLoginView
from icpdesk.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", DeskLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="web:home"), name="logout"),
]
