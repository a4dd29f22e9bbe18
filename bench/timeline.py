"""Transparency timeline benchmark: a document's timeline, a unit's flow and a record of work
in the 200,000-document agency of bench/approvals.py.

Run from the repository root with ``.venv/bin/python bench/timeline.py``.

Target (issue 7): a document timeline (50 steps) and a unit's flow (60 people) answer in
<= 50 ms p95 server time in the big agency, with a query count independent of size. A
person's record of work (their own, and a colleague's as their unit head sees it) is
measured beside them against the same target.

Setup reuses bench/approvals.py (its org chart, measured documents and 200,000 background
documents generated in SQL) in its own throw-away database ``harmony_bench_timeline``.
Both agencies (``empty`` and ``big``) then get the same measured material:

- the history every document already has gets its events, in SQL: one audit row and one
  activity event per history row (type from the action kind, as core/approvals/services.py
  ACTION_EVENTS and _record write them: object 'approvals.document', actor, the drafter as
  the person concerned, the handling unit, visibility 'readers', the typed payload), dated
  when the action happened; open approval steps get ``opened_at``. In ``big`` that is about
  a million of each. The audit table seals each row into a hash chain at commit (a deferred
  per-row trigger, core/audit/migrations/0004_hash_chain.py): the first BENCH_SEAL_SAMPLE
  rows go through that trigger and its cost per row is timed; the rest are inserted with the
  trigger disabled in this bench database only, already sealed — the chain is computed in
  SQL beforehand (one recursive query, in commit order, continuing from the chain's head),
  so the trail stays one intact chain (BENCH_VERIFY_CHAIN=1 runs harmony's verifier on it);
- P (head of division 1) grows to a unit of 60 active people before the background data,
  so the big agency's history includes theirs;
- through the real services: a document with 50 timeline steps (drafted, submitted and
  returned 24 times, submitted again: waiting with the team head, P approves last); for
  each of the 60 people an open approval turn, a task card (every third overdue), a share
  of three open instructions and of three unread memo reports.

Measured as P, interleaved empty/big per round like bench/approvals.py (django.test.Client
with the agency's Host header, DEBUG off, perf_counter around the client call, queries
counted with CaptureQueriesContext, database time from an execute wrapper):
GET /timeline/document/<pk>/, GET /timeline/unit/, GET /timeline/me/ and
GET /timeline/people/<team head>/ (P is their unit head; filtered to what P may read).
Environment knobs (quick runs only): BENCH_DOCUMENTS, BENCH_PEOPLE, BENCH_SAMPLES,
BENCH_TIMELINE_DATABASE, BENCH_SEAL_SAMPLE (rows sealed by the trigger; 'all' for every row).
"""

import json
import os
import sys
import time
from datetime import timedelta

import approvals as base
from approvals import (
    DOCUMENTS,
    EMBEDDED,
    PEOPLE,
    Org,
    Series,
    SqlTimer,
    add_measured_documents,
    analyze,
    build_org,
    complete_done_document,
    generate_background,
    onboard_agency,
    signed_in_client,
)
from benchdb import (
    as_owner,
    drop_database,
    maintenance_database,
    percentile,
    point_at,
    quote,
    recreate_database,
)

BENCH_DB = os.environ.get("BENCH_TIMELINE_DATABASE", "harmony_bench_timeline")
SAMPLES = base.SAMPLES
WARMUP = base.WARMUP
UNIT_SIZE = 60
RETURNS = 24  # drafted + 24 × (submitted, returned) + submitted = 50 steps
SEAL_SAMPLE = os.environ.get("BENCH_SEAL_SAMPLE", "50000")
VERIFY_CHAIN = os.environ.get("BENCH_VERIFY_CHAIN", "") == "1"
P95_TARGET = 50.0  # ms
SLOW_QUERY_MS = 10.0  # a query over this gets its plan printed (the first PLAN_LINES lines)
PLAN_LINES = 16

