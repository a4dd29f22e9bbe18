from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "core.policies"
    label = "policies"
    verbose_name = "기관 규칙 (Agency rules)"
