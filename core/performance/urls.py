from django.urls import path

from core.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/assign/", views.assign, name="assign"),
    path("cycles/<int:pk>/people/<int:person_id>/", views.person, name="person"),
    path("cycles/<int:pk>/goals/<slug:level>/<int:owner_id>/", views.goals_edit, name="goals"),
    path("indicators/<int:pk>/entry/", views.entry, name="entry"),
]
