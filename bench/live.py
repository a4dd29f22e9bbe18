"""Live stream benchmark: 1,000 open /live/ streams on one server process.

Run from the repository root with ``.venv/bin/python bench/live.py``.

Target (issue 7, "Speed"): one process holds 1,000 open streams; an event reaches all 1,000
within 1 s p95; the process's memory grows by <= 150 MB.

Like the other benchmarks it works in its own database (``harmony_bench_live``) on the
settings' server and drops it at the end. One agency, onboarded through the real service, with
BENCH_PEOPLE (2,000) people in units as in bench/approvals.py; the first BENCH_STREAMS (1,000)
of them get an account and a signed-in session (Django's session store, in the agency's
schema) — one stream per distinct person, the honest case for the hub's routing.

The server is the production stack: ``python -m uvicorn harmony.asgi:application`` in a
subprocess (one process, DEBUG off, DATABASE_URL naming the bench database, no Redis, so
announcements go through PostgreSQL NOTIFY and the process's one LISTEN connection). The
streams are raw HTTP/1.1 connections (asyncio streams) from this process, each reading the
event stream line by line as a browser's EventSource would.

Steps: one stream is opened and BENCH_ROUNDS events told to that person alone give the
baseline delivery latency; the server's RSS (VmRSS of /proc/<pid>/status) and its database
connections are read; the other streams are opened (50 at a time); RSS and connections are
read again; then BENCH_ROUNDS rounds of two events each (``event_record`` with MEMO_SENT, in
a transaction of its own, from a thread of this process): one told to the 1,000 people with
a stream (the audience travels inside the NOTIFY message, ~5 kB), one told to all 2,000
people (too large for NOTIFY's 8 kB: the listener reads the audience from the database).
Latency is per stream, from the commit returning to the event's ``id:`` line arriving, on the
same clock; it includes this process reading 1,000 sockets with one thread (on uvloop when
installed), so it is an upper bound of the server's part. Per event, the first and the last
arrival are printed too: the first is the announcement's way through PostgreSQL and the hub,
the spread to the last is the fan-out. The server's thread count and its connections to the
bench database are read beside its RSS. Environment knobs: BENCH_STREAMS, BENCH_PEOPLE,
BENCH_ROUNDS, BENCH_DATABASE.
"""

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from benchdb import bench_database, console_ready, machine_load, onboard_agency, percentile

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

