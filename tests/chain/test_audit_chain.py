"""The audit trail is tamper-evident: every committed row is chained to the one before, and
`harmony audit-verify` finds a row edited, deleted or reordered even by a superuser."""

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django_tenants.utils import schema_context

from core.audit.chain import chain_verify
from core.work import services as work


def _make_history(people, n: int = 4):
    with schema_context(people.agency.schema_name):
        for i in range(n):
            work.task_create(actor=people.staff, owner=people.staff, title=f"과제 {i}")


def _as_superuser(schema: str, statement: str):
    """What an attacker with the database superuser would do: switch the guards off."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(f"SET LOCAL session_replication_role = replica; "
                       f"{statement.format(schema=schema)}")


def test_committed_rows_form_an_intact_chain(committed):
    _make_history(committed)
    report = chain_verify(committed.agency.schema_name)
    assert report.intact, report.problems
    assert report.rows >= 4 and len(report.head_hash) == 64


@pytest.mark.parametrize("attack, finding", [
    ("UPDATE {schema}.audit_auditevent SET target_label = '조작' "
     "WHERE seq = (SELECT max(seq) - 1 FROM {schema}.audit_auditevent)",
     "내용이 기록 후 바뀌었습니다"),
    ("DELETE FROM {schema}.audit_auditevent "
     "WHERE seq = (SELECT max(seq) - 2 FROM {schema}.audit_auditevent)", "없습니다 (삭제됨)"),
    ("UPDATE {schema}.audit_auditevent SET seq = -seq WHERE seq IN (SELECT max(seq) - 1 FROM "
     "{schema}.audit_auditevent UNION SELECT max(seq) - 2 FROM {schema}.audit_auditevent); "
     "UPDATE {schema}.audit_auditevent SET seq = CASE WHEN -seq = (SELECT max(seq) FROM "
     "{schema}.audit_auditevent) - 1 THEN -seq - 1 ELSE -seq + 1 END WHERE seq < 0",
     "앞 기록 해시가 맞지 않습니다"),
])
def test_audit_verify_finds_an_edited_deleted_or_reordered_row(committed, attack, finding):
    _make_history(committed)
    schema = committed.agency.schema_name
    with transaction.atomic(using="owner"):
        _as_superuser(schema, attack)
    report = chain_verify(schema)
    assert any(finding in problem for problem in report.problems), report.problems
    with pytest.raises(SystemExit) as exit_code:
        call_command("audit_verify", committed.agency.schema_name)
    assert exit_code.value.code == 1
