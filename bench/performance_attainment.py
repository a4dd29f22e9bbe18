"""Live attainment benchmark: one new event reflected in a person's attainment, and a unit
head's dashboard, in a 20,000-person agency with its activity events already recorded.

Run from the repository root with ``.venv/bin/python bench/performance_attainment.py``.

Targets (issue 10, "Speed"): one new event reflected in the person's attainment <= 100 ms;
a unit dashboard <= 100 ms p95. The issue's full size is 2,000,000 activity events; the
default here is scaled down to BENCH_EVENTS=200,000 to keep the run near two minutes (the
live update's cost does not grow with the events: it moves one tally row per definition).

Like the other benchmarks it works in its own database (``harmony_bench_performance``) on the
settings' server and drops it at the end. One agency, onboarded through the real service,
gets 10 bureaus of 20 divisions and, in SQL, BENCH_PEOPLE people (default 20,000) with their
hire appointment (5급–9급, one head per division), so the service rating cycle of the current
half is opened through the real service (``cycle_open``: the snapshot of 20,000 people).
Every person and division gets goals and indicators (the rows ``goals_set`` writes, inserted
in bulk): a goal on documents completed and the on-time ratio of closed cases, and a goal on
a hand-entered indicator. BENCH_EVENTS activity events of five types (documents completed and
signed, cases closed on time or late, instructions, progress reports) spread over the people
and the half are inserted in SQL (their audit rows with the hash-chain trigger off in this
bench database only: the trail's seal is bench/timeline.py's subject), then the tallies are
rebuilt once by ``attainment_recompute`` (the full recomputation, timed).

Measured, interleaved per round (DEBUG off, BENCH_SAMPLES rounds after warm-up):
- reflected: ``event_record`` of a document completed for a random person in its own
  transaction, committed, then that person's attainment read (``person_now``) and checked to
  count the new document — the whole path from the move to the number a page shows;
- baseline: the same ``event_record`` and commit with the collectors switched off (what a
  move costs without performance) — the ratio is what the live update adds;
- dashboard: GET /performance/?unit=… as the division's head (100 members), through the
  whole Django stack, right after a move (the page is never served from a cache);
- home: GET / as the same head (the existing 한눈에 page), the page's baseline;
- the dashboard's data alone: ``unit_board`` (the unit's and its 100 members' attainment,
  four queries), without the request, session, menu and template around it.
Ends with one VERDICT line. Environment knobs: BENCH_PEOPLE, BENCH_EVENTS, BENCH_SAMPLES,
BENCH_DATABASE, BENCH_PROFILE (prints a profile of one dashboard request).
"""

import os
import random
import sys
import time
from pathlib import Path

from benchdb import bench_database, console_ready, machine_load, onboard_agency, percentile

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

BENCH_DB = os.environ.get("BENCH_DATABASE", "harmony_bench_performance")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "200000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "100"))
WARMUP = 10
TARGET_MS = 100.0
DIVISIONS = 200

EVENTS_SQL = """
CREATE TEMP TABLE bench_ev AS
SELECT n, (SELECT coalesce(max(id), 0) FROM audit_auditevent) + n AS aid,
       %(start)s::timestamptz + (random() * (%(end)s::timestamptz - %(start)s::timestamptz))
         AS occurred_at,
       p.id AS person_id, p.unit_id, p.user_id,
       (ARRAY['approvals.document_completed', 'approvals.document_approved',
              'customers.case_closed', 'work.instruction_completed',
              'work.progress_reported'])[1 + n %% 5] AS type,
       n %% 7 <> 0 AS on_time
FROM generate_series(1, %(events)s) AS n
JOIN LATERAL (SELECT id, unit_id, user_id FROM org_person
              WHERE employee_number = 'P-' || lpad((1 + (n * 7919) %% %(people)s)::text, 6, '0')
             ) p ON true
"""

PAYLOAD_SQL = """
CASE type
  WHEN 'approvals.document_completed' THEN jsonb_build_object('title', '벤치 문서',
    'status', 'completed', 'number', '벤치-' || n, 'handling_seconds', 3600)
  WHEN 'approvals.document_approved' THEN jsonb_build_object('title', '벤치 문서',
    'status', 'approved', 'note', '', 'mark', '', 'waited_seconds', 600)
  WHEN 'customers.case_closed' THEN jsonb_build_object('number', '민원-' || n,
    'case_type', 'inquiry', 'on_time', on_time, 'handling_days', 1 + n % 9)
  WHEN 'work.instruction_completed' THEN jsonb_build_object('title', '지시', 'on_time', on_time)
  ELSE jsonb_build_object('title', '과제', 'progress', n % 100) END
"""