# The activity type and the document's status at the time of each history kind, as
# core/approvals/services.py records them (the final approval is recorded before the
# document is completed, so it still reads 'in_progress').
KIND_EVENTS = {
    "submitted": ("approvals.document_submitted", "in_progress"),
    "approved": ("approvals.document_approved", "in_progress"),
    "returned": ("approvals.document_returned", "returned"),
    "held": ("approvals.document_held", "held"),
    "withdrawn": ("approvals.document_withdrawn", "withdrawn"),
    "completed": ("approvals.document_completed", "approved"),
}


# --- the measured unit, document and work ------------------------------------------------

def grow_unit(org: Org) -> None:
    """Bring P's division to UNIT_SIZE active people (head, team head, staff)."""
    from core.org.models import Grade, Person, Position, Role, RoleCode

    d1 = org.divisions[0]
    have = Person.objects.filter(unit=d1["unit"], status="active").count()
    officer, grade = Position.objects.get(code="officer"), Grade.objects.get(code="G7")
    added = Person.objects.bulk_create(
        Person(name=base.SURNAMES[n % len(base.SURNAMES)] + base.GIVEN[n % len(base.GIVEN)],
               employee_number=f"U{n:05d}", email=f"u{n:05d}@bench.go.kr", unit=d1["unit"],
               position=officer, grade=grade, phone=f"044-300-{n:04d}")
        for n in range(UNIT_SIZE - have))
    staff = Role.objects.get(code=RoleCode.STAFF)
    Person.roles.through.objects.bulk_create(
        Person.roles.through(person_id=p.pk, role_id=staff.pk) for p in added)
    d1["staff"].extend(added)


def build_timeline_document(org: Org) -> int:
    """A document whose timeline has 50 steps, all recorded by the real services."""
    from core.approvals import services
    from core.approvals.models import StepRole

    d1 = org.divisions[0]
    drafter = d1["staff"][1]
    line = [services.LineEntry(person=d1["lead"], role=StepRole.REVIEWER),
            services.LineEntry(person=org.p, role=StepRole.APPROVER)]
    document = services.document_draft(
        drafter=drafter, title="조직 진단 결과 보고", body="<p>진단 결과를 보고드립니다.</p>",
        recipient_units=[org.divisions[1]["unit"]])
    for round_ in range(RETURNS):
        services.document_submit(document=document, line=line, actor=drafter)
        services.step_return(document=document, actor=d1["lead"],
                             reason=f"{round_ + 1}차 보완: 근거 자료를 붙이세요.")
    services.document_submit(document=document, line=line, actor=drafter)
    return document.pk


def build_unit_work(org: Org) -> None:
    """For each of the unit's people: an open approval turn, a task card (every third
    overdue), a share of three open instructions and of three unread memo reports."""
    from django.utils import timezone

    from core.approvals import services
    from core.approvals.models import StepRole
    from core.org.models import Person
    from core.work import services as work

    d1, d2 = org.divisions[0], org.divisions[1]
    today = timezone.localdate()
    members = list(Person.objects.filter(unit=d1["unit"], status="active").order_by("pk"))
    assert len(members) == UNIT_SIZE, len(members)
    drafter = d2["staff"][0]
    for n, member in enumerate(m for m in members if m.pk != org.p.pk):
        # P already holds QUEUE_SIZE turns; everyone else gets one, from the next division.
        document = services.document_draft(drafter=drafter, title=f"협조 요청 ({n + 1})",
                                           body="<p>검토 부탁드립니다.</p>")
        services.document_submit(document=document, actor=drafter, line=[
            services.LineEntry(person=member, role=StepRole.REVIEWER),
            services.LineEntry(person=d2["head"], role=StepRole.APPROVER)])
    for n, member in enumerate(members):
        work.task_create(actor=org.p, owner=member, title=f"{member.name} 업무 과제",
                         due_date=today + timedelta(days=-3 if n % 3 == 0 else 30))
    others = [m for m in members if m.pk != org.p.pk]
    for n in range(3):
        group = others[n * 20:(n + 1) * 20]
        work.instruction_issue(actor=org.p, assignees=group, title=f"지시 ({n + 1})",
                               body="처리 결과를 보고하세요.",
                               due_date=today + timedelta(days=n + 2))
        work.memo_send(actor=org.p, recipients=group, title=f"주간 보고 ({n + 1})",
                       body="이번 주 진행 상황입니다.")


