"""What the HTTP benchmarks share: a bench database with agencies made for them, signed-in
sessions, and the production-style server (uvicorn, 2 worker processes, DEBUG off,
HARMONY_ENV=demo) started against that database.

Like bench/benchdb.py's users, nothing here touches the demo database: ``bench_database``
drops and creates its own database on the same PostgreSQL server (the embedded one under
.harmony/ when DATABASE_URL is unset), and drops it again on the way out, also on error or ^C.
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote as urlquote

from benchdb import as_owner, drop_database, maintenance_database, point_at, recreate_database

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
os.environ.setdefault("HARMONY_ENV", "demo")
os.environ.setdefault("DJANGO_DEBUG", "false")

WORKERS = 2
SERVER_START_SECONDS = 90

# Six agencies made for the benchmarks: (subdomain, Korean name, English name, code). Names
# and unit prefixes are distinct enough that one agency's never occurs in another's pages.
AGENCIES = [
    ("garam", "가람벤치청", "Garam Bench Agency", "9200001"),
    ("narae", "나래벤치처", "Narae Bench Office", "9200002"),
    ("daon", "다온벤치부", "Daon Bench Ministry", "9200003"),
    ("raon", "라온벤치원", "Raon Bench Service", "9200004"),
    ("maru", "마루벤치국", "Maru Bench Bureau", "9200005"),
    ("bada", "바다벤치위", "Bada Bench Commission", "9200006"),
]
DIVISIONS = ["기획과", "혁신과", "총무과", "정책과"]
SURNAMES, GIVEN = "김이박최정강조윤장임", "민서준지현우수영하윤도예"


@dataclass
class Account:
    """A signed-in staff member as a client sees them."""

    email: str
    person: int
    session: str
    colleague: int  # whom this person names as approver when drafting
    queue: list[int] = field(default_factory=list)  # documents waiting on this person's turn


@dataclass
class BenchAgency:
    subdomain: str
    name_ko: str
    name_en: str
    schema: str
    markers: list[str]  # strings only this agency's pages may contain
    accounts: list[Account]


def log(text: str) -> None:
    print(text, flush=True)


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min) / {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def histogram_percentile(histogram: dict, q: float) -> float:
    """Quantile ``q`` of Locust's response-time histogram ({rounded ms: count})."""
    points = sorted((float(ms), count) for ms, count in histogram.items())
    total, seen = sum(count for _ms, count in points), 0
    for ms, count in points:
        seen += count
        if seen >= q * total:
            return ms
    return points[-1][0] if points else 0.0


# --- the database -------------------------------------------------------------------------

@contextmanager
def bench_database(name: str):
    """Create ``name`` on the settings' server, migrate the console into it and yield its URL
    (for the server processes: the owner's, from which they take the application role as
    requests do); drop it afterwards."""
    settings_dict = as_owner()  # starts the embedded server if needed
    original = settings_dict["NAME"]
    maintenance = maintenance_database(original, name)
    recreate_database(settings_dict, maintenance, name)
    point_at(name)  # before any connection exists
    started = time.perf_counter()
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from tenants.provisioning import ensure_platform_agencies

        call_command("migrate_schemas", shared=True, verbosity=0)
        ensure_platform_agencies()
        _collect_static_if_missing()
        log(f"Bench database {name!r} ready in {time.perf_counter() - started:.0f} s "
            f"(demo database {original!r} untouched)")
        yield database_url(settings_dict)
    finally:
        from django.db import connections

        connections.close_all()
        gone = drop_database(settings_dict, maintenance, name)
        log(f"Bench database {name!r} dropped: {'yes' if gone else 'NO'}; whole run "
            f"{time.perf_counter() - started:.0f} s")


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the bench database (the embedded server's socket directory as the
    host, percent-encoded)."""
    user = urlquote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{urlquote(password)}@" if password else (f"{user}@" if user else "")
    host = urlquote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{urlquote(settings_dict['NAME'])}"


def _collect_static_if_missing() -> None:
    """Pages link static files under hashed names: the manifest must exist (`make static`)."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        log("collectstatic (no manifest yet) …")
        call_command("collectstatic", interactive=False, verbosity=0)


# --- agencies, people, documents, sessions ------------------------------------------------

