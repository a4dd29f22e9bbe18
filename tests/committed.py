"""Fixtures for tests that need committed rows (NOTIFY and the audit chain act at commit):
``db`` without pytest-django's per-test transaction, and agencies made and committed under
unique subdomains (the test database is dropped at the end of the run). Import them into a
test module or a folder's conftest."""

import secrets

import pytest
from django.db import connections

from tenants.models import Agency
from tests.factories import make_personas, onboard_agency


@pytest.fixture
def db(django_db_setup, django_db_blocker):
    """pytest-django's ``db`` without its per-test transaction."""
    with django_db_blocker.unblock():
        yield


def committed_agency(label: str):
    while True:
        code = f"7{secrets.randbelow(10**6):06d}"
        if not Agency.objects.filter(code=code).exists():
            break
    return make_personas(onboard_agency(f"{label}-{secrets.token_hex(4)}", code=code))


@pytest.fixture
def committed(db):
    return committed_agency("live")


@pytest.fixture
def committed_other(db):
    return committed_agency("liveb")


def agency_drop(agency: Agency) -> None:
    """Remove a committed agency: its schema as the owner, then its row (and domains)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{agency.schema_name}" CASCADE')
    agency.delete()
