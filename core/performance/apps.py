from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "core.performance"
    label = "performance"
    verbose_name = "성과관리"
