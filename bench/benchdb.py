"""What the benchmarks share: a throw-away database on the settings' server, and percentiles.

Each benchmark drops and creates its own database (never the demo one), works in it and drops
it again, so `make bench` leaves the server as it found it."""


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
