from django.urls import path

from tenants import views

app_name = "console"
urlpatterns = [
    path("", views.agencies, name="agencies"),
    path("agencies/new/", views.onboard, name="onboard"),
    path("agencies/wave/", views.wave, name="wave"),
    path("agencies/wave/template.csv", views.wave_template, name="wave_template"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("agencies/<int:pk>/status/", views.set_status, name="set_status"),
    path("agencies/<int:pk>/backups/", views.backup_start, name="backup_start"),
    path("agencies/<int:pk>/backups/<str:name>", views.backup_download, name="backup_download"),
    path("agencies/<int:pk>/backups/<str:name>/restore/", views.backup_restore,
         name="backup_restore"),
    path("audit/", views.audit, name="audit"),
]
