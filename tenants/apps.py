from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "기관 (Agencies)"

    def ready(self) -> None:
        from tenants import checks, db_roles  # noqa: F401  (checks registers system checks)

        pre_migrate.connect(db_roles.before_migrate, sender=self)
        post_migrate.connect(db_roles.after_migrate, sender=self)
        connection_created.connect(db_roles.refuse_privileged_app_role)
