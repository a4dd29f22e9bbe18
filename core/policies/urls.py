from django.urls import path

from core.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("delegation/", views.delegation, name="delegation"),
    path("lines/", views.line_templates, name="line_templates"),
    path("transparency/", views.transparency, name="transparency"),
    path("absences/", views.absence_registrars_edit, name="absence_registrars"),
]
