"""Locust users for bench/throughput.py: each user requests one address in a closed loop (no
wait), as a signed-in staff member, and fails any answer other than 200 carrying the expected
text (a sign-in page or an error page must not count as throughput).

Configured by bench/throughput.py through the environment: BENCH_PATH, BENCH_HOST (the Host
header: the agency's domain), BENCH_SESSION (the session cookie) and BENCH_EXPECT."""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/readyz")
HOST_HEADER = os.environ.get("BENCH_HOST", "")
SESSION = os.environ.get("BENCH_SESSION", "")
EXPECT = os.environ.get("BENCH_EXPECT", "")


class Reader(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.headers = {"Host": HOST_HEADER} if HOST_HEADER else {}
        if SESSION:
            self.headers["Cookie"] = f"sessionid={SESSION}"

    @task
    def read(self):
        with self.client.get(PATH, headers=self.headers, name=PATH, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif EXPECT and EXPECT not in (response.text or ""):
                response.failure("expected text missing")
