"""`harmony serve` starts the embedded PostgreSQL again when it dies (a scratch server here,
never the one the tests run on)."""

import os
import signal
import time

import pytest

from harmony.embedded_db import embedded_server_alive, embedded_server_start
from harmony.serve import database_keeper


def _postmaster_pid(data_root) -> int:
    return int((data_root / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])


def _until(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


@pytest.fixture
def scratch_server(tmp_path):
    (tmp_path / "pgdata").mkdir()
    embedded_server_start(tmp_path)
    yield tmp_path
    if embedded_server_alive(tmp_path):
        os.kill(_postmaster_pid(tmp_path), signal.SIGINT)  # fast shutdown
        _until(lambda: not embedded_server_alive(tmp_path), 30)


def test_a_killed_embedded_server_is_started_again(scratch_server, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    keep_database = database_keeper(scratch_server)
    keep_database()  # alive: nothing to do
    first = _postmaster_pid(scratch_server)

    os.kill(first, signal.SIGKILL)
    assert _until(lambda: not embedded_server_alive(scratch_server))

    # Its old backends may hold shared memory for a moment; the supervisor retries each second.
    assert _until(lambda: keep_database() or embedded_server_alive(scratch_server))
    assert _postmaster_pid(scratch_server) != first
