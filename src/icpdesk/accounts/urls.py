from django.urls import path

from icpdesk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("mandates/", views.mandates, name="mandates"),
    path("mandates/<int:pk>/revoke/", views.mandate_revoke, name="mandate_revoke"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
