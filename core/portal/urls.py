from django.urls import path

from core.portal import stream_view, timeline_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("setup/dismiss/", views.setup_dismiss, name="setup_dismiss"),
    path("live/", stream_view.live, name="live"),
    path("timeline/unit/", timeline_views.unit_flow, name="unit_flow"),
    path("timeline/me/", timeline_views.work_record, name="my_record"),
    path("timeline/people/<int:pk>/", timeline_views.work_record, name="record"),
    path("timeline/<slug:key>/<int:pk>/", timeline_views.object_timeline, name="timeline"),
]
