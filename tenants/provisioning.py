"""Make agency schemas: clone the template (fast path) or run every migration (fallback).

The template is an agency row of its own (schema ``settings.TENANT_BASE_SCHEMA``, no domain),
so ``migrate_schemas`` keeps it at the current migration state and a clone never lacks a
table that its migration records claim. Creations are serialised with an advisory lock, so
two onboardings never race for one name; ``schema_clone`` says why we copy the template
ourselves instead of calling django-tenants' ``clone_schema`` function. Requests connect as
the application role, which may not create schemas: the clone runs in a function owned by the
owner role, the migration fallback on the owner's connection (tenants/db_roles.py).
"""

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django_tenants.utils import get_public_schema_name, schema_exists

from tenants.db_roles import OWNER_DB_ALIAS
from tenants.models import Agency, AgencyKind, Domain
from tenants.schema_clone import clone_template

# An arbitrary, fixed key for pg_advisory_xact_lock: "agency creation".
AGENCY_CREATION_LOCK = 7_240_512_001


def serialise_agency_creation() -> None:
    """Hold the agency-creation lock until the surrounding transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AGENCY_CREATION_LOCK])


def template_ready() -> bool:
    return schema_exists(settings.TENANT_BASE_SCHEMA)


def create_agency_schema(agency: Agency, *, fast: bool = True) -> None:
    """Create the agency's schema: a clone inside the caller's transaction, or (fallback, for
    the template itself) migrations as the owner, committed on the owner's connection."""
    if fast and template_ready():
        # The copy includes django_migrations and content types, so the new schema is
        # already marked migrated; no fake migrate run is needed.
        clone_template(schema=agency.schema_name)
        return
    with connections[OWNER_DB_ALIAS].cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{agency.schema_name}"')
    call_command("migrate_schemas", tenant=True, schema_name=agency.schema_name,
                 database=OWNER_DB_ALIAS, interactive=False, verbosity=0)


def ensure_platform_agencies() -> None:
    """Create the public agency with the console's domain, and the clone template."""
    public, _ = Agency.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name_ko": "하모니 중앙 콘솔", "name_en": "Harmony central console",
                  "kind": AgencyKind.PLATFORM},
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN,
                                 defaults={"tenant": public, "is_primary": True})
    template = Agency.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if template is None:
        template = Agency(schema_name=settings.TENANT_BASE_SCHEMA, name_ko="표준모델 템플릿",
                          name_en="Standard model template", kind=AgencyKind.PLATFORM)
        template.auto_create_schema = False
        template.save()
    if not template_ready():
        create_agency_schema(template, fast=False)