# --- the events of the generated history, in SQL -----------------------------------------

def generate_events(org: Org) -> dict[str, object]:
    """One audit row and one activity event per history row that has none, dated when it
    happened; ``opened_at`` on open steps. Returns figures (rows, seconds, seal cost)."""
    from django.db import connection, transaction

    from core.approvals.models import ApprovalStep, Document, DocumentAction
    from core.audit.models import ActivityEvent, AuditEvent
    from core.org.models import Person, Unit

    t = {m.__name__: quote(m._meta.db_table) for m in (
        Document, ApprovalStep, DocumentAction, AuditEvent, ActivityEvent, Person, Unit)}
    kinds = "VALUES " + ", ".join(f"('{k}', '{e}', '{s}')" for k, (e, s) in KIND_EVENTS.items())
    out: dict[str, object] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        started = time.perf_counter()
        # Every row of the trail, in time order, with its audit id taken now.
        cursor.execute(f"""
            CREATE TEMP TABLE bench_ev AS
            SELECT y.*, (SELECT coalesce(max(id), 0) FROM {t['AuditEvent']}) + y.n AS aid
            FROM (SELECT row_number() OVER (ORDER BY occurred_at, hid) AS n, x.* FROM (
              SELECT a.id AS hid, a.occurred_at, p.user_id AS actor_id,
                     left(p.name, 200) AS actor_label, k.type,
                     d.id::text AS target_id, left(d.title, 200) AS target_label,
                     jsonb_build_object('status', k.status, 'note', left(a.note, 500))
                       AS changes,
                     jsonb_build_object('title', left(d.title, 200), 'status', k.status)
                     || CASE a.kind
                          WHEN 'approved' THEN jsonb_build_object(
                            'note', left(a.note, 500), 'waited_seconds', 7200, 'mark',
                            CASE WHEN a.occurred_at = d.approved_at - interval '5 minutes'
                                 THEN 'delegated' ELSE '' END)
                          WHEN 'returned' THEN jsonb_build_object(
                            'note', left(a.note, 500), 'waited_seconds', 7200)
                          WHEN 'held' THEN jsonb_build_object('note', left(a.note, 500))
                          WHEN 'completed' THEN jsonb_build_object(
                            'number', coalesce(u.name || '-' || d.serial, ''),
                            'handling_seconds', coalesce(extract(epoch FROM
                              d.approved_at - d.submitted_at)::int, 0))
                          ELSE '{{}}'::jsonb END AS payload,
                     a.actor_id AS actor_person_id, d.drafter_id AS person_id,
                     d.handling_unit_id AS unit_id
              FROM {t['DocumentAction']} a
              JOIN {t['Document']} d ON d.id = a.document_id
              JOIN {t['Person']} p ON p.id = a.actor_id
              LEFT JOIN {t['Unit']} u ON u.id = d.handling_unit_id
              JOIN ({kinds}) k(kind, type, status) ON k.kind = a.kind
              WHERE NOT EXISTS (SELECT 1 FROM {t['ActivityEvent']} e
                                WHERE e.object_type = 'approvals.document'
                                  AND e.object_id = d.id::text)) x) y
            ORDER BY n""")
        out["rows"] = total = cursor.rowcount
        cursor.execute("CREATE UNIQUE INDEX ON bench_ev (n)")
        cursor.execute("ANALYZE bench_ev")
        out["prepare_s"] = time.perf_counter() - started
        insert_audit = f"""
            INSERT INTO {t['AuditEvent']} (id, occurred_at, actor_id, actor_label, action,
                target_type, target_id, target_label, changes, ip_address, request_id,
                seq, prev_hash, hash)
            SELECT e.aid, e.occurred_at, e.actor_id, e.actor_label, e.type,
                   'approvals.document', e.target_id, e.target_label, e.changes, NULL,
                   'command', {{seal}}
            FROM bench_ev e {{join}} WHERE e.n BETWEEN %s AND %s ORDER BY e.aid"""
        by_trigger = total if SEAL_SAMPLE == "all" else min(int(SEAL_SAMPLE), total)
        # 1. The first rows as production writes them: sealed by the trigger at commit.
        if by_trigger:
            t0 = time.perf_counter()
            with transaction.atomic():
                cursor.execute(insert_audit.format(seal="NULL, '', ''", join=""),
                               [1, by_trigger])
                t1 = time.perf_counter()
            t2 = time.perf_counter()
            out.update(trigger_rows=by_trigger, trigger_insert_s=t1 - t0,
                       trigger_commit_s=t2 - t1)
        # 2. The rest with the trigger off (this bench database only), sealed beforehand:
        # the same chain the trigger would write, computed in one recursive query.
        if by_trigger < total:
            t0 = time.perf_counter()
            cursor.execute("SELECT seq, hash FROM audit_auditevent WHERE seq IS NOT NULL "
                           "ORDER BY seq DESC LIMIT 1")
            head_seq, head_hash = cursor.fetchone() or (0, "")
            cursor.execute("""
                CREATE TEMP TABLE bench_seal AS
                WITH RECURSIVE chain AS (
                  SELECT e.n, e.aid, %(seq)s::bigint + 1 AS seq, %(hash)s::text AS prev_hash,
                         encode(sha256(convert_to(%(hash)s || '|' || c.content, 'UTF8')),
                                'hex') AS hash
                  FROM bench_ev e, LATERAL (SELECT public.harmony_audit_canonical(e.aid,
                    e.occurred_at, e.actor_id, e.actor_label, e.type, 'approvals.document',
                    e.target_id, e.target_label, e.changes, NULL, 'command') AS content) c
                  WHERE e.n = %(first)s
                  UNION ALL
                  SELECT e.n, e.aid, chain.seq + 1, chain.hash,
                         encode(sha256(convert_to(chain.hash || '|' ||
                           public.harmony_audit_canonical(e.aid, e.occurred_at, e.actor_id,
                             e.actor_label, e.type, 'approvals.document', e.target_id,
                             e.target_label, e.changes, NULL, 'command'), 'UTF8')), 'hex')
                  FROM chain JOIN bench_ev e ON e.n = chain.n + 1)
                SELECT aid, seq, prev_hash, hash FROM chain""",
                           {"seq": head_seq, "hash": head_hash, "first": by_trigger + 1})
            t1 = time.perf_counter()
            with transaction.atomic():
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_seal")
                cursor.execute(insert_audit.format(
                    seal="s.seq, s.prev_hash, s.hash",
                    join="JOIN bench_seal s ON s.aid = e.aid"), [by_trigger + 1, total])
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_seal")
            t2 = time.perf_counter()
            out.update(presealed_rows=total - by_trigger, chain_s=t1 - t0, insert_s=t2 - t1)
            cursor.execute("DROP TABLE bench_seal")
        t0 = time.perf_counter()
        cursor.execute(f"""
            INSERT INTO {t['ActivityEvent']} (audit_event_id, occurred_at, type, version,
                actor_person_id, person_id, unit_id, object_type, object_id, visibility,
                audience, payload)
            SELECT aid, occurred_at, type, 1, actor_person_id, person_id, unit_id,
                   'approvals.document', target_id, 'readers', '{{}}', payload
            FROM bench_ev ORDER BY aid""")
        out["activity_s"] = time.perf_counter() - t0
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{t['AuditEvent']}', 'id'), "
                       f"(SELECT max(id) FROM {t['AuditEvent']}))")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{t['ActivityEvent']}', 'id'), "
                       f"(SELECT max(id) FROM {t['ActivityEvent']}))")
        # Open turns: since the step before was signed (2 hours apart in the generated lines).
        cursor.execute(f"""
            UPDATE {t['ApprovalStep']} s
            SET opened_at = d.submitted_at + (s."order" - 1) * interval '2 hours'
            FROM {t['Document']} d
            WHERE d.id = s.document_id AND s.status IN ('pending', 'held')
              AND s.opened_at IS NULL""")
        out["opened"] = cursor.rowcount
        cursor.execute("DROP TABLE bench_ev")
    return out


