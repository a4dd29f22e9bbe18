"""The unsubscribe link of the agency's notices (no account)."""

from django.urls import path

from core.customers import views

app_name = "public_notices"

urlpatterns = [
    path("<str:token>/", views.unsubscribe, name="unsubscribe"),
]
