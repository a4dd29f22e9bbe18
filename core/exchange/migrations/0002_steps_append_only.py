"""The channel's trail of crossings is append-only in the database, like the audit trail
(the same trigger function, audit 0002): the application role owns no table, so it cannot
switch the trigger off."""

from django.db import migrations

TRIGGERS = """
CREATE TRIGGER agency_request_step_no_update_delete
  BEFORE UPDATE OR DELETE ON exchange_agencyrequeststep
  FOR EACH ROW EXECUTE FUNCTION public.harmony_audit_append_only();
CREATE TRIGGER agency_request_step_no_truncate BEFORE TRUNCATE ON exchange_agencyrequeststep
  FOR EACH STATEMENT EXECUTE FUNCTION public.harmony_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS agency_request_step_no_update_delete ON exchange_agencyrequeststep;
DROP TRIGGER IF EXISTS agency_request_step_no_truncate ON exchange_agencyrequeststep;
"""


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial"), ("audit", "0002_append_only")]

    operations = [migrations.RunSQL(TRIGGERS, DROP)]
