from django.urls import path

from core.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("delegation/", views.delegation, name="delegation"),
    path("lines/", views.line_templates, name="line_templates"),
    path("transparency/", views.transparency, name="transparency"),
    path("absences/", views.absence_registrars_edit, name="absence_registrars"),
    path("kinds/<str:kind>/", views.kind_detail, name="kind"),
    path("kinds/<str:kind>/new/", views.draft_edit, name="draft_new"),
    path("kinds/<str:kind>/standard/", views.standard_take, name="standard_take"),
    path("kinds/<str:kind>/preview/", views.preview, name="preview"),
    path("kinds/<str:kind>/<int:pk>/", views.version, name="version"),
    path("kinds/<str:kind>/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("kinds/<str:kind>/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
]
