from django.db import migrations, models

# A copy of core.org.selectors.HEAD_TITLES as it stood (a migration keeps its own).
HEAD_TITLES = (
    ("특별자치도", "지사"), ("교육청", "교육감"), ("위원회", "위원장"), ("도", "지사"),
    ("부", "장관"), ("군", "수"), ("구", "청장"), ("시", "장"), ("처", "장"), ("청", "장"),
)


def _propose(name: str) -> str:
    for ending, title in HEAD_TITLES:
        if name.endswith(ending):
            if ending in ("위원회", "교육청"):
                return name[: -len(ending)] + title
            return name + title
    return f"{name}장"


def sending_authority_fill(apps, schema_editor):
    """Give each existing agency the 발신명의 the standard model proposes for its name."""
    connection = schema_editor.connection
    schema = getattr(connection, "schema_name", "public")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name_ko FROM public.tenants_agency WHERE schema_name = %s",
                       [schema])
        row = cursor.fetchone()
    if row is None or not row[0]:
        return
    OrgSettings = apps.get_model("org", "OrgSettings")
    OrgSettings.objects.using(connection.alias).filter(sending_authority="").update(
        sending_authority=_propose(row[0].strip()))


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0006_customer_officer_role"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgsettings",
            name="sending_authority",
            field=models.CharField(blank=True, max_length=100, verbose_name="발신명의"),
        ),
        migrations.RunPython(sending_authority_fill, migrations.RunPython.noop),
    ]
