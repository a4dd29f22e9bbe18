"""Case notices through the job queue to a local SMTP server (issue 9, "Speed").

Run from the repository root with ``.venv/bin/python bench/case_notices.py``.

Target: 10,000 notices through the job queue to a local SMTP server in <= 60 s.

Set-up (not timed), in a throw-away database ``harmony_bench_notices`` on the settings'
server: the console and one agency through the real onboarding service; BENCH_NOTICES
customers, each with a case received on the public page's path and opted into e-mail
notices (rows written in bulk: the intake itself is not what is measured).

Measured, through the code the case moves run (core/customers/notices.py), with
BENCH_WORKERS worker processes (django-tasks-db's ``db_worker``, as ``harmony jobs-worker``
runs it, polling every 50 ms) running all along:
- for each case, in its own transaction as a move would, ``notices_queue_for_step`` writes
  the delivery row and joins the notices job waiting in the queue, or starts one (core/jobs:
  the Job row, its audit event, the task on django-tasks' database queue after the commit);
- the workers' jobs send the rows in chunks through Django's SMTP backend to a local SMTP
  sink (a minimal asyncio server in its own process: EHLO, MAIL, RCPT, DATA, QUIT; aiosmtpd
  is not installed here).
The figure is the wall clock from the first move until every row is "sent"; the sink's
count of messages received must equal the number of notices (each sent exactly once).

A second figure (not the verdict) is the fan-out path: one progress report shared with
customers, e-mailed by a single job to BENCH_FOLLOWERS followers of a public task card.

The machine has 2 CPUs shared with other work: the load average and the server's round trip
and commit times are printed beside the figures. The default size (1,000 notices, projected
linearly to the target's 10,000) keeps a run short; BENCH_NOTICES=10000 measures the target
itself. Environment: BENCH_NOTICES (default 1,000), BENCH_FOLLOWERS (default 1,000; 0 skips it),
BENCH_WORKERS (default 2), BENCH_NOTICES_DATABASE. DATABASE_URL must name the server (the
workers are separate processes pointed at the bench database).
"""

import asyncio
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchdb import bench_database, console_ready, machine_load, onboard_agency

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
os.environ.setdefault("HARMONY_ENV", "demo")
os.environ.setdefault("DJANGO_DEBUG", "false")

BENCH_DB = os.environ.get("BENCH_NOTICES_DATABASE", "harmony_bench_notices")
NOTICES = int(os.environ.get("BENCH_NOTICES", "1000"))
FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "1000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
TARGET_SECONDS = 60.0
TARGET_NOTICES = 10_000


# --- The SMTP sink ---------------------------------------------------------------------------


