"""Make the audit trail append-only in the database itself.

The trigger function lives in the public schema (one definition for every schema); each
schema's table gets its own triggers, which django-tenants' clone copies to new agencies."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.harmony_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '감사 기록은 수정하거나 삭제할 수 없습니다 (audit events are append-only)'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
TRIGGERS = """
CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION public.harmony_audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION public.harmony_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, DROP)]