def build(schema: str) -> dict:
    """Units, people with their hire appointment, and the heads, in SQL."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from core.org.models import Grade, Position, Role, RoleCode, Unit, UnitKind

    with schema_context(schema):
        kinds = {k.code: k for k in UnitKind.objects.all()}
        divisions = []
        for b in range(10):
            bureau = Unit.objects.create(code=f"B{b:02d}", name=f"벤치국{b}",
                                         kind=kinds["bureau"], sort_order=b)
            divisions += Unit.objects.bulk_create(
                Unit(code=f"B{b:02d}D{d:02d}", name=f"벤치과{b}-{d}", kind=kinds["division"],
                     parent=bureau, sort_order=d) for d in range(DIVISIONS // 10))
        grades = list(Grade.objects.filter(code__in=["G5", "G6", "G7", "G8", "G9"])
                      .values_list("pk", flat=True))
        officer = Position.objects.get(code="officer").pk
        units = [u.pk for u in divisions]
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO org_person (name, employee_number, email, unit_id, grade_id,
                                        position_id, status, phone)
                SELECT '벤치' || n, 'P-' || lpad(n::text, 6, '0'), '',
                       (%(units)s)[1 + (n - 1) %% array_length(%(units)s, 1)],
                       (%(grades)s)[1 + n %% array_length(%(grades)s, 1)], %(officer)s,
                       'active', ''
                FROM generate_series(1, %(people)s) AS n""",
                           {"units": units, "grades": grades, "officer": officer,
                            "people": PEOPLE})
            cursor.execute("""
                INSERT INTO org_appointment (person_id, kind, "primary", unit_id, grade_id,
                                             position_id, starts_on, reason, created_at)
                SELECT id, 'hire', true, unit_id, grade_id, position_id, %s, '벤치', now()
                FROM org_person WHERE employee_number LIKE 'P-%%'""",
                           [timezone.localdate().replace(year=2015)])
            # Each division's first person heads it (부서장) and signs in.
            cursor.execute("""
                UPDATE org_unit u SET head_id = h.id FROM (
                  SELECT DISTINCT ON (unit_id) id, unit_id FROM org_person
                  WHERE employee_number LIKE 'P-%%' ORDER BY unit_id, id) h
                WHERE h.unit_id = u.id""")
        heads = list(Unit.objects.filter(pk__in=units).values_list("head_id", flat=True))
        Role.objects.get(code=RoleCode.UNIT_HEAD).person_set.add(*heads)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) org_person")
            cursor.execute("VACUUM (ANALYZE) org_appointment")
    return {"divisions": units, "heads": heads}


def goals(schema: str, cycle) -> int:
    """Per division a unit goal; per person two goals, three indicators (bulk rows)."""
    from django_tenants.utils import schema_context

    from core.performance.models import CycleMember, Goal, Indicator, Level

    with schema_context(schema):
        members = list(CycleMember.objects.filter(cycle=cycle).values_list("person_id",
                                                                            "unit_id"))
        units = sorted({u for _p, u in members})
        unit_goals = Goal.objects.bulk_create(
            Goal(cycle=cycle, level=Level.UNIT, unit_id=u, title="문서·민원 처리", weight=100)
            for u in units)
        parents = {g.unit_id: g for g in unit_goals}
        person_goals = Goal.objects.bulk_create(
            [Goal(cycle=cycle, level=Level.PERSON, person_id=p, parent=parents[u],
                  title=title, weight=weight, sort_order=order)
             for p, u in members
             for order, (title, weight) in enumerate((("처리 실적", 70), ("혁신 제안", 30)))],
            batch_size=5000)
        rows = [Indicator(goal=g, name="결재 완료 문서", source="events",
                          code="documents_completed", weight=60, target=40)
                for g in unit_goals]
        rows += [Indicator(goal=g, name="기한 내 민원 처리율", source="events",
                           code="cases_on_time", weight=40, target=90, unit_label="%")
                 for g in unit_goals]
        for g in person_goals:
            if g.weight == 70:
                rows.append(Indicator(goal=g, name="결재 완료 문서", source="events",
                                      code="documents_completed", weight=60, target=4))
                rows.append(Indicator(goal=g, name="기한 내 민원 처리율", source="events",
                                      code="cases_on_time", weight=40, target=90,
                                      unit_label="%"))
            else:
                rows.append(Indicator(goal=g, name="제안 건수", source="manual", weight=100,
                                      target=2, value=1))
        Indicator.objects.bulk_create(rows, batch_size=5000)
    return len(person_goals) + len(unit_goals)


