"""django-tenants' router, extended to the owner's alias, which runs the migrations."""

from django.apps import apps as installed_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django_tenants.routers import TenantSyncRouter
from django_tenants.utils import get_public_schema_name

from tenants import db_roles
from tenants.db_roles import OWNER_DB_ALIAS


class AgencySyncRouter(TenantSyncRouter):
    """Shared apps migrate in the public schema, tenant apps in agency schemas, on either
    alias (django-tenants' own router allows only ``TENANT_DB_ALIAS``)."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db not in (DEFAULT_DB_ALIAS, OWNER_DB_ALIAS):
            return False
        public = connections[db].schema_name == get_public_schema_name()
        apps = settings.SHARED_APPS if public else settings.TENANT_APPS
        return None if self.app_in_list(app_label, apps) else False

    def db_for_read(self, model, **hints):
        """A migration's historical models go to the connection the migration runs on, also
        in third-party data migrations that forget ``.using(schema_editor.connection.alias)``
        (django-tasks-db's 0016): on the default connection they would wait for the owner's
        open migration transaction for ever."""
        if model._meta.apps is not installed_apps:
            return db_roles.migrating_on
        return None

    db_for_write = db_for_read
