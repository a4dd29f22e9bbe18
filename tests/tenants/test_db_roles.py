"""Requests run as an application role that owns nothing: it reads and appends to the audit
trail but cannot rewrite it or switch its guards off (tenants/db_roles.py)."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import schema_context

from tenants.db_roles import may_unguard_audit_trail


def _one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_requests_run_as_a_role_that_is_no_superuser_and_owns_nothing(db):
    user, superuser, bypass_rls, create_role = _one(
        "SELECT current_user, rolsuper, rolbypassrls, rolcreaterole FROM pg_roles "
        "WHERE rolname = current_user")
    owned = _one("SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid) "
                 "+ (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) "
                 "+ (SELECT count(*) FROM pg_proc WHERE proowner = r.oid) "
                 "FROM pg_roles r WHERE rolname = current_user")[0]

    assert user == settings.HARMONY_DB_APP_USER
    assert (superuser, bypass_rls, create_role, owned) == (False, False, False, 0)
    assert not may_unguard_audit_trail(connection)


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_activityevent"])
def test_the_audit_trail_of_a_new_agency_may_only_be_read_and_appended(alpha, table):
    for schema in ("public", settings.TENANT_BASE_SCHEMA, alpha.schema_name):
        allowed = {privilege for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE",
                                                "TRUNCATE", "TRIGGER", "REFERENCES")
                   if _one("SELECT has_table_privilege(%s, %s)",
                           [f"{schema}.{table}", privilege])[0]}
        assert allowed == {"SELECT", "INSERT"}, schema


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET action = 'forged'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent, audit_activityevent",
    "UPDATE audit_activityevent SET person_id = 1",
    "DELETE FROM audit_activityevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
    "ALTER TABLE audit_activityevent DISABLE TRIGGER USER",
    "DROP TRIGGER audit_event_no_update_delete ON audit_auditevent",
    "SET session_replication_role = replica",
    "CREATE OR REPLACE FUNCTION public.harmony_audit_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "SELECT public.harmony_audit_seal_row('alpha', 1)",
    "SELECT public.harmony_grant_app_role('alpha', current_user)",
])
def test_requests_cannot_rewrite_the_audit_trail_or_switch_its_guards_off(alpha, statement):
    with schema_context(alpha.schema_name):
        with pytest.raises(DatabaseError, match="permission denied|must be owner"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)


def test_production_refuses_to_serve_requests_as_a_superuser(db, settings):
    settings.PRODUCTION = True
    as_app = connections.create_connection("default")
    as_owner = connections.create_connection("default")
    owner = settings.DATABASES["owner"]
    # Outside the pool: it is shared by the alias and holds the application role's connections.
    options = {k: v for k, v in as_app.settings_dict["OPTIONS"].items() if k != "pool"}
    as_app.settings_dict = {**as_app.settings_dict, "OPTIONS": options}
    as_owner.settings_dict = {**as_app.settings_dict, "USER": owner["USER"],
                              "PASSWORD": owner["PASSWORD"]}
    try:
        as_app.ensure_connection()
        with pytest.raises(ImproperlyConfigured, match="superuser"):
            as_owner.ensure_connection()
        assert as_owner.connection is None
    finally:
        as_app.close()
        as_owner.close()


def test_migrations_are_refused_as_the_application_role(alpha):
    with pytest.raises(CommandError, match="--database owner"):
        call_command("migrate_schemas", tenant=True, schema_name=alpha.schema_name,
                     interactive=False, verbosity=0)


def test_a_migrations_historical_models_use_the_connection_it_runs_on(monkeypatch):
    """A third-party data migration without ``.using()`` (django-tasks-db's 0016) would
    otherwise wait on the default connection for the owner's migration transaction."""
    from django.apps import apps
    from django.db import router
    from django.db.migrations.state import ProjectState
    from django_tasks_db.models import DBTaskResult

    from tenants import db_roles

    historical = ProjectState.from_apps(apps).apps.get_model(
        DBTaskResult._meta.app_label, "DBTaskResult")
    monkeypatch.setattr(db_roles, "migrating_on", "owner")
    assert router.db_for_write(historical) == "owner"
    assert router.db_for_read(historical) == "owner"
    assert router.db_for_write(DBTaskResult) == "default"
