from django.urls import path

from core.customers import views

app_name = "cases"

urlpatterns = [
    path("", views.box, name="box"),
    path("new/", views.staff_new, name="new"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/end/", views.subscription_end, name="subscription_end"),
    path("outgoing/", views.outgoing, name="outgoing"),
    path("outgoing/new/", views.outgoing_new, name="outgoing_new"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("incoming/", views.incoming, name="incoming"),
    path("incoming/<int:pk>/receive/", views.incoming_receive, name="incoming_receive"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("satisfaction/export/", views.satisfaction_export, name="satisfaction_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", views.move, name="move"),
]
