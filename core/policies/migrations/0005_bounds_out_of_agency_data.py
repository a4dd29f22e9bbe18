"""The legal bounds move out of the agencies' rule data into the standard model (where only
central staff change them): drop the copies the standard model 2026.1 put in each agency."""

from django.db import migrations

COPIED_BOUNDS = {"service_rating": ("bounds",), "promotion": ("max_service_rating_weight",)}


def bounds_out(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    rows = Policy.objects.using(schema_editor.connection.alias).filter(
        kind__in=list(COPIED_BOUNDS))
    for policy in rows:
        keys = [key for key in COPIED_BOUNDS[policy.kind] if key in policy.data]
        if keys:
            policy.data = {k: v for k, v in policy.data.items() if k not in keys}
            policy.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_rulebook")]

    operations = [migrations.RunPython(bounds_out, migrations.RunPython.noop)]
