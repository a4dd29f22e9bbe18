"""A whole-cluster backup of this machine's PostgreSQL server restores (infra/README.md,
"Backups"): take a base backup of the server at 127.0.0.1:5432, start the copy from a
scratch data directory on another port, and read an agency from it.

The base backup is taken with pg_basebackup when the server accepts replication connections;
a server whose pg_hba.conf has no replication entry (as here by default) is backed up the way
pg_basebackup does it underneath, with the low-level API (pg_backup_start/pg_backup_stop and
a file copy of the data directory), which needs the data directory on this machine. Skipped,
with the reason, when no server answers or its version's binaries are not installed."""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

SOURCE = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "connect_timeout": 3}
# Runtime files a copy of a running server must not carry (PostgreSQL docs, "Making a Base
# Backup Using the Low Level API").
RUNTIME = {"postmaster.pid", "postmaster.opts", "pg_wal", "pg_replslot", "pg_stat_tmp",
           "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans"}


def _connect(**extra):
    return psycopg.connect(**{**SOURCE, **extra}, autocommit=True)


@pytest.fixture(scope="module")
def server():
    """The machine's server: its major version, data directory and binaries, or a skip."""
    try:
        with _connect(dbname="postgres") as conn:
            version = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at 127.0.0.1:5432 ({error})")
    bin_dir = Path(f"/usr/lib/postgresql/{version}/bin")
    missing = [name for name in ("pg_basebackup", "pg_ctl", "postgres")
               if not (bin_dir / name).is_file()]
    if missing:
        pytest.skip(f"PostgreSQL {version} binaries not installed: {', '.join(missing)}")
    return {"version": version, "data_dir": Path(data_dir), "bin": bin_dir}


@pytest.fixture
def scratch():
    """A directory the server's OS user owns (postgres refuses to run as root)."""
    path = Path(tempfile.mkdtemp(prefix="harmony-basebackup-", dir="/tmp"))
    _chown(path)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def agency_db():
    """A scratch database on the machine's server holding one agency: its row in the
    console's table and its people in the agency's own schema."""
    name = f"harmony_bb_{secrets.token_hex(4)}"
    with _connect(dbname="postgres") as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        with _connect(dbname=name) as conn:
            conn.execute("""
                CREATE TABLE tenants_agency (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                  schema_name text UNIQUE, name_ko text, code text);
                INSERT INTO tenants_agency (schema_name, name_ko, code)
                  VALUES ('mogaha', '행정자치부', '1311000');
                CREATE SCHEMA mogaha;
                CREATE TABLE mogaha.org_person (id bigint PRIMARY KEY, name text);
                INSERT INTO mogaha.org_person SELECT i, '직원' || i FROM generate_series(1, 250) i;
            """)
        yield name
    finally:
        with _connect(dbname="postgres") as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(path)], check=True)
    path.chmod(0o700)


def _pg_basebackup(server, target: Path) -> bool:
    """pg_basebackup with its WAL streamed beside; False when replication is not allowed."""
    done = subprocess.run(_as_server_user([
        str(server["bin"] / "pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U", "postgres",
        "-D", str(target), "-X", "stream", "-c", "fast", "--no-password"]),
        capture_output=True, text=True, timeout=300)
    if done.returncode == 0:
        return True
    if "replication connection" in done.stderr:
        return False
    raise AssertionError(done.stderr)


def _low_level_backup(server, target: Path) -> None:
    """The same base backup by hand: mark the start, copy the files, mark the end and write
    its label, then copy the WAL written meanwhile."""
    source = server["data_dir"]
    if not os.access(source, os.R_OK):
        pytest.skip(f"the server refuses replication and {source} is not readable here")
    start, stop = (("pg_backup_start", "pg_backup_stop") if server["version"] >= 15
                   else ("pg_start_backup", "pg_stop_backup"))
    with _connect(dbname="postgres") as conn:  # one session from start to stop
        conn.execute(f"SELECT {start}('harmony-drill', true)")
        _copy_live(source, target, ignore=lambda folder, names: [
            n for n in names if folder == str(source) and n in RUNTIME])
        label, tablespaces = conn.execute(
            f"SELECT labelfile, spcmapfile FROM {stop}(false)").fetchone()
    (target / "backup_label").write_text(label)
    if tablespaces:
        (target / "tablespace_map").write_text(tablespaces)
    _copy_live(source / "pg_wal", target / "pg_wal")
    for folder in RUNTIME - {"postmaster.pid", "postmaster.opts", "pg_wal"}:
        (target / folder).mkdir(exist_ok=True)


def _copy_live(source: Path, target: Path, **options) -> None:
    """Copy a running server's files as pg_basebackup does: a file the server removes while
    it is copied (a dropped table's, a recycled WAL segment) is no loss, WAL replay covers it."""
    try:
        shutil.copytree(source, target, **options)
    except shutil.Error as failed:
        if any("No such file or directory" not in str(why) for _src, _dst, why in failed.args[0]):
            raise


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_copy(server, data: Path, sockets: Path, port: int) -> None:
    """Start the restored copy on its own port and socket folder. Debian keeps the server's
    configuration outside its data directory, so the copy gets a minimal one of its own."""
    (data / "postgresql.conf").write_text(
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{sockets}'\n"
        "archive_mode = off\nshared_buffers = 16MB\nmax_connections = 20\n")
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    _chown(data)
    # Replaying the WAL written during the copy takes minutes when the machine is busy
    # (other test runs writing to the same server): wait for it, and say why if it fails.
    log = sockets / "copy.log"
    started = subprocess.run(_as_server_user([
        str(server["bin"] / "pg_ctl"), "-D", str(data), "-l", str(log),
        "-w", "-t", "420", "start"]), capture_output=True, text=True, timeout=480)
    if started.returncode:
        raise AssertionError(started.stderr + (log.read_text() if log.exists() else ""))


def _stop_copy(server, data: Path) -> None:
    subprocess.run(_as_server_user([str(server["bin"] / "pg_ctl"), "-D", str(data), "-m",
                                    "immediate", "stop"]), capture_output=True, timeout=60)


def test_a_base_backup_of_the_server_restores_into_a_scratch_directory_and_serves_an_agency(
    server, scratch, agency_db
):
    data = scratch / "data"
    if not _pg_basebackup(server, data):
        shutil.rmtree(data, ignore_errors=True)
        _low_level_backup(server, data)
    with _connect(dbname=agency_db) as conn:  # after the backup: not in the copy
        conn.execute("INSERT INTO mogaha.org_person VALUES (251, '백업 뒤 입사자')")

    port = _free_port()
    _start_copy(server, data, scratch, port)
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=agency_db,
                             autocommit=True) as copy:
            agency = copy.execute("SELECT name_ko, code FROM tenants_agency "
                                  "WHERE schema_name = 'mogaha'").fetchone()
            people = copy.execute("SELECT count(*), max(id) FROM mogaha.org_person").fetchone()
            in_recovery = copy.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    finally:
        _stop_copy(server, data)

    assert agency == ("행정자치부", "1311000")
    assert people == (250, 250)
    assert in_recovery is False  # a restored server of its own, not a standby