def _smtp_sink(port: int, received, ready) -> None:
    """Accept mail on 127.0.0.1:``port`` and count each message (DATA … ".")."""

    async def session(reader, writer):
        writer.write(b"220 bench ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-bench\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                while (data := await reader.readline()) and data != b".\r\n":
                    pass
                with received.get_lock():
                    received.value += 1
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    async def serve():
        server = await asyncio.start_server(session, "127.0.0.1", port, backlog=512)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def start_sink():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    process = multiprocessing.Process(target=_smtp_sink, args=(port, received, ready),
                                      daemon=True)
    process.start()
    ready.wait(10)
    return port, received, process


# --- Set-up ------------------------------------------------------------------------------------


def make_cases(count: int) -> list:
    """``count`` web cases opted into e-mail notices at every step, written in bulk."""
    from django.utils import timezone

    from core.customers.models import NOTICE_STEPS, Case, CaseStep, Customer
    from core.customers.notices import new_nonce

    now = timezone.now()
    today = timezone.localdate(now)
    customers = Customer.objects.bulk_create([
        Customer(kind="citizen", name=f"시민{i}", email=f"citizen{i}@example.com",
                 purpose="bench", consent_version="2026-1", consented_at=now,
                 retain_until=today.replace(year=today.year + 3))
        for i in range(count)], batch_size=2000)
    cases = Case.objects.bulk_create([
        Case(year=today.year, serial=i + 1, customer=customer, channel="web",
             case_type="inquiry", case_type_name="질의", title=f"벤치 민원 {i}", body="내용",
             received_at=now, due_on=today, notice_steps=list(NOTICE_STEPS),
             notice_channels=["email"], notice_nonce=new_nonce())
        for i, customer in enumerate(customers)], batch_size=2000)
    steps = CaseStep.objects.bulk_create([
        CaseStep(case=case, status="received", occurred_at=now) for case in cases],
        batch_size=2000)
    for case in cases:
        case.customer = customers[case.serial - 1]
    return list(zip(cases, steps, strict=True))


def make_followers(count: int):
    """A public task card (owned by the agency's first admin) with ``count`` followers."""
    from django.utils import timezone

    from core.customers.models import Customer, Subscription
    from core.customers.notices import new_nonce
    from core.org.models import Person, Unit, UnitKind
    from core.work.models import Task

    now = timezone.now()
    head = Person.objects.order_by("pk").first()
    unit = Unit.objects.order_by("pk").first() or Unit.objects.create(
        code="BENCH", name="벤치과", kind=UnitKind.objects.order_by("pk").first())
    task = Task.objects.create(title="벤치 공개 과제", owner=head, unit=unit,
                               created_by=head, is_public=True, topic="벤치")
    customers = Customer.objects.bulk_create([
        Customer(kind="expert", name=f"전문가{i}", email=f"expert{i}@example.org",
                 purpose="bench", consent_version="2026-1", consented_at=now,
                 retain_until=timezone.localdate(now).replace(year=now.year + 3))
        for i in range(count)], batch_size=2000)
    Subscription.objects.bulk_create([
        Subscription(customer=customer, task=task, nonce=new_nonce())
        for customer in customers], batch_size=2000)
    return task, head


# --- Measuring -----------------------------------------------------------------------------------


def worker_environment(port: int) -> dict:
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    url = urlunsplit((parts.scheme, parts.netloc, "/" + connection.settings_dict["NAME"],
                      parts.query, parts.fragment))
    return dict(os.environ, DATABASE_URL=url, EMAIL_BACKEND=(
        "django.core.mail.backends.smtp.EmailBackend"), EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port), EMAIL_USE_TLS="", EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="",
        HARMONY_SMS_BACKEND="core.customers.sms.LocMemBackend")


def start_workers(environment: dict, workers: int) -> list:
    """``workers`` worker processes polling the queue (as ``harmony jobs-worker`` runs them,
    with a short poll interval)."""
    command = [sys.executable, str(REPO / "manage.py"), "db_worker", "--queue-name", "*",
               "--interval", "0.05", "--no-startup-delay", "--verbosity", "0"]
    return [subprocess.Popen(command, env=environment, cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL) for _ in range(workers)]


def stop_workers(running: list) -> None:
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_sent(count: int, *, timeout: float = 1800, **filters) -> float:
    """Poll until ``count`` rows matching ``filters`` are sent; return when it happened."""
    from core.customers.models import DeliveryStatus, NoticeDelivery

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        done = NoticeDelivery.objects.filter(status__in=[
            DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED], **filters
        ).count()
        if done >= count:
            return time.perf_counter()
        time.sleep(0.05)
    raise SystemExit(f"not every notice was handled within {timeout:.0f} s")


