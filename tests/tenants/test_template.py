"""The clone template is an agency row, so migrate_schemas keeps it current and new agencies
cloned from it get every migration's changes. Migrations run as the owner and commit, so these
tests write committed data (tests/committed.py) and undo what they changed."""

import shutil
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tenants import services
from tenants.models import Agency
from tests.committed import agency_drop, db  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("db")

PROBE_MIGRATION = '''
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("policies", "{latest}")]
    operations = [migrations.RunSQL(
        "ALTER TABLE policies_policy ADD COLUMN probe_note text",
        "ALTER TABLE policies_policy DROP COLUMN probe_note",
    )]
'''


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _columns(schema: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns "
                       "WHERE table_schema = %s AND table_name = %s", [schema, table])
        return {row[0] for row in cursor.fetchall()}


def test_the_template_is_an_agency_row_without_a_domain():
    template = Agency.objects.get(schema_name=settings.TENANT_BASE_SCHEMA)
    assert not template.domains.exists()


def test_a_new_migration_reaches_agencies_cloned_after_it(tmp_path, settings, monkeypatch):
    package = tmp_path / "probe_policies_migrations"
    package.mkdir()
    source = Path(__file__).resolve().parents[2] / "core" / "policies" / "migrations"
    for path in source.glob("*.py"):  # the app's own migrations, then the probe after them
        shutil.copy(path, package / path.name)
    latest = max(path.stem for path in source.glob("0*.py"))
    (package / "9999_probe.py").write_text(PROBE_MIGRATION.replace("{latest}", latest))
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"policies": "probe_policies_migrations"}

    migrate = partial(call_command, "migrate_schemas", tenant=True, database="owner",
                      schema_name=settings.TENANT_BASE_SCHEMA, interactive=False, verbosity=0)
    migrate()
    agency = None
    try:
        agency = services.agency_onboard(onboarding=services.Onboarding(
            name_ko="신설청", name_en="New agency", code="3000001", subdomain="newly",
            kind="central", standard_model_version="2026.1", admin_email="a@newly.test"),
            actor=None)

        assert "probe_note" in _columns(settings.TENANT_BASE_SCHEMA, "policies_policy")
        assert "probe_note" in _columns(agency.schema_name, "policies_policy")
    finally:
        if agency is not None:
            agency_drop(agency)
        migrate("policies", latest)


def test_fast_and_migration_paths_make_the_same_tables():
    made = []
    try:
        for code, subdomain, fast in (("2000001", "fast-one", True),
                                      ("2000002", "slow-one", False)):
            made.append(services.agency_onboard(onboarding=services.Onboarding(
                name_ko="신설청", name_en="New agency", code=code, subdomain=subdomain,
                kind="central", standard_model_version="2026.1",
                admin_email=f"a@{subdomain}.test"), actor=None, fast=fast))

        fast, slow = (_tables(agency.schema_name) for agency in made)
        assert fast == slow
        assert "org_person" in fast
    finally:
        for agency in made:
            agency_drop(agency)
