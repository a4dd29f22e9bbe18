"""What the application role may do in a schema, said once (tenants/db_roles.py): read and
write ordinary tables, only read and append to the audit trail, never record migrations.
Called after every migration of a schema and inside every clone, as the owner."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.harmony_grant_app_role(schema_name text, app_role text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  audit_table text;
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %1$I TO %2$I;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %1$I TO %2$I;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %1$I TO %2$I', schema_name, app_role);
  IF to_regclass(format('%I.django_migrations', schema_name)) IS NOT NULL THEN
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I.django_migrations FROM %I',
                   schema_name, app_role);
  END IF;
  FOREACH audit_table IN ARRAY ARRAY['audit_auditevent', 'audit_activityevent'] LOOP
    IF to_regclass(format('%I.%I', schema_name, audit_table)) IS NOT NULL THEN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.%I FROM %I',
                     schema_name, audit_table, app_role);
    END IF;
  END LOOP;
END;
$$;
REVOKE ALL ON FUNCTION public.harmony_grant_app_role(text, text) FROM PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunSQL(
        FUNCTION, "DROP FUNCTION IF EXISTS public.harmony_grant_app_role(text, text);")]