def verify_chain(org: Org) -> str:
    from core.audit.chain import chain_verify

    t0 = time.perf_counter()
    report = chain_verify(org.schema)
    state = "intact" if report.intact else "BROKEN: " + "; ".join(report.problems[:3])
    return f"{report.rows:,} rows, {state} (verified in {time.perf_counter() - t0:.1f} s)"


# --- measurement -------------------------------------------------------------------------

class Bench:
    ENDPOINTS = ["timeline doc", "unit flow", "record me", "record colleague"]

    def __init__(self, org: Org, document: int):
        self.org = org
        self.client = signed_in_client(org, org.p)
        self.paths = {
            "timeline doc": f"/timeline/document/{document}/",
            "unit flow": "/timeline/unit/",
            "record me": "/timeline/me/",
            "record colleague": f"/timeline/people/{org.divisions[0]['lead'].pk}/",
        }
        self.series = {name: Series() for name in self.ENDPOINTS}
        self.cpu_ms: dict[str, list[float]] = {name: [] for name in self.ENDPOINTS}
        self.last_queries: dict[str, list[tuple[str, float]]] = {}
        self.pages: dict[str, str] = {}

    def round(self, record: bool) -> None:
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        for name in self.ENDPOINTS:
            reset_queries()
            timer = SqlTimer()
            with CaptureQueriesContext(connection) as captured, \
                    connection.execute_wrapper(timer):
                start, cpu = time.perf_counter(), time.process_time()
                response = self.client.get(self.paths[name])
                elapsed = time.perf_counter() - start
                cpu = time.process_time() - cpu
            if record:
                self.series[name].add(elapsed, captured, timer.seconds, response.status_code)
                self.cpu_ms[name].append(cpu * 1000)
            self.last_queries[name] = [q["sql"] for q in captured.captured_queries]
            self.pages[name] = response.content.decode()