def build_agency(index: int, *, accounts: int, queue_per_account: int,
                 people: int = 60) -> BenchAgency:
    """Onboard bench agency ``index`` with ``people`` people in four divisions, ``accounts`` of
    whom are signed in (staff; each division's head among them), each with
    ``queue_per_account`` documents waiting on their turn."""
    from django_tenants.utils import schema_context

    from tenants.services import Onboarding, agency_onboard
    from tenants.standard_models import latest_standard_model_version

    subdomain, name_ko, name_en, code = AGENCIES[index]
    agency = agency_onboard(onboarding=Onboarding(
        name_ko=name_ko, name_en=name_en, code=code, subdomain=subdomain, kind="central",
        standard_model_version=latest_standard_model_version(),
        admin_email=f"admin@{subdomain}.bench.go.kr"), actor=None, invite=False)
    short = name_ko[:2]
    with schema_context(agency.schema_name):
        staff = _people(subdomain, short, people)
        signed = _accounts(staff, accounts)
        _queues(signed, staff, queue_per_account)
    markers = [name_ko, name_en, f"@{subdomain}.bench.go.kr"] + [
        f"{short}{division}" for division in DIVISIONS]
    return BenchAgency(subdomain, name_ko, name_en, agency.schema_name, markers, signed)


def _people(subdomain: str, short: str, size: int) -> list:
    """Units named after the agency (its markers), heads first, then staff, all active."""
    from core.org.models import Grade, Person, Position, Role, RoleCode, Unit, UnitKind

    kinds = {k.code: k for k in UnitKind.objects.all()}
    grades = {g.code: g for g in Grade.objects.all()}
    positions = {p.code: p for p in Position.objects.all()}
    bureau = Unit.objects.create(code="B01", name=f"{short}기획조정실", kind=kinds["office"],
                                 sort_order=1)
    units = [Unit.objects.create(code=f"D{i:02d}", name=f"{short}{name}", parent=bureau,
                                 kind=kinds["division"], sort_order=i)
             for i, name in enumerate(DIVISIONS, start=1)]
    rng = random.Random(subdomain)
    # The 실장 first: the chain above every division (the rule's authority for heads' drafts).
    people = [Person(name=f"{short}실장", unit=bureau, employee_number=f"{subdomain.upper()}-HEAD",
                     email=f"head@{subdomain}.bench.go.kr", grade=grades["G2"],
                     position=positions["office_head"])]
    for number in range(size):
        unit = units[number % len(units)]
        head = number < len(units)
        people.append(Person(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            unit=unit, employee_number=f"{subdomain.upper()}-{number:04d}",
            email=f"p{number:04d}@{subdomain}.bench.go.kr",
            grade=grades["G4" if head else "G7"],
            position=positions["division_head" if head else "officer"]))
    Person.objects.bulk_create(people)
    staff_role, head_role = (Role.objects.get(code=RoleCode.STAFF),
                             Role.objects.get(code=RoleCode.UNIT_HEAD))
    through = Person.roles.through
    through.objects.bulk_create([through(person_id=p.pk, role_id=staff_role.pk) for p in people]
                                + [through(person_id=p.pk, role_id=head_role.pk)
                                   for p in people[:len(units) + 1]])
    for unit, head in zip([bureau, *units], people[:len(units) + 1], strict=True):
        unit.head = head
        unit.save(update_fields=["head"])
    return people


