from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "core.approvals"
    label = "approvals"
    verbose_name = "전자결재 (Electronic approval)"
