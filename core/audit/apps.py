from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "core.audit"
    label = "audit"
    verbose_name = "감사 기록 (Audit trail)"

    def ready(self) -> None:
        from core.audit import receivers  # noqa: F401  (records sign-ins)