def _accounts(people: list, count: int) -> list[Account]:
    """Accounts and signed-in sessions for the first ``count`` people; each names the next
    one as approver when drafting, so drafts feed a colleague's queue."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    session_store = import_module(settings.SESSION_ENGINE).SessionStore

    user_model = get_user_model()
    signed = people[1:count + 1]  # the 실장 (first) signs nothing here
    accounts = []
    for person in signed:
        # No usable password: the session is made here, not by signing in (hashing 200
        # passwords would cost minutes of CPU the benchmark is not about).
        person.user = user_model.objects.create(email=person.email, password="!")
        person.save(update_fields=["user"])
        session = session_store()
        session.update({SESSION_KEY: str(person.user.pk),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: person.user.get_session_auth_hash()})
        session.create()
        accounts.append(Account(email=person.email, person=person.pk,
                                session=session.session_key,
                                colleague=_decider(person, people).pk))
    return accounts


def _decider(person, people: list):
    """Whom ``person`` names as approver: the head of their unit, who holds the authority
    for a 일반 문서 (the standard model's delegation rule); a head, the 실장 above them."""
    head = people[0]  # the 실장 leads the list (``_people``)
    return next((p for p in people[1:] if p.unit_id == person.unit_id and p is not person
                 and p.position.code == "division_head"), head)


def _queues(accounts: list[Account], people: list, per_account: int) -> None:
    """``per_account`` submitted documents on each account's turn, drafted by someone else."""
    from core.approvals import services
    from core.approvals.models import StepRole
    from core.org.models import Person

    by_pk = {p.pk: p for p in Person.objects.filter(pk__in=[p.pk for p in people])
             .select_related("unit", "grade", "position")}
    signed = {a.person for a in accounts}
    for i, account in enumerate(accounts):
        person = by_pk[account.person]
        # Drafted in the account's own unit by someone without an account; the account's
        # turn is the decision for a head, a review before the head's decision for others.
        drafters = [p for p in people if p.unit_id == person.unit_id and p.pk not in signed
                    and p.position.code == "officer"] or [people[-1]]
        decider = by_pk[account.colleague]
        line = ([services.LineEntry(person=person, role=StepRole.APPROVER)]
                if person.position.code in ("division_head", "office_head") else
                [services.LineEntry(person=person, role=StepRole.REVIEWER),
                 services.LineEntry(person=decider, role=StepRole.APPROVER)])
        for j in range(per_account):
            drafter = by_pk[drafters[j % len(drafters)].pk]
            document = services.document_draft(
                drafter=drafter, title=f"벤치 보고 {i}-{j}",
                body="<p>부하 시험을 위한 보고서입니다.</p>")
            services.document_submit(document=document, actor=drafter, line=line)
            account.queue.append(document.pk)


def write_agencies(agencies: list[BenchAgency], path: Path) -> None:
    path.write_text(json.dumps([asdict(a) for a in agencies], ensure_ascii=False))


# --- the server ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def production_server(database: str, *, port: int, workers: int = WORKERS):
    """uvicorn as ``harmony serve`` starts it (same command and environment), with
    ``workers`` processes, DEBUG off, against the bench database; yields the master's Popen."""
    from harmony.serve import child_environment, processes

    command = processes(host="127.0.0.1", port=port, reload=False)[0].command
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    environment = child_environment()
    environment.update(DATABASE_URL=database, HARMONY_ENV="demo", DJANGO_DEBUG="false",
                       LOG_LEVEL="WARNING")
    master = subprocess.Popen(command, env=environment, cwd=REPO, start_new_session=True)
    try:
        wait_until_ready(port, master)
        log(f"Server: uvicorn master pid {master.pid}, {workers} workers "
            f"{worker_pids(master.pid)}, http://127.0.0.1:{port}/ (HARMONY_ENV=demo, DEBUG off)")
        yield master
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(master.pid, signal.SIGKILL)
            master.wait()


def wait_until_ready(port: int, master: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if master.poll() is not None:
            raise RuntimeError(f"uvicorn exited with status {master.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as reply:
                if reply.status == 200 and len(worker_pids(master.pid)) >= 1:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not answer /readyz in time")


def warm_up(port: int, paths: list[str], host: str, session: str) -> None:
    """A few requests per page, so each worker has compiled its templates and filled its
    pool and host cache before anything is measured (the first page takes seconds)."""
    for path in paths * 6:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                         headers={"Host": host, "Cookie": f"sessionid={session}"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            reply.read()


def worker_pids(master_pid: int) -> list[int]:
    """The uvicorn worker processes (the master's children that serve requests)."""
    import psutil

    try:
        children = psutil.Process(master_pid).children()
    except psutil.NoSuchProcess:
        return []
    # multiprocessing's spawn start method also runs a resource tracker: not a worker; a
    # killed worker is a zombie until the master reaps it.
    workers = []
    for child in children:
        try:
            if child.status() != psutil.STATUS_ZOMBIE and \
                    "resource_tracker" not in " ".join(child.cmdline()):
                workers.append(child.pid)
        except psutil.Error:
            continue
    return sorted(workers)
