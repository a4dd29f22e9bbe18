"""Rows appended by the application role are sealed at commit (the seal runs as the owner),
and even the owner, which could switch them off, is refused by the append-only triggers."""

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import schema_context

from core.audit.chain import chain_verify
from core.audit.models import AuditEvent
from core.work import services as work
from tenants.db_roles import as_owner


def test_rows_appended_by_the_application_role_are_sealed_at_commit(committed, settings):
    schema = committed.agency.schema_name
    with schema_context(schema):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == settings.HARMONY_DB_APP_USER
        work.task_create(actor=committed.staff, owner=committed.staff, title="봉인 확인")
        assert not AuditEvent.objects.filter(seq__isnull=True).exists()
        assert AuditEvent.objects.latest("seq").hash != ""
    assert chain_verify(schema).intact


@pytest.mark.parametrize("statement", [
    "UPDATE {schema}.audit_auditevent SET action = 'forged'",
    "DELETE FROM {schema}.audit_auditevent",
    "SET CONSTRAINTS ALL IMMEDIATE; "
    "TRUNCATE {schema}.audit_auditevent, {schema}.audit_activityevent CASCADE",
    "DELETE FROM {schema}.audit_activityevent",
])
def test_the_owner_is_refused_by_the_append_only_triggers(committed, statement):
    schema = committed.agency.schema_name
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(using="owner"), connections["owner"].cursor() as cursor:
            cursor.execute(statement.format(schema=f'"{schema}"'))


def test_as_owner_runs_the_block_as_the_owner_then_the_application_role_again(db, settings):
    """What a backup restore uses to rebuild a schema (tenants/backups.py)."""

    def user():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            return cursor.fetchone()[0]

    with as_owner():
        assert user() == settings.DATABASES["owner"]["USER"]
        with transaction.atomic():  # the ORM's default transaction is the owner's
            assert connections["owner"].in_atomic_block
    assert user() == settings.HARMONY_DB_APP_USER


def test_as_owner_is_refused_inside_a_transaction_of_the_application_role(db):
    with transaction.atomic(), pytest.raises(RuntimeError, match="transaction"):
        with as_owner():
            pass
