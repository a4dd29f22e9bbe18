"""Requests connect as the application role, which may not UPDATE the audit table
(tenants/db_roles.py): the seal runs with its owner's rights, on a search path no caller can
change, and nobody calls the row sealer directly."""

from django.db import migrations

SQL = """
ALTER FUNCTION public.harmony_audit_seal() SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp;
REVOKE EXECUTE ON FUNCTION public.harmony_audit_seal_row(text, bigint) FROM PUBLIC;
"""
REVERSE = """
ALTER FUNCTION public.harmony_audit_seal() SECURITY INVOKER RESET search_path;
GRANT EXECUTE ON FUNCTION public.harmony_audit_seal_row(text, bigint) TO PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_data_version")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
