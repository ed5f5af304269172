"""The token part of the account page, under /compte/jetons-api/."""

from django.urls import path

from api.account import token_create, token_revoke

app_name = "api_tokens"

urlpatterns = [
    path("", token_create, name="create"),
    path("<int:pk>/revoquer/", token_revoke, name="revoke"),
]
