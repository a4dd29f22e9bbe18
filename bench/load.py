"""Load test: 200 staff of six agencies at work on the production-style server, twice — once
undisturbed, once with a server process killed mid-run.

Run from the repository root with ``.venv/bin/python bench/load.py`` (``make bench``).

Target (issue 13 §7): 200 simulated staff across six agencies (queue, document, approve,
draft, home, live stream) for 60 s: 0 errors and no response carrying another agency's data;
p95 and throughput printed. A second run, in which one uvicorn worker is killed (SIGKILL)
mid-run, recovers (uvicorn starts a new worker; requests succeed again) with nothing lost:
every approval and draft a client saw succeed is in the database exactly once.

Set-up, as in bench/throughput.py: a bench database on the same PostgreSQL server
(``harmony_bench_load``; the demo database is never touched) with six agencies onboarded
through the real service (bench/serverkit.py: 60 people each, ~34 of them signed in with
sessions made in the agency's session table, 3 documents waiting on each one's turn), and the
server ``harmony serve`` starts (uvicorn, 2 workers, HARMONY_ENV=demo, DEBUG off).

The clients are Locust users (bench/locust_load.py; headless, one process): each holds one
/live/ stream open all the time and, every 5–15 s, opens the home page, the queue or a
document, approves a document on their turn (POST, then the page the redirect leads to must say
it was done) or drafts one for a colleague (whose queue it feeds). Each body and event is
checked for the other agencies' markers. Locust's client (geventhttpclient) sends a GET again
once when its connection breaks, as browsers do, so reads in flight on the killed worker are
answered by the other; a POST is never sent twice by the client: if one was in flight, it fails
and is listed, and the database tells whether it was done (counted, but not "seen").

The machine has 2 CPUs shared with other work: the load average is printed with the figures.
Environment: BENCH_USERS (200), BENCH_SECONDS (60), BENCH_KILL_AFTER (20 s into the 2nd run).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serverkit import (
    AGENCIES,
    REPO,
    bench_database,
    build_agency,
    free_port,
    histogram_percentile,
    load_average,
    log,
    production_server,
    warm_up,
    worker_pids,
    write_agencies,
)

DATABASE = os.environ.get("BENCH_DATABASE", "harmony_bench_load")
USERS = int(os.environ.get("BENCH_USERS", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
KILL_AFTER = int(os.environ.get("BENCH_KILL_AFTER", "20"))
RECOVERY_SECONDS = 15  # after the kill, failures must stop within this
QUEUE_PER_ACCOUNT = 3
LOCUSTFILE = REPO / "bench" / "locust_load.py"


def main() -> int:
    with bench_database(DATABASE) as database, tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        per_agency = -(-USERS // len(AGENCIES))
        agencies = [build_agency(i, accounts=per_agency, queue_per_account=QUEUE_PER_ACCOUNT)
                    for i in range(len(AGENCIES))]
        log(f"{len(agencies)} agencies, {per_agency} signed-in staff each, "
            f"{QUEUE_PER_ACCOUNT} documents on each one's turn, in "
            f"{time.perf_counter() - started:.0f} s")
        agencies_file = Path(scratch) / "agencies.json"
        write_agencies(agencies, agencies_file)
        port = free_port()
        with production_server(database, port=port) as master:
            account = agencies[0].accounts[0]
            warm_up(port, ["/", "/approvals/", f"/approvals/{account.queue[0]}/",
                           "/approvals/new/"], f"{agencies[0].subdomain}.localhost:{port}",
                    account.session)
            quiet = run_locust(port, agencies_file, Path(scratch) / "quiet.json")
            ok_quiet = report("run 1 (undisturbed)", quiet, agencies, kill=None)
            killed = run_locust(port, agencies_file, Path(scratch) / "killed.json",
                                kill_master=master.pid)
            ok_killed = report("run 2 (one worker killed)", killed, agencies,
                               kill=killed["kill"])
    return 0 if ok_quiet and ok_killed else 1


def run_locust(port: int, agencies_file: Path, results: Path, *,
               kill_master: int | None = None) -> dict:
    """Run the Locust users for SECONDS; with ``kill_master``, SIGKILL one of its workers
    KILL_AFTER seconds in and note when a replacement answered."""
    environment = dict(os.environ, BENCH_AGENCIES=str(agencies_file),
                       BENCH_RESULTS=str(results), BENCH_PORT=str(port))
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
               "-u", str(USERS), "-r", str(max(USERS // 5, 1)), "-t", f"{SECONDS}s",
               "--stop-timeout", "10", "--host", f"http://127.0.0.1:{port}",
               "--only-summary", "--json", "--loglevel", "ERROR"]
    began = time.time()
    locust = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    kill = None
    if kill_master is not None:
        kill = kill_one_worker(kill_master, began)
    out, err = locust.communicate(timeout=SECONDS + 120)
    try:
        stats = json.loads(out)
    except ValueError:
        raise RuntimeError(f"Locust gave no figures: {err[-2000:]}") from None
    seen = json.loads(results.read_text(encoding="utf-8"))
    return {"began": began, "ended": time.time(), "stats": stats, "seen": seen, "kill": kill,
            "load": load_average()}


def kill_one_worker(master: int, began: float) -> dict:
    time.sleep(max(0.0, began + KILL_AFTER - time.time()))
    before = worker_pids(master)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.time()
    log(f"  killed uvicorn worker {victim} (SIGKILL) {killed_at - began:.0f} s into the run; "
        f"workers were {before}")
    replaced_at, after = None, before
    while time.time() < killed_at + 30:
        after = worker_pids(master)
        if len(after) == len(before) and victim not in after:
            replaced_at = time.time()
            break
        time.sleep(0.2)
    return {"victim": victim, "at": killed_at, "replaced_at": replaced_at,
            "before": before, "after": after}


# --- what the database says ---------------------------------------------------------------

def count_in_database(seen: dict, agencies) -> dict:
    """Each approval and draft the clients saw succeed, counted in its agency's tables."""
    from django.db.models import Count
    from django_tenants.utils import schema_context

    from core.approvals.models import ActionKind, ApprovalStep, Document, DocumentAction

    tally = {"approvals_seen": len(seen["approvals"]), "approvals_once": 0,
             "approvals_missing": [], "approvals_twice": [], "drafts_seen": len(seen["drafts"]),
             "drafts_once": 0, "drafts_wrong": [], "approvals_total": 0}
    for agency in agencies:
        with schema_context(agency.schema):
            for item in (a for a in seen["approvals"] if a["agency"] == agency.schema):
                signed = ApprovalStep.objects.filter(
                    document_id=item["document"], person_id=item["person"],
                    status="approved").count()
                moves = DocumentAction.objects.filter(
                    document_id=item["document"], actor_id=item["person"],
                    kind=ActionKind.APPROVED).count()
                if signed == moves == 1:
                    tally["approvals_once"] += 1
                elif signed == 0 or moves == 0:
                    tally["approvals_missing"].append(item)
                else:
                    tally["approvals_twice"].append(item)
            for item in (d for d in seen["drafts"] if d["agency"] == agency.schema):
                if Document.objects.filter(title=item["title"]).count() == 1 and \
                        Document.objects.filter(pk=item["document"],
                                                title=item["title"]).exists():
                    tally["drafts_once"] += 1
                else:
                    tally["drafts_wrong"].append(item)
            tally["approvals_total"] += DocumentAction.objects.filter(
                kind=ActionKind.APPROVED).count()
            # No approval box signed twice, whoever saw it: one APPROVED move per step.
            doubled = (DocumentAction.objects.filter(kind=ActionKind.APPROVED)
                       .values("document_id", "actor_id", "version").order_by()
                       .annotate(n=Count("id")).filter(n__gt=1).count())
            if doubled:
                tally["approvals_twice"].append({"agency": agency.schema, "doubled": doubled})
    return tally