def page_facts(bench: Bench) -> str:
    """What the pages showed: enough to see the measured material is there."""
    timeline, flow = bench.pages["timeline doc"], bench.pages["unit flow"]
    mine, colleague = bench.pages["record me"], bench.pages["record colleague"]
    return (f"timeline {timeline.count('<tr><td>')} steps ({timeline.count('문서 반려')} "
            f"returns); unit flow {flow.count('<th scope=' + chr(34) + 'row')} people; record "
            f"pages {mine.count('<tr><td>')} / {colleague.count('<tr><td>')} rows")


def explain_slowest(org: Org, sqls: list[str], top: int = 3) -> list[tuple[float, str, str]]:
    """EXPLAIN ANALYZE each SELECT of a request; the ``top`` slowest (ms, plan head, SQL),
    with the head of the plan for one over SLOW_QUERY_MS."""
    from django.db import connection
    from django_tenants.utils import schema_context

    found = []
    with schema_context(org.schema), connection.cursor() as cursor:
        for sql in sqls:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            node = plan["Plan"]
            buffers = node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
            ms = plan["Planning Time"] + plan["Execution Time"]
            summary = (f"{node['Node Type']}, {buffers} buffers, "
                       f"{base._scanned(node):,} rows scanned")
            if ms > SLOW_QUERY_MS:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
                summary += "".join(f"\n        {line}" for line in lines[:PLAN_LINES])
                summary += "\n        …" if len(lines) > PLAN_LINES else ""
            found.append((ms, summary, sql))
    return sorted(found, reverse=True)[:top]


