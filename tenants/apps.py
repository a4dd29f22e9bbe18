from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "기관 (Agencies)"

    def ready(self) -> None:
        from tenants import checks  # noqa: F401  (registers system checks)