def events(schema: str, cycle) -> int:
    """BENCH_EVENTS events over the cycle's half so far, their audit rows unsealed."""
    from datetime import datetime
    from datetime import time as clock

    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context

    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(cycle.starts_on, clock.min), tz)
    end = timezone.now() - timezone.timedelta(minutes=5)
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute(EVENTS_SQL, {"start": start, "end": end, "events": EVENTS,
                                    "people": PEOPLE})
        with transaction.atomic():
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_seal")
            cursor.execute("""
                INSERT INTO audit_auditevent (id, occurred_at, actor_id, actor_label, action,
                    target_type, target_id, target_label, changes, request_id, prev_hash,
                    hash)
                SELECT aid, occurred_at, user_id, '벤치', type, '', '', '', '{}', 'bench',
                       '', '' FROM bench_ev ORDER BY aid""")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_seal")
        cursor.execute(f"""
            INSERT INTO audit_activityevent (audit_event_id, occurred_at, type, version,
                actor_person_id, person_id, unit_id, object_type, object_id, visibility,
                audience, payload)
            SELECT aid, occurred_at, type, 1, person_id, person_id, unit_id, '', '',
                   'involved', '{{}}', {PAYLOAD_SQL}
            FROM bench_ev ORDER BY aid""")
        count = cursor.rowcount
        for table in ("audit_auditevent", "audit_activityevent"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("DROP TABLE bench_ev")
    return count


def timed(call) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = call()
    return (time.perf_counter() - t0) * 1000, result


def run() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from core.accounts.models import User
    from core.audit.collectors import collector_paused
    from core.audit.events import EventType
    from core.audit.services import event_record
    from core.org.models import Person
    from core.performance import selectors, services
    from core.performance.collect import attainment_collect
    from core.performance.models import Tally

    print(console_ready())
    t0 = time.perf_counter()
    agency = onboard_agency("perf", "9300010")
    schema = agency.schema_name
    made = build(schema)
    with schema_context(schema):
        hr = Person.objects.order_by("id").first()
        today = timezone.localdate()
        base = today.replace(month=6, day=30) if today.month <= 6 else today.replace(
            month=12, day=31)
        # The opening actor: an HR officer (any person with the role).
        from core.org.models import Role, RoleCode

        hr.roles.add(Role.objects.get(code=RoleCode.HR_OFFICER))
        t_open = time.perf_counter()
        cycle = services.cycle_open(scheme="service", base_date=base, actor=hr)
        open_s = time.perf_counter() - t_open
        members = cycle.members.count()
    made_goals = goals(schema, cycle)
    made_events = events(schema, cycle)
    with schema_context(schema):
        t_re = time.perf_counter()
        read, tallies = services.attainment_recompute(cycle=cycle, actor=hr)
        recompute_s = time.perf_counter() - t_re
        for table in ("performance_tally", "performance_goal", "performance_indicator",
                      "performance_cyclemember", "performance_cycleunit"):
            connection.cursor().execute(f"VACUUM (ANALYZE) {table}")
    print(f"Agency 'perf': {PEOPLE:,} people in {DIVISIONS} divisions; cycle opened with "
          f"{members:,} evaluatees in {open_s:.1f} s; {made_goals:,} goals; "
          f"{made_events:,} activity events; full recomputation read {read:,} events into "
          f"{tallies:,} tallies in {recompute_s:.1f} s; built in "
          f"{time.perf_counter() - t0:.1f} s")

    rng = random.Random(10)
    series = {"reflected (move → attainment)": [], "baseline (move, no collector)": [],
              "dashboard (100 members)": [], "home (baseline)": [],
              "dashboard's data (unit_board)": []}
    checked = True
    with schema_context(schema):
        people = list(cycle.members.values_list("person_id", flat=True))
        head_id = made["heads"][0]
        head = Person.objects.get(pk=head_id)
        user = User.objects.create_user(email="head@perf.bench.go.kr", password=None)
        head.user = user
        head.save(update_fields=["user"])
    client = Client(HTTP_HOST=f"perf.{settings.BASE_DOMAIN}")
    with schema_context(schema):
        client.force_login(user)
    unit_id = head.unit_id
    connection.set_schema_to_public()

    def move(person_id: int | None):
        with schema_context(schema), transaction.atomic():
            event_record(EventType.DOCUMENT_COMPLETED, actor=hr, person_id=person_id,
                         payload={"title": "벤치 문서", "status": "completed",
                                  "number": "벤치-측정", "handling_seconds": 60})

    def reflected(person_id: int, before: int) -> bool:
        move(person_id)
        with schema_context(schema):
            now = selectors.person_now(cycle, person_id)
        value = now.goals[0].indicators[0].value
        return value == before + 1

    def _documents(person_id: int):
        with schema_context(schema):
            return services.tally_of(cycle, "documents_completed", person_id).count

    def without_collector(person_id: None):
        # Concerning no one: recorded but counted by no definition (the collector is off,
        # and the check below recomputes: a counted move here would differ from it).
        with collector_paused(attainment_collect):
            t, _ = timed(lambda: move(None))
        return t

    for round_no in range(WARMUP + SAMPLES):
        person_id = rng.choice(people)
        before = _documents(person_id)
        t_ref, ok = timed(lambda p=person_id, b=before: reflected(p, b))
        checked &= ok and _documents(person_id) == before + 1
        t_base = without_collector(None)
        # A member of the head's unit moves, then the head's dashboard is read afresh.
        move(head_id)
        t_dash, response = timed(lambda: client.get(f"/performance/?unit={unit_id}"))
        checked &= response.status_code == 200 and "벤치과" in response.content.decode()
        t_home, home = timed(lambda: client.get("/"))
        checked &= home.status_code == 200
        with schema_context(schema):
            unit = selectors.units_headed(head, cycle).get(unit_id=unit_id)
            t_data, _board = timed(lambda u=unit: selectors.unit_board(cycle, u))
        if round_no >= WARMUP:
            for name, value in zip(series, (t_ref, t_base, t_dash, t_home, t_data),
                                   strict=True):
                series[name].append(value)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        move(head_id)
        profile = cProfile.Profile()
        profile.runcall(lambda: client.get(f"/performance/?unit={unit_id}"))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    with schema_context(schema):
        live = dict(Tally.objects.filter(cycle=cycle, code="documents_completed")
                    .values_list("person_id", "count"))
        services.attainment_recompute(cycle=cycle, actor=hr)
        again = dict(Tally.objects.filter(cycle=cycle, code="documents_completed")
                     .values_list("person_id", "count"))
    consistent = live == again

    print(f"\nMeasured {SAMPLES} rounds after {WARMUP} warm-up rounds, interleaved; "
          f"{machine_load()}.")
    print(f"{'path':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, values in series.items():
        print(f"{name:<34}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
              f"{max(values):>9.1f}")
    p95 = {name: percentile(values, 0.95) for name, values in series.items()}
    names = list(series)
    print(f"\nRatio reflected / baseline move, p95: {p95[names[0]] / p95[names[1]]:.2f}; "
          f"dashboard / home page, p95: {p95[names[2]] / p95[names[3]]:.2f}")
    print(f"Check: every move counted at once in its person's attainment: {checked}; "
          f"live tallies equal a full recomputation after {SAMPLES + WARMUP} live moves: "
          f"{consistent}")
    ok = (p95[names[0]] <= TARGET_MS and p95[names[2]] <= TARGET_MS and checked
          and consistent)
    print(f"VERDICT: {'PASS' if ok else 'FAIL'} ({PEOPLE:,} people, {made_events:,} events: "
          f"one new event reflected p95 {p95[names[0]]:.1f} ms, unit dashboard p95 "
          f"{p95[names[2]]:.1f} ms, target {TARGET_MS:.0f} ms each; full recomputation "
          f"{recompute_s:.1f} s)")
    return 0 if ok else 1


def main() -> int:
    with bench_database(BENCH_DB):
        return run()


if __name__ == "__main__":
    sys.exit(main())
