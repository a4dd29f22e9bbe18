from django.urls import path

from core.schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.month, name="month"),
    path("week/", views.week, name="week"),
    path("new/", views.entry_new, name="entry_new"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
