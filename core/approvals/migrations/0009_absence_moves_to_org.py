"""Absences belong to the person's record: the model (and its table, with every row) moved to
org in org/0005_history. Here approvals only forgets it; nothing happens in the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0008_step_opened_at'),
        ('org', '0005_history'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Absence')],
            database_operations=[],
        ),
    ]