def server_latency() -> str:
    """Round trip and durable commit times of the database server, for context."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        began = time.perf_counter()
        for _ in range(100):
            cursor.execute("SELECT 1")
        trip = (time.perf_counter() - began) * 10
        cursor.execute("CREATE TABLE bench_probe (x int)")  # logged: commits flush
        began = time.perf_counter()
        for _ in range(50):
            with transaction.atomic():
                cursor.execute("INSERT INTO bench_probe VALUES (1)")
        commit = (time.perf_counter() - began) * 20
        cursor.execute("DROP TABLE bench_probe")
    return f"server round trip {trip:.2f} ms, insert + commit {commit:.2f} ms"


def delivery_counts(**filters) -> dict:
    from django.db.models import Count

    from core.customers.models import NoticeDelivery

    return dict(NoticeDelivery.objects.filter(**filters).values_list("status")
                .annotate(n=Count("id")))


def run() -> int:
    import django

    django.setup()
    from django.db import transaction
    from django_tenants.utils import schema_context

    from core.customers.notices import SEND_KEY, notices_queue_for_report, notices_queue_for_step
    from core.jobs.models import Job
    from core.work.models import ProgressReport

    print(console_ready())
    started = time.perf_counter()
    agency = onboard_agency("notices", "9900901")
    port, received, sink = start_sink()
    environment = worker_environment(port)
    with schema_context(agency.schema_name):
        pairs = make_cases(NOTICES)
        print(f"Set-up: agency and {NOTICES:,} opted-in cases in "
              f"{time.perf_counter() - started:.1f} s; SMTP sink on 127.0.0.1:{port}; "
              f"{WORKERS} worker process(es); {machine_load()}; {server_latency()}")

        # The moves and the workers run at once, as in service: each move writes its row and
        # joins the notices job waiting in the queue (or starts one); workers send.
        workers = start_workers(environment, WORKERS)
        try:
            began = time.perf_counter()
            for case, step in pairs:
                with transaction.atomic():
                    notices_queue_for_step(case=case, step=step)
            queued = time.perf_counter() - began
            total = wait_until_sent(NOTICES, step__isnull=False) - began
        finally:
            stop_workers(workers)
        counts = delivery_counts(case__isnull=False)
        jobs = Job.objects.filter(key__startswith=SEND_KEY)
        sent_ok = counts == {"sent": NOTICES} and received.value == NOTICES
        print(f"\nCase-step notices: {NOTICES:,} moves, each in its own transaction")
        print(f"  moves done after {queued:6.1f} s  ({NOTICES / queued:,.0f}/s: delivery row, "
              "join or start the job)")
        print(f"  all sent after   {total:6.1f} s  ({NOTICES / total:,.0f} notices/s; {WORKERS} "
              f"workers; {jobs.count()} jobs); SMTP received {received.value:,}; rows {counts}; "
              f"{machine_load()}")

        fan_out = None
        if FOLLOWERS:
            task, head = make_followers(FOLLOWERS)
            before = received.value
            began = time.perf_counter()
            # What core.work.services.progress_report does for a report shared with customers.
            with transaction.atomic():
                report = ProgressReport.objects.create(task=task, author=head, percent=50,
                                                       text="벤치 보고",
                                                       share_with_customers=True)
                notices_queue_for_report(report=report)
            queued_f = time.perf_counter() - began
            workers = start_workers(environment, 1)
            try:
                fan_out = wait_until_sent(FOLLOWERS, report=report) - began
            finally:
                stop_workers(workers)
            fan_counts = delivery_counts(report=report)
            print(f"\nShared progress report to {FOLLOWERS:,} followers (one job): queued in "
                  f"{queued_f:.1f} s, all sent after {fan_out:.1f} s "
                  f"({FOLLOWERS / fan_out:,.0f} notices/s); SMTP received "
                  f"{received.value - before:,}; rows {fan_counts}")
    sink.terminate()

    projected = total * TARGET_NOTICES / NOTICES
    verdict = "PASS" if sent_ok and projected <= TARGET_SECONDS else "FAIL"
    scale = "" if NOTICES == TARGET_NOTICES else f" (projected from {NOTICES:,})"
    print(f"\nVERDICT: {verdict} — {TARGET_NOTICES:,} case notices through the job queue to "
          f"a local SMTP server in {projected:.1f} s{scale} (target <= {TARGET_SECONDS:.0f} s)"
          f"{'' if sent_ok else '; NOT every notice was sent exactly once'}")
    return 0 if verdict == "PASS" else 1


def main() -> int:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL: the workers connect to the bench database.")
    with bench_database(BENCH_DB):
        return run()


if __name__ == "__main__":
    sys.exit(main())