# --- the report -------------------------------------------------------------------------------

def report(title: str, run: dict, agencies, *, kill: dict | None) -> bool:
    stats, seen = run["stats"], run["seen"]
    elapsed = run["ended"] - run["began"]
    total = sum(s["num_requests"] for s in stats)
    failures = sum(s["num_failures"] for s in stats)
    merged: dict = {}
    for s in stats:
        for ms, count in s["response_times"].items():
            merged[float(ms)] = merged.get(float(ms), 0) + count
    log(f"\n== {title}: {USERS} users, {SECONDS} s; {run['load']} at the end")
    log(f"{'request':<32} {'count':>7} {'failed':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}")
    for s in sorted(stats, key=lambda s: -s["num_requests"]):
        log(f"{s['name'][:32]:<32} {s['num_requests']:7d} {s['num_failures']:7d} "
            f"{histogram_percentile(s['response_times'], .5):8.0f} "
            f"{histogram_percentile(s['response_times'], .95):8.0f} "
            f"{s['num_requests'] / SECONDS:7.1f}")
    p95 = histogram_percentile(merged, .95)
    p50 = histogram_percentile(merged, .5)
    log(f"{'all':<32} {total:7d} {failures:7d} {p50:8.0f} {p95:8.0f} "
        f"{total / SECONDS:7.1f}")
    log(f"live streams opened {seen['streams']}, events received {seen['stream_events']}, "
        f"reconnects {seen['stream_reconnects']}, stream errors {len(seen['stream_errors'])} "
        f"({', '.join(sorted(set(seen['stream_errors']))) or 'none'})")
    reasons: dict = {}
    for failure in seen["failures"]:
        key = f"{failure['why']} on {failure['path'].split('/')[1] or 'home'}"
        reasons[key] = reasons.get(key, 0) + 1
    log(f"failures by kind: {reasons or 'none'}")
    leaks = seen["leaks"]
    log(f"bodies checked for the other five agencies' markers: {total} responses and "
        f"{seen['stream_events']} events; another agency's data found: {len(leaks)}"
        + (f" e.g. {leaks[:3]}" if leaks else ""))
    tally = count_in_database(seen, agencies)
    log(f"approvals the clients saw succeed: {tally['approvals_seen']}; in the database "
        f"exactly once: {tally['approvals_once']}; missing {len(tally['approvals_missing'])}; "
        f"twice {len(tally['approvals_twice'])}; drafts seen {tally['drafts_seen']}, exactly "
        f"once {tally['drafts_once']}, wrong {len(tally['drafts_wrong'])}; approvals in the "
        f"database so far (all runs, all clients) {tally['approvals_total']}")
    lost = (len(tally["approvals_missing"]) + len(tally["approvals_twice"])
            + len(tally["drafts_wrong"]))
    if kill is None:
        ok = failures == 0 and not leaks and lost == 0 and not seen["stream_errors"]
        log(f"VERDICT: {'PASS' if ok else 'FAIL'} — {title}: {failures} errors in {total} "
            f"requests, {len(leaks)} cross-agency bodies, p95 {p95:.0f} ms, "
            f"{total / elapsed:.1f} req/s, {tally['approvals_once']}/{tally['approvals_seen']} "
            f"approvals and {tally['drafts_once']}/{tally['drafts_seen']} drafts exactly once; "
            f"{run['load']}")
        return ok
    late = [f for f in seen["failures"] if f["at"] > kill["at"] + RECOVERY_SECONDS]
    early = [f for f in seen["failures"] if f["at"] <= kill["at"] + RECOVERY_SECONDS]
    replaced = (f"{kill['replaced_at'] - kill['at']:.1f} s later (workers {kill['after']})"
                if kill["replaced_at"] else "NOT replaced within 30 s")
    log(f"worker {kill['victim']} killed; replaced {replaced}; failed requests up to "
        f"{RECOVERY_SECONDS} s after the kill: {len(early)} "
        f"({', '.join(sorted({f['why'] for f in early})) or 'none'}); after that: {len(late)}")
    ok = (kill["replaced_at"] is not None and not late and not leaks and lost == 0)
    log(f"VERDICT: {'PASS' if ok else 'FAIL'} — {title}: recovered "
        f"{'yes' if kill['replaced_at'] and not late else 'NO'} ({len(early)} requests failed "
        f"around the kill, {len(late)} after), {len(leaks)} cross-agency bodies, nothing lost: "
        f"{tally['approvals_once']}/{tally['approvals_seen']} approvals and "
        f"{tally['drafts_once']}/{tally['drafts_seen']} drafts exactly once, "
        f"{len(tally['approvals_twice'])} doubled; p95 {p95:.0f} ms, "
        f"{total / elapsed:.1f} req/s; {run['load']}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
