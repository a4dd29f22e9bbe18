from django.urls import path

from core.customers import views

app_name = "cases"

urlpatterns = [
    path("", views.box, name="box"),
    path("new/", views.staff_new, name="new"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/end/", views.subscription_end, name="subscription_end"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.move, name="move"),
]
