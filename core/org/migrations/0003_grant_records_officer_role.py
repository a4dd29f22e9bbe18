"""Agencies onboarded before the records officer role existed get it too; a schema that
has no roles yet (the clone template before seeding) gets them all from the standard model."""

from django.db import migrations


def add_role(apps, schema_editor):
    # Migrations run on the owner's connection, not the default one (tenants/db_roles.py).
    roles = apps.get_model("org", "Role").objects.using(schema_editor.connection.alias)
    if roles.exists():
        roles.get_or_create(code="records_officer",
                                   defaults={"name": "기록물 열람 담당자"})


class Migration(migrations.Migration):
    dependencies = [("org", "0002_records_officer_role")]

    operations = [migrations.RunPython(add_role, migrations.RunPython.noop)]
