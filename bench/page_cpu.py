"""CPU time per request of the pages throughput.py measures, in one process, against /readyz.

Run from the repository root with ``.venv/bin/python bench/page_cpu.py``. Where throughput.py
counts requests per second (which move with whatever else the shared 2-CPU machine runs),
this counts the CPU seconds one Django process spends per request (``time.process_time``),
which other processes' load disturbs far less: the same bench agency and signed-in division
head as throughput.py, HARMONY_ENV=demo and DEBUG off (hashed static names, cached
templates), Django's test client without the test runner's template instrumentation, so no
server and no load tool. Each round asks every address ``BENCH_REQUESTS`` times, one after
another; the figure is the median over ``BENCH_ROUNDS`` rounds. A page's ratio is /readyz's CPU
per request over the page's: the share of /readyz's throughput it could reach if CPU were all
that counted (the server's own cost per request, the same for every address, is left out, so
the real ratios in throughput.py come out higher).

``BENCH_PROFILE=document`` (or home, queue, readyz) also writes a cProfile of that address,
timed in CPU seconds, to ``bench-<address>.prof`` in the working directory.
"""

import cProfile
import os
import statistics
import sys
import time

from serverkit import bench_database, build_agency, log

DATABASE = os.environ.get("BENCH_DATABASE", "harmony_bench_page_cpu")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "8"))


def cpu_per_request(client, path: str) -> float:
    """Milliseconds of this process's CPU per request of ``path``."""
    started = time.process_time()
    for _ in range(REQUESTS):
        client.get(path)
    return (time.process_time() - started) / REQUESTS * 1000


def main() -> int:
    with bench_database(DATABASE):
        from django.conf import settings
        from django.test import Client

        agency = build_agency(0, accounts=4, queue_per_account=10)
        account = agency.accounts[0]  # a division head: 10 documents on their turn
        host = f"{agency.subdomain}.{settings.BASE_DOMAIN}"
        signed_in = Client(HTTP_HOST=host)
        signed_in.cookies[settings.SESSION_COOKIE_NAME] = account.session
        addresses = {"readyz": (Client(HTTP_HOST=host), "/readyz"),
                     "home": (signed_in, "/"), "queue": (signed_in, "/approvals/"),
                     "document": (signed_in, f"/approvals/{account.queue[0]}/")}
        for label, (client, path) in addresses.items():  # compile templates, fill caches
            for _ in range(5):
                answer = client.get(path)
                if answer.status_code != 200 or (
                        label != "readyz" and agency.name_ko not in answer.content.decode()):
                    raise RuntimeError(f"{path} answered {answer.status_code}")
        figures: dict[str, list[float]] = {label: [] for label in addresses}
        for _ in range(ROUNDS):
            for label, (client, path) in addresses.items():
                figures[label].append(cpu_per_request(client, path))
        for label in filter(None, os.environ.get("BENCH_PROFILE", "").split(",")):
            client, path = addresses[label]
            profile = cProfile.Profile(time.process_time)
            profile.runcall(lambda c=client, p=path: [c.get(p) for _ in range(REQUESTS * 4)])
            profile.dump_stats(f"bench-{label}.prof")
    return report(figures)


def report(figures: dict[str, list[float]]) -> int:
    medians = {label: statistics.median(values) for label, values in figures.items()}
    log(f"\nCPU per request in one process, median of {ROUNDS} rounds of {REQUESTS} requests "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    log(f"{'address':<10} {'ms CPU':>7} {'min':>6} {'max':>6}  readyz/page")
    for label, values in figures.items():
        log(f"{label:<10} {medians[label]:7.2f} {min(values):6.2f} {max(values):6.2f}  "
            f"{medians['readyz'] / medians[label]:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
