"""``harmony serve``: one run per checkout, told clearly in Korean and English."""

import os
import subprocess
import sys

import pytest

from harmony import serve


def test_the_run_lock_holds_our_pid(tmp_path):
    with serve.run_lock(tmp_path):
        assert (tmp_path / serve.LOCK_NAME).read_text().strip() == str(os.getpid())


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path):
    with serve.run_lock(tmp_path), pytest.raises(serve.AlreadyRunning) as refused:
        serve.run_lock(tmp_path)
    assert refused.value.pid == str(os.getpid())
    assert "이미 실행 중" in str(refused.value) and "already running" in str(refused.value)


def test_the_lock_is_free_again_when_the_first_run_ends(tmp_path):
    with serve.run_lock(tmp_path):
        pass
    with serve.run_lock(tmp_path):
        pass


def test_a_lock_file_left_by_a_killed_run_does_not_block(tmp_path):
    """The lock is an flock that dies with its process; the pid in the file is only news."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from harmony.serve import run_lock; lock = run_lock(Path(sys.argv[1])); "
         "print('locked', flush=True); time.sleep(60)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True, env=serve.child_environment())
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(serve.AlreadyRunning):
            serve.run_lock(tmp_path)
    finally:
        holder.kill()
        holder.wait()
    with serve.run_lock(tmp_path):
        pass


def test_serve_exits_non_zero_with_a_bilingual_message_when_already_running(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HARMONY_DATA_DIR", str(tmp_path))
    with serve.run_lock(tmp_path):
        assert serve.main(["--port", "8999"]) == 1
    message = capsys.readouterr().err
    assert "하모니가 이 체크아웃에서 이미 실행 중입니다" in message
    assert "Harmony is already running from this checkout" in message
    assert str(os.getpid()) in message


def test_the_server_keeps_idle_connections_longer_than_people_pause_between_clicks():
    """In the load test (bench/load.py) uvicorn's default 5 s keep-alive closed connections as
    clients reused them after a pause: POSTs sent on them failed."""
    from harmony.serve import processes

    web = processes(host="127.0.0.1", port=8000, reload=False)[0].command
    assert int(web[web.index("--timeout-keep-alive") + 1]) >= 60
