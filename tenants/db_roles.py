"""Two database roles, so that no request can rewrite the audit trail or switch its guards off.

The owner role (``DATABASES["owner"]``: the ``postgres`` superuser of the embedded server, or
the user of ``DATABASE_URL``) owns every schema and table; it runs migrations and makes agency
schemas. Requests and jobs connect as the application role (``DATABASES["default"]``,
``settings.HARMONY_DB_APP_USER``), which owns nothing: it reads and writes ordinary tables,
and may only read and append to the audit tables. A table's owner can disable its triggers,
so the append-only triggers protect the trail only from a role that is not its owner.

``grant_app_role(schema)`` (SQL: ``public.harmony_grant_app_role``) is the one place that
says what the application role may do; it runs after every migration of a schema and inside
every clone. Agencies are created inside a request's transaction, as the application role,
so the clone runs in ``public.harmony_clone_template``, a SECURITY DEFINER function owned by
the owner that replays the template's structure (read by the owner after each migration of
the template) and grants the new schema to the application role.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from psycopg import sql

OWNER_DB_ALIAS = "owner"  # as named in settings.DATABASES

# The template changes only by migrations, so its migration records identify its state; the
# clone function refuses to replay a script read from another state.
_FINGERPRINT = ("SELECT count(*)::text || '|' || coalesce(extract(epoch FROM max(applied))::text,"
                " '') FROM {}.django_migrations")
_CLONE_FUNCTION = """
CREATE OR REPLACE FUNCTION public.harmony_clone_template(schema_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $clone$
BEGIN
  IF ({fingerprint}) IS DISTINCT FROM {state} THEN
    RAISE EXCEPTION 'the clone template changed since its script was read: migrate it again';
  END IF;
  EXECUTE format('CREATE SCHEMA %I', schema_name);
  -- pg_temp last, so the caller's temporary tables cannot stand in for the new schema's.
  PERFORM set_config('search_path', format('%I, pg_catalog, pg_temp', schema_name), true);
  EXECUTE {script};
  PERFORM public.harmony_grant_app_role(schema_name, {app_role});
END;
$clone$;
REVOKE ALL ON FUNCTION public.harmony_clone_template(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.harmony_clone_template(text) TO {app_role_name};
"""
# What makes a role refuse to serve requests in production: it can switch triggers off.
_PRIVILEGED = """
SELECT r.rolsuper OR r.rolbypassrls OR coalesce(pg_has_role(c.relowner, 'MEMBER'), false)
FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('public.audit_auditevent')
WHERE r.rolname = current_user
"""


def app_role_ensure(using: str) -> None:
    """Create the application role (or reset its password and attributes) as ``using``."""
    app_role, password = settings.HARMONY_DB_APP_USER, settings.HARMONY_DB_APP_PASSWORD
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = "
                       "current_user")
        may_create_roles = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        exists = cursor.fetchone() is not None
        if may_create_roles:
            _role_write(cursor, app_role, password, create=not exists)
        elif not exists:
            raise CommandError(f"데이터베이스 역할 {app_role}이 없습니다; 관리자가 만들어야 "
                               f"합니다 (the role {app_role} must be created by a DBA).")
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
            sql.Identifier(connections[using].settings_dict["NAME"]), sql.Identifier(app_role)))


def _role_write(cursor, app_role: str, password: str, *, create: bool) -> None:
    statement = sql.SQL(
        "{} ROLE {} WITH LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
    ).format(sql.SQL("CREATE" if create else "ALTER"), sql.Identifier(app_role),
             sql.Literal(password))
    try:
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute(statement)
    except DatabaseError:
        # Roles belong to the whole server: another test run may have just created it.
        if not create:
            raise
        _role_write(cursor, app_role, password, create=False)


def grant_app_role(schema: str, *, using: str = OWNER_DB_ALIAS) -> None:
    """Give the application role its privileges on ``schema`` (after a migration)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT public.harmony_grant_app_role(%s, %s)",
                       [schema, settings.HARMONY_DB_APP_USER])


def clone_function_create(*, template: str, script: str, using: str) -> None:
    """(Re)create the clone function from the template's script, as the owner ``using``."""
    fingerprint = _FINGERPRINT.format(sql.Identifier(template).as_string())
    app_role = settings.HARMONY_DB_APP_USER
    with connections[using].cursor() as cursor:
        cursor.execute(fingerprint)
        state = cursor.fetchone()[0]
        cursor.execute(_CLONE_FUNCTION.format(
            fingerprint=fingerprint, state=sql.Literal(state).as_string(),
            script=sql.Literal(script).as_string(), app_role=sql.Literal(app_role).as_string(),
            app_role_name=sql.Identifier(app_role).as_string()))


_roles_ensured: set[tuple[str, str]] = set()
# The alias the current migration runs on (tenants/routers.py sends its historical models
# there); None outside migrations.
migrating_on: str | None = None


def before_migrate(sender, using: str, **kwargs) -> None:
    """pre_migrate: refuse the application role (it could not change the tables, and would
    fail half-way with a cryptic error), and make sure it exists; once per database."""
    settings_dict = connections[using].settings_dict
    if settings_dict["USER"] == settings.HARMONY_DB_APP_USER:
        raise CommandError("마이그레이션은 소유자 역할로 실행합니다: --database owner "
                           "(migrations run as the owner role).")
    global migrating_on
    migrating_on = using
    if (using, settings_dict["NAME"]) not in _roles_ensured:
        app_role_ensure(using)
        _roles_ensured.add((using, settings_dict["NAME"]))


def after_migrate(sender, using: str, **kwargs) -> None:
    """post_migrate: grant the migrated schema; after the template, re-read its script."""
    from tenants.schema_clone import read_script

    global migrating_on
    migrating_on = None
    schema = connections[using].schema_name
    with transaction.atomic(using=using):
        grant_app_role(schema, using=using)
        if schema == settings.TENANT_BASE_SCHEMA:
            clone_function_create(template=schema, script=read_script(schema, using=using),
                                  using=using)


@contextmanager
def as_owner():
    """Run the block's database work on the owner's connection, in this thread: the ORM,
    ``django.db.connection`` and ``transaction.atomic()`` without ``using`` all reach it.

    For the one operation that rebuilds a whole schema inside a transaction together with
    ordinary rows (a backup restored over an agency, tenants/backups.py): the application role
    may not drop, create or truncate, and two connections could not share the transaction.
    Refused inside a transaction of the application role, whose atomicity it would break."""
    handler_default = connections[DEFAULT_DB_ALIAS]
    owner = connections[OWNER_DB_ALIAS]
    if handler_default is owner:  # nested
        yield owner
        return
    if handler_default.in_atomic_block:
        raise RuntimeError("as_owner() inside a transaction of the application role")
    owner.set_schema_to_public()
    connections[DEFAULT_DB_ALIAS] = owner
    try:
        yield owner
    finally:
        connections[DEFAULT_DB_ALIAS] = handler_default
        owner.set_schema_to_public()


# Roles found unable to unguard the trail: checked once per process, not on every checkout
# from the pool (connection_created fires for each).
_vetted_roles: set[tuple[str, str]] = set()


def refuse_privileged_app_role(sender, connection, **kwargs) -> None:
    """connection_created: in production, requests never run as a role that can switch the
    audit trail's triggers off (a superuser, or the owner of the audit tables)."""
    if connection.alias != DEFAULT_DB_ALIAS or not settings.PRODUCTION:
        return
    key = (connection.settings_dict["USER"], connection.settings_dict["NAME"])
    if key in _vetted_roles:
        return
    if may_unguard_audit_trail(connection):
        connection.close()
        raise ImproperlyConfigured(
            "요청은 응용 역할로만 처리합니다 (requests must not connect as a superuser or as "
            "the owner of the audit tables): set HARMONY_DB_APP_USER.")
    _vetted_roles.add(key)


def may_unguard_audit_trail(connection) -> bool:
    """Whether ``connection``'s role could switch the audit triggers off."""
    with connection.cursor() as cursor:
        cursor.execute(_PRIVILEGED)
        return cursor.fetchone()[0]
