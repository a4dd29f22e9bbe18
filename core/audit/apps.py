from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The bottom layer: every app records its moves here; this app imports none of them."""

    name = "core.audit"
    label = "audit"
    verbose_name = "감사 기록 (Audit trail)"

    def ready(self):
        from core.audit.version import connect_signals

        connect_signals()
