from django.db import migrations


class Migration(migrations.Migration):
    """The schema's data version (core/audit/version.py): a plain sequence."""

    dependencies = [
        ("audit", "0005_activity_record_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS harmony_data_version",
            "DROP SEQUENCE IF EXISTS harmony_data_version",
        ),
    ]