BENCH_DB = os.environ.get("BENCH_DATABASE", "harmony_bench_live")
STREAMS = int(os.environ.get("BENCH_STREAMS", "1000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
OPEN_AT_ONCE = 50
DELIVERY_TIMEOUT = 15.0  # seconds to wait for an event to reach every stream

LATENCY_P95_TARGET = 1000.0  # ms
RSS_GROWTH_TARGET = 150.0  # MB


# --- the agency ----------------------------------------------------------------------------

@dataclass
class Agency:
    schema: str
    host: str
    sender: object = None
    people: list[int] = field(default_factory=list)  # every person, streams first
    sessions: list[str] = field(default_factory=list)  # one session key per stream


def build_agency() -> Agency:
    from approvals import Org, build_org
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django_tenants.utils import schema_context

    from core.accounts.middleware import SESSION_FLAG
    from core.accounts.models import User
    from core.org.models import Person

    tenant = onboard_agency("live", "9100021")
    agency = Agency(schema=tenant.schema_name, host=tenant.get_primary_domain().domain)
    with schema_context(agency.schema):
        org = Org(schema=agency.schema, subdomain="live")
        build_org(org, bureaus=3, divisions_per_bureau=9, people=PEOPLE)
        agency.sender = org.p
        people = list(Person.objects.exclude(pk=org.p.pk).order_by("pk"))
        agency.people = [p.pk for p in people]
        listeners = [p for p in people[:STREAMS] if p.user_id is None]
        users = User.objects.bulk_create(User(email=p.email, password="!") for p in listeners)
        for person, user in zip(listeners, users, strict=True):
            person.user = user
        Person.objects.bulk_update(listeners, ["user"])
        users = User.objects.in_bulk([p.user_id for p in people[:STREAMS]])
        expires = timezone.now() + timedelta(hours=8)
        store = SessionStore()
        sessions = []
        for person in people[:STREAMS]:
            user = users[person.user_id]
            sessions.append(Session(
                session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                expire_date=expires,
                session_data=store.encode({
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                    SESSION_FLAG: True})))  # past the MFA check, as after a first page
        Session.objects.bulk_create(sessions)
        agency.sessions = [s.session_key for s in sessions]
    return agency


# --- the server ----------------------------------------------------------------------------

def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    host = urllib.parse.quote(s["HOST"] or "", safe="")
    auth = urllib.parse.quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


def start_server(port: int, log) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CACHE_URL", "HARMONY_EVENTS_REDIS_URL")}
    env.update(DATABASE_URL=database_url(), DJANGO_DEBUG="false",
               DJANGO_SETTINGS_MODULE="harmony.settings")
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "harmony.asgi:application", "--app-dir", "platform",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log", "--lifespan", "off"], cwd=REPO, env=env, stderr=log)


def server_errors(log) -> str:
    """How many errors the server logged, and the last line of the first one."""
    log.seek(0)
    errors = [line for line in log.read().decode(errors="replace").splitlines()
              if '"levelname": "ERROR"' in line or line.startswith("ERROR")]
    if not errors:
        return "the server logged no errors"
    return (f"the server logged {len(errors)} errors, the first: "
            f"{errors[0].rsplit(chr(92) + 'n', 1)[-1][:200]}")


async def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        await reader.read()
        writer.close()
        return
    raise RuntimeError("uvicorn did not start in 60 s")


def status_of(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as status:
        return dict(line.rstrip("\n").split(":\t", 1) for line in status if ":\t" in line)


def rss_mb(pid: int) -> float:
    return int(status_of(pid)["VmRSS"].split()[0]) / 1024


def threads(pid: int) -> int:
    return int(status_of(pid)["Threads"])


def database_connections() -> int:
    """Backends connected to the bench database, this process's own included."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                       [connection.settings_dict["NAME"]])
        return cursor.fetchone()[0]


# --- the streams ---------------------------------------------------------------------------

class Stream:
    """One /live/ connection, reading lines and noting when each event id arrives."""

    def __init__(self, index: int, arrivals: dict[int, dict[int, float]]):
        self.index = index
        self.arrivals = arrivals
        self.status = 0
        self.task: asyncio.Task | None = None
        self.writer = None

    async def open(self, port: int, host: str, session: str) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(f"GET /live/ HTTP/1.1\r\nHost: {host}\r\n"
                          f"Cookie: sessionid={session}\r\nAccept: text/event-stream\r\n"
                          f"\r\n".encode())
        self.status = int((await reader.readline()).split()[1])
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        if self.status != 200:
            self.writer.close()
            return
        # The stream's first line ("retry:") comes once it is subscribed to the hub.
        while not (await reader.readline()).startswith(b"retry:"):
            pass
        self.task = asyncio.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            if line.startswith(b"id: "):
                self.arrivals.setdefault(int(line[4:]), {})[self.index] = time.perf_counter()

    def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.writer:
            self.writer.close()


async def open_streams(streams: list[Stream], port: int, agency: Agency) -> float:
    semaphore = asyncio.Semaphore(OPEN_AT_ONCE)

    async def one(stream: Stream) -> None:
        async with semaphore:
            try:
                await stream.open(port, agency.host, agency.sessions[stream.index])
            except (OSError, ValueError, IndexError):
                stream.status = -1

    start = time.perf_counter()
    await asyncio.gather(*(one(s) for s in streams))
    return time.perf_counter() - start


# --- the events ----------------------------------------------------------------------------

def record(agency: Agency, audience: list[int], n: int) -> tuple[int, float]:
    """One committed MEMO_SENT event told to ``audience``; (event id, commit time)."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    from core.audit.events import EventType
    from core.audit.services import event_record

    with schema_context(agency.schema):
        with transaction.atomic():
            event = event_record(EventType.MEMO_SENT, actor=agency.sender,
                                 subject_label=f"전 직원 메모보고 {n}", audience=audience,
                                 payload={"title": f"전 직원 메모보고 {n}"})
        committed = time.perf_counter()
    return event.pk, committed


async def deliver(executor, agency: Agency, audience: list[int], expected: int, n: int,
                  arrivals: dict) -> tuple[list[float], int]:
    """Record one event and wait for it on the ``expected`` streams; (latencies in ms, how
    many streams never got it)."""
    loop = asyncio.get_running_loop()
    event_id, committed = await loop.run_in_executor(executor, record, agency, audience, n)
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while len(arrivals.get(event_id, {})) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    got = arrivals.get(event_id, {})
    await asyncio.sleep(0.3)  # let the streams go idle before the next event
    return [(t - committed) * 1000 for t in got.values()], expected - len(got)


def summary(values: list[float]) -> str:
    if not values:
        return "no deliveries"
    return (f"p50 {percentile(values, .5):7.1f} ms  p95 {percentile(values, .95):7.1f} ms  "
            f"max {max(values):7.1f} ms  (n={len(values)})")


async def measure(agency: Agency, server: subprocess.Popen, port: int) -> int:
    from django.db import connections

    loop = asyncio.get_running_loop()
    arrivals: dict[int, dict[int, float]] = {}
    executor = ThreadPoolExecutor(max_workers=1)  # one thread: one Django connection
    streams = [Stream(i, arrivals) for i in range(STREAMS)]
    await streams[0].open(port, agency.host, agency.sessions[0])
    await asyncio.sleep(1)  # the process's LISTEN starts with its first stream
    single, single_missing = [], 0
    for n in range(ROUNDS):
        got, missing = await deliver(executor, agency, [agency.people[0]], 1, n, arrivals)
        single += got
        single_missing += missing
    print(f"Single stream (baseline), {ROUNDS} events: {summary(single)}"
          + (f"; {single_missing} never arrived" if single_missing else ""))

    rss_before, threads_before = rss_mb(server.pid), threads(server.pid)
    connections_before = await loop.run_in_executor(executor, database_connections)
    took = await open_streams(streams[1:], port, agency)
    await asyncio.sleep(2)  # let the server settle (and its garbage be collected)
    opened = sum(1 for s in streams if s.status == 200)
    statuses = sorted({s.status for s in streams})
    rss_after, threads_after = rss_mb(server.pid), threads(server.pid)
    connections_after = await loop.run_in_executor(executor, database_connections)
    growth = rss_after - rss_before
    print(f"Opened {opened}/{STREAMS} streams (HTTP statuses {statuses}) in {took:.1f} s, "
          f"{OPEN_AT_ONCE} at a time")
    print(f"Server RSS {rss_before:.1f} MB with 1 stream -> {rss_after:.1f} MB with {opened}: "
          f"+{growth:.1f} MB ({growth * 1024 / max(opened - 1, 1):.0f} kB per stream); "
          f"threads {threads_before} -> {threads_after}; connections to the bench database "
          f"(server and this process) {connections_before} -> {connections_after}")

    open_people = [agency.people[s.index] for s in streams if s.status == 200]
    kinds = {"inline audience": open_people, "audience from the database": agency.people}
    latencies = {kind: [] for kind in kinds}
    missing = {kind: 0 for kind in kinds}
    spans = {kind: [] for kind in kinds}  # per event: first and last arrival, ms
    for n in range(ROUNDS):
        for kind, audience in kinds.items():
            got, lost = await deliver(executor, agency, audience, opened, 100 + 2 * n + (
                kind != "inline audience"), arrivals)
            latencies[kind] += got
            missing[kind] += lost
            if got:
                spans[kind].append(f"{min(got):.0f}–{max(got):.0f}")
    from core.audit.announce import MAX_MESSAGE_BYTES

    sizes = {kind: len(json.dumps(ids, separators=(",", ":"))) for kind, ids in kinds.items()}
    print(f"\n{ROUNDS} events of each kind to the {opened} open streams; audience as JSON: "
          + ", ".join(f"{len(kinds[k])} ids {sizes[k]:,} bytes" for k in kinds)
          + f" (NOTIFY carries it up to {MAX_MESSAGE_BYTES:,} bytes in all):")
    for kind in kinds:
        print(f"  {kind:<27} {summary(latencies[kind])}"
              + (f"; {missing[kind]} deliveries never arrived" if missing[kind] else ""))
    print("  first–last arrival per event, ms:")
    for kind in kinds:
        print(f"    {kind:<25} {', '.join(spans[kind])}")
    every = latencies["inline audience"] + latencies["audience from the database"]
    print(f"  {'all':<27} {summary(every)}")
    rss_end = rss_mb(server.pid)
    print(f"Server RSS after the events {rss_end:.1f} MB; {machine_load()} (shared machine: "
          f"other engineers' tests run beside this one)")
    if single and every:
        print(f"Ratio {opened} streams / 1 stream: p50 "
              f"{percentile(every, .5) / percentile(single, .5):.1f}x, p95 "
              f"{percentile(every, .95) / percentile(single, .95):.1f}x")
    for stream in streams:
        stream.close()
    executor.submit(lambda: connections.close_all()).result()
    executor.shutdown()
    return verdict(opened, every, sum(missing.values()), growth)


def verdict(opened: int, every: list[float], lost: int, growth: float) -> int:
    p95 = percentile(every, .95) if every else float("inf")
    checks = [opened == STREAMS, lost == 0, p95 <= LATENCY_P95_TARGET,
              growth <= RSS_GROWTH_TARGET]
    print(f"VERDICT: {'PASS' if all(checks) else 'FAIL'} — {opened}/{STREAMS} streams open; "
          f"{lost} deliveries lost; delivery p95 {p95:.0f} ms "
          f"{'<=' if checks[2] else '>'} {LATENCY_P95_TARGET:.0f} ms; RSS +{growth:.1f} MB "
          f"{'<=' if checks[3] else '>'} {RSS_GROWTH_TARGET:.0f} MB")
    return 0


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_async(coroutine):
    """uvloop when installed (uvicorn uses it too): this process reads 1,000 sockets on one
    thread, and its own overhead should weigh on the figures as little as possible."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def run() -> int:
    import django

    django.setup()
    print(console_ready())
    t0 = time.perf_counter()
    agency = build_agency()
    print(f"Agency with {len(agency.people) + 1} people, {len(agency.sessions)} signed-in "
          f"sessions in {time.perf_counter() - t0:.1f} s")
    port = free_port()
    log = tempfile.TemporaryFile()
    server = start_server(port, log)
    try:
        run_async(wait_until_serving(port, server))
        print(f"uvicorn pid {server.pid} serving on 127.0.0.1:{port}")
        return run_async(measure(agency, server, port))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        print(server_errors(log))
        log.close()


def main() -> int:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * STREAMS + 1024  # this process's sockets, and the server's (inherited)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    with bench_database(BENCH_DB):
        return run()


if __name__ == "__main__":
    sys.exit(main())
