"""Org chart history benchmark: who was where on a date, in a 20,000-person agency with ten
years of appointments (발령).

Run from the repository root with ``.venv/bin/python bench/org_history.py``.

Target (issue 8, "Speed"): ``org_on(date)`` for a 20,000-person agency with 10 years of
appointments answers in <= 50 ms.

Like the other benchmarks it works in its own database (``harmony_bench_org_history``) on the
settings' server and drops it at the end. One agency, onboarded through the real service,
gets 10 bureaus of 20 divisions and, in SQL, BENCH_PEOPLE people (default 20,000) in service
today plus a tenth as many who retired along the way. Each person's ten years are a chain of
primary appointments: a hire (some within the ten years), then a transfer or a promotion
every one to three years, a year's leave and return for one in twenty, and a 퇴직 for the
retired; one in ten also holds a concurrent post (겸임) for a while. Every person's current
unit, grade and post are those of their last appointment, as the services keep them.

Measured, interleaved per round over random dates in the ten years (DEBUG off, perf_counter
and process_time around the call; queries counted on the warm-up rounds, one each):
- ``org_on(date)``: the whole agency on a date (person → unit, grade, post, kind);
- ``unit_members_on(unit, date)``: one division on a date;
- ``appointment_of(person, date)``: one person on a date;
- baseline, in the same run: the present as the org chart reads it without history (every
  active person's unit, grade and post from the people table), the same number of rows.
Ends with one VERDICT line. Environment knobs: BENCH_PEOPLE, BENCH_SAMPLES, BENCH_DATABASE.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from benchdb import bench_database, console_ready, machine_load, onboard_agency, percentile

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

BENCH_DB = os.environ.get("BENCH_DATABASE", "harmony_bench_org_history")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "40"))
WARMUP = 5
TARGET_MS = 50.0
YEARS = 10

# One statement builds every appointment: per person a chain of steps one to three years
# apart from their hire; the last step of a retired person is a 퇴직.
APPOINTMENTS_SQL = """
WITH people AS (
    SELECT p.id, p.n, p.retired,
           %(start)s::date + CASE WHEN p.n %% 4 = 0 AND NOT p.retired
                                  THEN ((p.n * 37) %% 3000)::int ELSE 0 END AS hired
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, status = 'left' AS retired
          FROM org_person WHERE employee_number LIKE 'B-%%') AS p
), steps AS (
    SELECT people.id, people.n, people.retired, s.k,
           people.hired + (s.k * 540 + ((people.n * 7919 + s.k * 104729) %% 400))::int AS day
    FROM people, generate_series(0, 7) AS s(k)
), chain AS (
    SELECT id, n, retired, k, day,
           lead(day) OVER (PARTITION BY id ORDER BY k) AS next_day,
           count(*) OVER (PARTITION BY id) AS steps
    FROM steps WHERE day < %(today)s::date - 30
)
INSERT INTO org_appointment (person_id, kind, "primary", unit_id, grade_id, position_id,
                             starts_on, ends_on, reason, created_at)
SELECT c.id,
       CASE WHEN c.k = 0 THEN 'hire'
            WHEN c.retired AND c.k = c.steps - 1 THEN 'retirement'
            WHEN c.n %% 20 = 0 AND c.k = 2 THEN 'leave'
            WHEN c.n %% 20 = 0 AND c.k = 3 THEN 'return'
            WHEN (c.n + c.k) %% 3 = 0 THEN 'promotion'
            ELSE 'transfer' END,
       true,
       (%(units)s)[(1 + ((c.n * 31 + c.k * 17) %% array_length(%(units)s, 1)))::int],
       (%(grades)s)[greatest(1, array_length(%(grades)s, 1) - c.k / 2 - (c.n %% 3))::int],
       (%(positions)s)[(1 + (c.n + c.k) %% array_length(%(positions)s, 1))::int],
       c.day, c.next_day - 1, '벤치', now()
FROM chain AS c
"""

CONCURRENT_SQL = """
INSERT INTO org_appointment (person_id, kind, "primary", unit_id, grade_id, position_id,
                             starts_on, ends_on, reason, created_at)
SELECT a.person_id, 'concurrent', false, a.unit_id, a.grade_id, a.position_id,
       a.starts_on + 30, CASE WHEN a.ends_on IS NULL THEN NULL ELSE a.ends_on - 10 END,
       '벤치 겸임', now()
FROM org_appointment a
WHERE a.kind = 'transfer' AND a.person_id %% 10 = 0
  AND (a.ends_on IS NULL OR a.ends_on - a.starts_on > 60)
"""

PRESENT_SQL = """
UPDATE org_person p SET unit_id = a.unit_id, grade_id = a.grade_id,
       position_id = a.position_id