def print_table(benches: dict[str, Bench]) -> None:
    print(f"\n{'endpoint':<17} {'agency':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'SQL ms p50':>10} {'CPU ms p50':>10} {'queries':>8} {'HTTP':>6}")
    for name in Bench.ENDPOINTS:
        for label, bench in benches.items():
            s = bench.series[name]
            qs = sorted(set(s.queries))
            queries = str(qs[0]) if len(qs) == 1 else f"{qs[0]}–{qs[-1]}"
            print(f"{name:<17} {label:<6} {percentile(s.times, .5):8.1f} "
                  f"{percentile(s.times, .95):8.1f} {max(s.times):8.1f} "
                  f"{percentile(s.sql_ms, .5):10.1f} "
                  f"{percentile(bench.cpu_ms[name], .5):10.1f} {queries:>8} "
                  f"{','.join(str(x) for x in sorted(s.statuses)):>6}")
    print(f"\n{'ratio big/empty':<22} {'p50':>6} {'p95':>6}   queries equal?")
    for name in Bench.ENDPOINTS:
        e, b = benches["empty"].series[name], benches["big"].series[name]
        same = sorted(set(e.queries)) == sorted(set(b.queries))
        print(f"  {name:<20} {percentile(b.times, .5) / percentile(e.times, .5):6.2f} "
              f"{percentile(b.times, .95) / percentile(e.times, .95):6.2f}   "
              f"{'yes' if same else 'NO'} ({sorted(set(e.queries))} vs {sorted(set(b.queries))})")


def verdict(benches: dict[str, Bench]) -> tuple[bool, str]:
    parts, ok = [], True
    for name in Bench.ENDPOINTS:
        big, empty = benches["big"].series[name], benches["empty"].series[name]
        p95 = percentile(big.times, .95)
        same = sorted(set(big.queries)) == sorted(set(empty.queries))
        ok &= p95 <= P95_TARGET and same
        queries = "/".join(str(q) for q in sorted(set(big.queries)))
        parts.append(f"{name} p95 {p95:.1f} ms {'<=' if p95 <= P95_TARGET else '>'} "
                     f"{P95_TARGET:.0f} (empty agency {percentile(empty.times, .95):.1f}), "
                     f"{queries} queries {'= empty' if same else '!= empty'}")
    return ok, "; ".join(parts)


# --- main --------------------------------------------------------------------------------

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


