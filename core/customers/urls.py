from django.urls import path

from core.customers import views

app_name = "cases"

urlpatterns = [
    path("", views.box, name="box"),
    path("new/", views.staff_new, name="new"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("satisfaction/export/", views.satisfaction_export, name="satisfaction_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.move, name="move"),
]
