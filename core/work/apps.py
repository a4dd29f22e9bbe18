from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "core.work"
    label = "work"
    verbose_name = "업무관리 (Work management)"