def run(original_name: str) -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context

    from core.approvals.models import ApprovalStep, Document, DocumentAction
    from core.audit.models import ActivityEvent, AuditEvent
    from core.org.models import Person, Unit
    from core.work.models import Instruction, InstructionAssignment, Memo, MemoRecipient, Task
    from tenants.provisioning import ensure_platform_agencies

    assert connection.settings_dict["NAME"] == BENCH_DB, connection.settings_dict["NAME"]
    t0 = time.perf_counter()
    call_command("migrate_schemas", shared=True, verbosity=0)
    ensure_platform_agencies()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    where = "embedded (.harmony/pgdata)" if EMBEDDED else "external (DATABASE_URL)"
    print(f"PostgreSQL {version}, {where}; bench database {BENCH_DB!r} (demo database "
          f"{original_name!r} untouched); DEBUG={settings.DEBUG}; console ready in "
          f"{time.perf_counter() - t0:.1f} s")

    orgs = {}
    for name, code, shape in (("empty", "9100001", (1, 2, 12)),
                              ("big", "9100002", (6, 9, PEOPLE))):
        t0 = time.perf_counter()
        agency = onboard_agency(name, code)
        org = Org(schema=agency.schema_name, subdomain=name)
        with schema_context(org.schema):
            build_org(org, bureaus=shape[0], divisions_per_bureau=shape[1], people=shape[2])
            grow_unit(org)
            add_measured_documents(org)
        orgs[name] = org
        print(f"Agency {name!r}: onboarded, org ({UNIT_SIZE} people in P's unit) and "
              f"measured documents in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with schema_context(orgs["big"].schema):
        counts = generate_background(orgs["big"], DOCUMENTS)
    print(f"Background documents for 'big' in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

    documents = {}
    for name, org in orgs.items():
        t0 = time.perf_counter()
        with schema_context(org.schema):
            ev = generate_events(org)
        line = (f"Events for {name!r}: {ev['rows']:,} history rows → as many audit rows and "
                f"activity events in {time.perf_counter() - t0:.1f} s (prepare "
                f"{ev['prepare_s']:.1f} s, activity insert {ev['activity_s']:.1f} s); "
                f"{ev['opened']:,} open steps dated")
        if ev.get("trigger_rows"):
            per_row = ev["trigger_commit_s"] / ev["trigger_rows"] * 1e6
            line += (f"\n  sealed by the trigger: {ev['trigger_rows']:,} rows, insert "
                     f"{ev['trigger_insert_s']:.1f} s, commit (the seal) "
                     f"{ev['trigger_commit_s']:.1f} s = {per_row:.0f} µs per row "
                     f"(→ {per_row * ev['rows'] / 1e6:.0f} s for all {ev['rows']:,})")
        if ev.get("presealed_rows"):
            per_row = (ev["chain_s"] + ev["insert_s"]) / ev["presealed_rows"] * 1e6
            line += (f"\n  trigger disabled, sealed beforehand in SQL: {ev['presealed_rows']:,}"
                     f" rows, chain {ev['chain_s']:.1f} s + insert {ev['insert_s']:.1f} s = "
                     f"{per_row:.0f} µs per row")
        print(line)
        t0 = time.perf_counter()
        with schema_context(org.schema):
            complete_done_document(org)
            documents[name] = build_timeline_document(org)
            build_unit_work(org)
        print(f"  services: the 50-step document and the unit's work in "
              f"{time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    tables = [m._meta.db_table for m in (
        Document, ApprovalStep, DocumentAction, AuditEvent, ActivityEvent, Person, Unit,
        Person.roles.through, Task, Instruction, InstructionAssignment, Memo, MemoRecipient)]
    for org in orgs.values():
        with schema_context(org.schema):
            analyze(tables)
    print(f"VACUUM (ANALYZE) in {time.perf_counter() - t0:.1f} s")
    for name, org in orgs.items():
        with schema_context(org.schema):
            if VERIFY_CHAIN:
                print(f"  {name}: audit chain {verify_chain(org)}")
            lead = org.divisions[0]["lead"]
            events = ActivityEvent.objects
            print(f"  {name:<5}: {Document.objects.count():,} documents, "
                  f"{AuditEvent.objects.count():,} audit rows "
                  f"({AuditEvent.objects.filter(seq__isnull=True).count()} unsealed), "
                  f"{events.count():,} activity events; timeline document "
                  f"{events.filter(object_id=str(documents[name])).count()} events; "
                  f"P acted {events.filter(actor_person_id=org.p.pk).count():,} times, "
                  f"the team head {events.filter(actor_person_id=lead.pk).count():,}; "
                  f"unit {Person.objects.filter(unit=org.divisions[0]['unit']).count()} people")

    benches = {name: Bench(org, documents[name]) for name, org in orgs.items()}
    t0 = time.perf_counter()
    for _ in range(WARMUP):
        for bench in benches.values():
            bench.round(record=False)
    for _ in range(SAMPLES):
        for bench in benches.values():
            bench.round(record=True)
    paths = ", ".join(f"GET {path}" for path in benches["big"].paths.values())
    print(f"\nMeasured {SAMPLES} rounds per agency after {WARMUP} warm-up rounds, interleaved "
          f"(empty, big, ...), in {time.perf_counter() - t0:.1f} s, as P (head of the "
          f"{UNIT_SIZE}-person unit): {paths}. "
          f"Load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.")
    print_table(benches)
    for name, bench in benches.items():
        print(f"  {name}: {page_facts(bench)}")
    print("\nSlowest SELECTs per page, EXPLAIN ANALYZE (big agency; planning + execution):")
    for name in Bench.ENDPOINTS:
        for ms, plan, sql in explain_slowest(orgs["big"], benches["big"].last_queries[name]):
            print(f"  {name:<17} {ms:7.2f} ms  {plan}\n      {sql[:160]}")
    ok, figures = verdict(benches)
    print(f"VERDICT: {'PASS' if ok else 'FAIL'} (big agency, {DOCUMENTS:,} documents, p95 "
          f"target {P95_TARGET:.0f} ms) — {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
