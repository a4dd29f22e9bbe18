"""The agency's public customer pages (no account)."""

from django.urls import path

from core.customers import views

app_name = "public_requests"

urlpatterns = [
    path("new/", views.public_new, name="new"),
    path("<str:token>/", views.public_status, name="status"),
    path("<str:token>/survey/", views.public_survey, name="survey"),
]
