"""Throughput of pages against /readyz, side by side, on the production-style server.

Run from the repository root with ``.venv/bin/python bench/throughput.py`` (``make bench``).

Target (issue 13 §7): at 8 concurrent connections, the home page, the approval queue
(/approvals/) and a document page (/approvals/<pk>/) of a signed-in staff member each serve at
least 0.3 of the requests per second /readyz (one query) serves, measured in the same run.

The server is what ``harmony serve`` starts (uvicorn, its command and environment) with two
worker processes, HARMONY_ENV=demo and DEBUG off, against a bench database on the same
PostgreSQL server (``harmony_bench_throughput``; the demo database is never touched), in which
one agency is onboarded through the real service: 60 people in four divisions; the measured
person heads a division and has 10 documents waiting on their turn (like the demo's head@).
The session is made directly in the agency's session table (signing in is not measured).

The load tool is Locust (headless, FastHttpUser; maintained, on PyPI; wrk is not), run as its
own process: 8 users, each in a closed loop without waiting, ~10 s per address, one address
at a time: /readyz, home, queue, document, then /readyz again; a page's ratio is its req/s
over the mean of the two /readyz runs (the machine's load drifts; both are printed). Each
answer must be 200 and carry the agency's name (pages) or be counted as a failure.
The machine has 2 CPUs shared with other work: the load average is printed beside the figures;
ratios, not absolute figures, are the measure. Environment: BENCH_SECONDS, BENCH_USERS,
BENCH_DATABASE (another name, so two checkouts can measure at once).
"""

import json
import os
import subprocess
import sys
import time

from serverkit import (
    REPO,
    bench_database,
    build_agency,
    free_port,
    histogram_percentile,
    load_average,
    log,
    production_server,
    warm_up,
)

DATABASE = os.environ.get("BENCH_DATABASE", "harmony_bench_throughput")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
USERS = int(os.environ.get("BENCH_USERS", "8"))
TARGET_RATIO = 0.3
LOCUSTFILE = REPO / "bench" / "locust_throughput.py"


def measure(port: int, path: str, *, host: str = "", session: str = "",
            expect: str = "", seconds: int = SECONDS) -> dict:
    """Run Locust against one address; return req/s, failures, p50/p95 (ms) and the load."""
    environment = dict(os.environ, BENCH_PATH=path, BENCH_HOST=host, BENCH_SESSION=session,
                       BENCH_EXPECT=expect)
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
               "-u", str(USERS), "-r", str(USERS), "-t", f"{seconds}s", "--stop-timeout", "2",
               "--host", f"http://127.0.0.1:{port}", "--only-summary", "--json",
               "--loglevel", "ERROR"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True,
                          check=False, timeout=seconds + 60)
    try:
        stats = next(s for s in json.loads(done.stdout) if s["name"] == path)
    except (ValueError, StopIteration):
        raise RuntimeError(f"Locust gave no figures for {path}: {done.stderr[-2000:]}") from None
    elapsed = max(stats["last_request_timestamp"] - stats["start_time"], 1e-9)
    return {"path": path, "requests": stats["num_requests"],
            "failures": stats["num_failures"], "rps": stats["num_requests"] / elapsed,
            "p50": histogram_percentile(stats["response_times"], .5),
            "p95": histogram_percentile(stats["response_times"], .95),
            "load": os.getloadavg()[0]}


def main() -> int:
    with bench_database(DATABASE) as database:
        started = time.perf_counter()
        agency = build_agency(0, accounts=4, queue_per_account=10)
        account = agency.accounts[0]  # a division head: 10 documents on their turn
        log(f"Agency {agency.subdomain!r} built in {time.perf_counter() - started:.0f} s")
        port = free_port()
        host = f"{agency.subdomain}.localhost:{port}"
        pages = [("home", "/"), ("queue", "/approvals/"),
                 ("document", f"/approvals/{account.queue[0]}/")]
        with production_server(database, port=port):
            # Warm each worker's caches (templates, host lookup, pool) before measuring.
            warm_up(port, [path for _label, path in pages], host, account.session)
            results = {"readyz (before)": measure(port, "/readyz")}
            for label, path in pages:
                results[label] = measure(port, path, host=host, session=account.session,
                                         expect=agency.name_ko)
            results["readyz (after)"] = measure(port, "/readyz")
    return report(results)


def report(results: dict) -> int:
    log(f"\nLocust, {USERS} users in a closed loop, {SECONDS} s per address; "
        f"2 uvicorn workers; {load_average()} at the end")
    log(f"{'address':<18} {'path':<16} {'req/s':>8} {'requests':>9} {'failed':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'load 1m':>8}")
    for label, r in results.items():
        log(f"{label:<18} {r['path'][:16]:<16} {r['rps']:8.1f} {r['requests']:9d} "
            f"{r['failures']:7d} {r['p50']:7.0f} {r['p95']:7.0f} {r['load']:8.2f}")
    readyz = (results["readyz (before)"]["rps"] + results["readyz (after)"]["rps"]) / 2
    log(f"\n/readyz mean {readyz:.1f} req/s; ratio page / readyz (target >= {TARGET_RATIO}):")
    ok, parts = True, []
    for label in ("home", "queue", "document"):
        ratio = results[label]["rps"] / readyz
        passed = ratio >= TARGET_RATIO and results[label]["failures"] == 0
        ok &= passed
        parts.append(f"{label} {ratio:.2f}")
        log(f"  {label:<10} {ratio:5.2f}  {'ok' if passed else 'BELOW TARGET OR FAILURES'}")
    failures = sum(r["failures"] for r in results.values())
    ok &= failures == 0
    log(f"VERDICT: {'PASS' if ok else 'FAIL'} — page/readyz " + ", ".join(parts)
        + f" (target >= {TARGET_RATIO}); {failures} failed requests; readyz {readyz:.0f} req/s; "
        + load_average())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
