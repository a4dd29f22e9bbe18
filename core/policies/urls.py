from django.urls import path

from core.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("delegation/", views.delegation, name="delegation"),
]