FROM org_appointment a
WHERE a.person_id = p.id AND a."primary" AND a.ends_on IS NULL
"""


def build(schema: str) -> dict:
    """The org chart, the people and their ten years, in SQL; return what was made."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from core.org.models import Grade, Position, Unit, UnitKind

    today = timezone.localdate()
    start = today.replace(year=today.year - YEARS)
    with schema_context(schema):
        kinds = {k.code: k for k in UnitKind.objects.all()}
        divisions = []
        for b in range(10):
            bureau = Unit.objects.create(code=f"B{b:02d}", name=f"벤치국{b}",
                                         kind=kinds["bureau"], sort_order=b)
            divisions += Unit.objects.bulk_create(
                Unit(code=f"B{b:02d}D{d:02d}", name=f"벤치과{b}-{d}", kind=kinds["division"],
                     parent=bureau, sort_order=d) for d in range(20))
        grades = list(Grade.objects.order_by("rank").values_list("pk", flat=True))[-6:]
        positions = list(Position.objects.filter(code__in=["officer", "deputy"])
                         .values_list("pk", flat=True))
        units = [u.pk for u in divisions]
        retired = PEOPLE // 10
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO org_person (name, employee_number, email, unit_id, status, phone)
                SELECT '벤치' || n, 'B-' || lpad(n::text, 6, '0'), '', %s,
                       CASE WHEN n > %s THEN 'left' ELSE 'active' END, ''
                FROM generate_series(1, %s) AS n""", [units[0], PEOPLE, PEOPLE + retired])
            cursor.execute(APPOINTMENTS_SQL, {"start": start, "today": today, "units": units,
                                              "grades": grades, "positions": positions})
            cursor.execute(CONCURRENT_SQL, {})
            cursor.execute(PRESENT_SQL)
            cursor.execute("VACUUM (ANALYZE) org_appointment")
            cursor.execute("VACUUM (ANALYZE) org_person")
            cursor.execute("SELECT count(*), count(*) FILTER (WHERE NOT \"primary\"), "
                           "min(starts_on) FROM org_appointment")
            rows, extra, first = cursor.fetchone()
    return {"start": start, "today": today, "appointments": rows, "concurrent": extra,
            "first": first, "divisions": units}


def counted(call) -> int:
    """The queries ``call`` makes (counted on the warm-up rounds only: counting costs time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


def timed(call) -> tuple[float, float, object]:
    """Wall time and this process's CPU time of ``call``, in ms, and its result."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = call()
    return ((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, result)


def _index_comparison(selectors, made, rng, span) -> dict[str, float]:
    """The shipped GiST range index against a plain b-tree on (starts_on, ends_on), made
    here for the comparison and dropped again."""
    import statistics

    from django.db import connection

    from core.org.models import Appointment, AppointmentKind

    def execution_ms(sql, params) -> float:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            return float(cursor.fetchone()[0][0]["Execution Time"])

    dates = [made["start"] + timedelta(days=rng.randint(0, span)) for _ in range(15)]
    times = {"GiST daterange (shipped)": [], "b-tree (starts_on, ends_on)": []}
    with connection.cursor() as cursor:
        cursor.execute('CREATE INDEX bench_span_btree ON org_appointment (starts_on, ends_on) '
                       'WHERE "primary"')
        cursor.execute("ANALYZE org_appointment")
    try:
        for on in dates:
            gist = selectors.people_on_query(on).query.sql_with_params()
            btree = (Appointment.objects.filter(selectors.in_force_on(on), primary=True)
                     .exclude(kind=AppointmentKind.RETIREMENT).order_by()
                     .values_list(*selectors.PLACEMENT_FIELDS).query.sql_with_params())
            times["GiST daterange (shipped)"].append(execution_ms(*gist))
            times["b-tree (starts_on, ends_on)"].append(execution_ms(*btree))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX bench_span_btree")
    return {name: statistics.median(values) for name, values in times.items()}


def _breakdown(selectors, made, rng, span) -> dict[str, list[float]]:
    """Split org_on(date) into the database's answer, fetching the rows, building the
    placements, and the garbage collector's pauses meanwhile."""
    import gc

    from django.db import connection

    parts = {"execute": [], "fetch": [], "build": [], "gc pauses": []}
    paused = []

    def watch(phase, _info, started=[0.0]):  # noqa: B006 - the callback's own clock
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            paused.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(watch)
    try:
        for _ in range(20):
            on = made["start"] + timedelta(days=rng.randint(0, span))
            sql, params = selectors.people_on_query(on).query.sql_with_params()
            paused.clear()
            with connection.cursor() as cursor, selectors._gc_paused():
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                t1 = time.perf_counter()
                rows = cursor.fetchall()
                t2 = time.perf_counter()
                placements = list(map(selectors.Placement._make, rows))
                t3 = time.perf_counter()
            assert placements
            parts["execute"].append((t1 - t0) * 1000)
            parts["fetch"].append((t2 - t1) * 1000)
            parts["build"].append((t3 - t2) * 1000)
            parts["gc pauses"].append(sum(paused))
    finally:
        gc.callbacks.remove(watch)
    return parts


def run() -> int:
    import django

    django.setup()
    from django.db import connection
    from django_tenants.utils import schema_context

    from core.org import selectors
    from core.org.models import Person, PersonStatus

    print(console_ready())
    t0 = time.perf_counter()
    agency = onboard_agency("big", "9300001")
    made = build(agency.schema_name)
    print(f"Agency 'big': {PEOPLE:,} people in service and {PEOPLE // 10:,} retired, "
          f"{made['appointments']:,} appointments ({made['concurrent']:,} concurrent posts) "
          f"from {made['first']} to {made['today']}, 200 divisions; built in "
          f"{time.perf_counter() - t0:.1f} s")

    rng = random.Random(8)
    span = (made["today"] - made["start"]).days
    series = {"org_on(date)": [], "unit_members_on": [], "appointment_of": [],
              "present (baseline)": []}
    sizes, queries = {name: [] for name in series}, {name: set() for name in series}
    cpu_ms = {name: [] for name in series}
    with schema_context(agency.schema_name):
        person_ids = list(Person.objects.values_list("pk", flat=True))

        def present():
            return list(Person.objects.filter(status=PersonStatus.ACTIVE).values_list(
                "pk", "unit_id", "grade_id", "position_id"))

        for round_no in range(WARMUP + SAMPLES):
            on = made["start"] + timedelta(days=rng.randint(0, span))
            unit = rng.choice(made["divisions"])
            person = rng.choice(person_ids)
            calls = {"org_on(date)": lambda on=on: selectors.org_on(on),
                     "unit_members_on": lambda on=on, u=unit: selectors.unit_members_on(u, on),
                     "appointment_of": lambda on=on, p=person: selectors.appointment_of(p, on),
                     "present (baseline)": present}
            for name, call in calls.items():
                if round_no < WARMUP:
                    queries[name].add(counted(call))
                    continue
                ms, cpu, result = timed(call)
                series[name].append(ms)
                cpu_ms[name].append(cpu)
                sizes[name].append(len(result) if hasattr(result, "__len__")
                                   else int(result is not None))
        breakdown = _breakdown(selectors, made, rng, span)
        indexes = _index_comparison(selectors, made, rng, span)
        today_on = selectors.org_on(made["today"])
        active = Person.objects.filter(status=PersonStatus.ACTIVE).count()
        on = made["start"] + timedelta(days=span // 2)
        with connection.cursor() as cursor:
            sql, params = selectors.people_on_query(on).query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS off) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]

    print(f"\nMeasured {SAMPLES} rounds after {WARMUP} warm-up rounds, interleaved, random "
          f"dates in the ten years; {machine_load()}.")
    print(f"{'question':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'CPU p50':>9}"
          f"{'rows (median)':>15}{'queries':>9}")
    for name, values in series.items():
        rows = sorted(sizes[name])[len(sizes[name]) // 2]
        print(f"{name:<22}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
              f"{max(values):>9.1f}{percentile(cpu_ms[name], 0.5):>9.1f}{rows:>15,}"
              f"{'/'.join(map(str, sorted(queries[name]))):>9}")
    print("(CPU p50: this process's own CPU time, ms: the part the load on the machine "
          "does not stretch; the database server's is below)")
    base = percentile(series["present (baseline)"], 0.5)
    whole = series["org_on(date)"]
    print("Where org_on(date)'s time goes, p50 ms over 20 dates: " + ", ".join(
        f"{name} {percentile(values, 0.5):.1f}" for name, values in breakdown.items()))
    print("Server execution time (EXPLAIN ANALYZE), median of 15 dates, the same dates for "
          "both: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in indexes.items()))
    print(f"\nRatio org_on(date) / present, p50: {percentile(whole, 0.5) / base:.2f}; "
          f"p95: {percentile(whole, 0.95) / percentile(series['present (baseline)'], 0.95):.2f}")
    consistent = len(today_on) == active and all(
        count == {1} for count in queries.values())
    print(f"Check: org_on(today) has {len(today_on):,} people, the people table {active:,} "
          f"active; one query per question: {all(q == {1} for q in queries.values())}")
    print("EXPLAIN ANALYZE of org_on(date) at mid-span:\n  " + "\n  ".join(plan))
    p95 = percentile(whole, 0.95)
    ok = p95 <= TARGET_MS and consistent
    print(f"VERDICT: {'PASS' if ok else 'FAIL'} (org_on(date) for {PEOPLE:,} people, "
          f"{made['appointments']:,} appointments over {YEARS} years: p95 {p95:.1f} ms, "
          f"target {TARGET_MS:.0f} ms; p50 {percentile(whole, 0.5):.1f} ms, present baseline "
          f"p50 {base:.1f} ms)")
    return 0 if ok else 1


def main() -> int:
    with bench_database(BENCH_DB):
        return run()


if __name__ == "__main__":
    sys.exit(main())
