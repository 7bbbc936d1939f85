"""The user's own pages; the mandate pages join this namespace from ``icpdesk.enterprises.mandate_urls``."""

from django.urls import path

from icpdesk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
    path("two-factor/codes/", views.two_factor_codes, name="two_factor_codes"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
]
