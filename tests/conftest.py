"""Shared fixtures: a test database with the console and the clone template, agencies made
through the real onboarding service, and the personas of each agency."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import connection, connections
from django.dispatch import receiver
from django.test import Client
from django_tenants.utils import schema_context

from core.audit import version
from tests.factories import Personas, make_personas, onboard_agency

# A test's transaction never commits, so the data version (core/audit/version.py) moves after
# each writing statement instead of after the commit; tests/audit/test_data_version.py checks
# the committed behaviour.
version.EAGER = True


def _connect_as(user: str, password: str) -> None:
    """Switch the default connection's role; its pool (opened with the old role) goes too."""
    connection.close()
    connection.close_pool()
    connection.settings_dict.update(USER=user, PASSWORD=password)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Create, migrate and finally drop the test database as the owner role: the tests run
    as the application role, like requests (tenants/db_roles.py)."""
    owner = settings.DATABASES["owner"]
    _connect_as(owner["USER"], owner["PASSWORD"])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After migrations, sign in as the application role and create the public agency
    (console) and the template schema."""
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    from tenants.provisioning import ensure_platform_agencies

    name = connection.settings_dict["NAME"]
    if (not name.startswith(TEST_DATABASE_PREFIX) and not (
        connection.settings_dict["TEST"]["NAME"] == name
    )) or connections["owner"].settings_dict["NAME"] != name:
        pytest.fail("pytest-django has not set up the test database; refusing to touch "
                    f"{connection.settings_dict['NAME']!r}")
    _connect_as(settings.HARMONY_DB_APP_USER, settings.HARMONY_DB_APP_PASSWORD)
    # A connection pool keeps the database it was opened on: one opened before the test
    # database existed would still point at the real one.
    if connection.pool is not None and (
        connection.pool.kwargs.get("dbname") != connection.settings_dict["NAME"]
    ):
        pytest.fail("the connection pool was opened on "
                    f"{connection.pool.kwargs.get('dbname')!r}, not on the test database")
    try:
        with django_db_blocker.unblock():
            ensure_platform_agencies()
        yield
    finally:  # pytest-django drops the test database next, as the owner
        connections["owner"].close()
        owner = settings.DATABASES["owner"]
        _connect_as(owner["USER"], owner["PASSWORD"])


# Tables of the system catalogue that each agency made and rolled back leaves dead rows in.
CATALOGUE = ("pg_attribute", "pg_class", "pg_depend", "pg_constraint", "pg_trigger", "pg_index",
             "pg_type", "pg_attrdef", "pg_sequence", "pg_description")
REFRESH_EVERY = 50
_tests_run = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Every REFRESH_EVERY tests, once the test's transaction is rolled back: vacuum the
    catalogue and start the database connections afresh. Each test onboards agencies by
    cloning a template of ~450 tables and indexes and rolls them back. Where autovacuum is
    off (the CI machine's server) the dead catalogue rows pile up, and a backend that has
    made and dropped thousands of relations grows slow whatever the vacuum: a clone took 4 s
    in the suite's own connection against 0.8 s in a fresh one."""
    global _tests_run
    yield
    _tests_run += 1
    if _tests_run % REFRESH_EVERY == 0 and not connection.in_atomic_block:
        _vacuum_catalogue()
        connection.close()
        connection.close_pool()


def _vacuum_catalogue() -> None:
    """Through a connection of its own, as the owner (VACUUM needs autocommit; rows of
    rolled-back transactions go whatever an open transaction sees)."""
    import psycopg

    owner = settings.DATABASES["owner"]
    with psycopg.connect(dbname=connection.settings_dict["NAME"], user=owner["USER"],
                         password=owner["PASSWORD"] or None, host=owner["HOST"] or None,
                         port=owner["PORT"] or None, autocommit=True) as admin:
        for table in CATALOGUE:
            admin.execute(f"VACUUM pg_catalog.{table}")


@pytest.fixture(autouse=True)
def _clean_slate(settings):
    """Fast password hashing, an empty cache, and the connection back on the public schema
    (a request leaves it on the last agency it served)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Text messages stay in core.customers.sms.outbox, as e-mails stay in mail.outbox.
    settings.HARMONY_SMS_BACKEND = "core.customers.sms.LocMemBackend"
    cache.clear()
    connection.set_schema_to_public()
    yield
    cache.clear()
    connection.set_schema_to_public()


@receiver(setting_changed)
def _agency_storage_follows_media_root(*, setting, **kwargs):
    """django-tenants' storage keeps the first MEDIA_ROOT it saw (its reset hook passes the
    settings module where the setting's name belongs), so a test that moves MEDIA_ROOT
    would find its files in an earlier test's folder."""
    if setting == "MEDIA_ROOT":
        storages["default"].__dict__.pop("relative_media_root", None)


def agency_client(subdomain: str, user=None) -> Client:
    """A test client that talks to one agency's host, signed in as ``user`` if given."""
    client = Client(HTTP_HOST=f"{subdomain}.localhost")
    if user is not None:
        with schema_context(subdomain.replace("-", "_")):
            client.force_login(user)
    return client


def console_client(user=None) -> Client:
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        with schema_context("public"):
            client.force_login(user)
    return client


@pytest.fixture
def alpha(db):
    return onboard_agency("alpha", code="1000001", name_ko="알파부")


@pytest.fixture
def beta(db):
    return onboard_agency("beta", code="1000002", name_ko="베타청")


@pytest.fixture
def alpha_people(alpha) -> Personas:
    return make_personas(alpha)


@pytest.fixture
def beta_people(beta) -> Personas:
    return make_personas(beta)


@pytest.fixture
def central_user(db):
    """A central staff member with TOTP enrolled (MFA is mandatory on the console)."""
    from core.accounts.mfa import totp_enrol
    from tests.factories import UserFactory

    user = UserFactory(email="ops@harmony.test", is_staff=True)
    totp_enrol(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def run_jobs(monkeypatch, settings, django_capture_on_commit_callbacks):
    """Run the queued jobs with django-tasks-db's own worker loop, on this thread and inside
    the test's transaction (so it sees the test's data), until none is left; retries come
    at once. What the jobs leave for after their commit (a head-count refresh) runs too.
    Tests that need a worker beside a server, on committed data, use tests/jobs' live one."""
    from django_tasks_db.management.commands import db_worker

    settings.HARMONY_JOB_RETRY_DELAYS = [0, 0]
    # It would close the connection, and with it the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            db_worker.Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                             startup_delay=False, max_tasks=None, worker_id="test-worker",
                             excluded_queue_names=[]).run()

    return run
