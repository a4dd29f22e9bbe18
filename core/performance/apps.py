from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "core.performance"
    label = "performance"
    verbose_name = "성과관리"

    def ready(self) -> None:
        from core.audit.collectors import collector_register
        from core.performance.collect import attainment_collect

        # Every type: which ones count is the agency's indicator definitions' business.
        collector_register(None, attainment_collect, within_move=True)
