from django.urls import path

from core.portal import stream_view, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("live/", stream_view.live, name="live"),
]
