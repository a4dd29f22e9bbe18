from django.urls import path

from core.org import views

app_name = "org"
urlpatterns = [
    path("", views.chart, name="chart"),
    path("units/new/", views.unit_form, name="unit_new"),
    path("units/<int:pk>/edit/", views.unit_form, name="unit_edit"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/", views.person_roles, name="person_roles"),
    path("people/<int:pk>/appointments/new/", views.appointment_new, name="appointment_new"),
    path("people/<int:pk>/appointments/<int:appointment_pk>/edit/", views.appointment_edit,
         name="appointment_edit"),
    path("people/<int:pk>/appointments/<int:appointment_pk>/end/", views.appointment_end,
         name="appointment_end"),
    path("people/<int:pk>/discipline/new/", views.discipline_new, name="discipline_new"),
    path("history/", views.org_on_page, name="org_on"),
    path("history/appointments.xlsx", views.appointments_export, name="appointments_export"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("import/", views.import_file, name="import"),
    path("import/<slug:kind>-template.csv", views.import_template, name="import_template"),
    path("settings/", views.org_settings, name="settings"),
]
