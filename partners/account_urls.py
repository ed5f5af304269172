"""The person's own account page, under /compte/ beside the sign-in pages."""

from django.urls import path

from partners.account import account

app_name = "account"

urlpatterns = [
    path("", account, name="preferences"),
]
