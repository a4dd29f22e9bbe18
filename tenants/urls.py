from django.urls import path

from tenants import views

app_name = "console"
urlpatterns = [
    path("", views.agencies, name="agencies"),
    path("agencies/new/", views.onboard, name="onboard"),
    path("agencies/wave/", views.wave, name="wave"),
    path("agencies/wave/template.csv", views.wave_template, name="wave_template"),
    path("agencies/<int:pk>/status/", views.set_status, name="set_status"),
    path("audit/", views.audit, name="audit"),
]
