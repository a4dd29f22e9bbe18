from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "core.schedules"
    label = "schedules"
    verbose_name = "일정 (Schedules)"
