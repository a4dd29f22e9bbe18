"""Locust users for bench/load.py: staff of the six bench agencies at work.

Each simulated person signs in with a session made by bench/load.py (BENCH_AGENCIES names the
JSON file of agencies, accounts and markers), keeps one /live/ stream open for the whole run
(reconnecting after 1 s when it ends, as the browser's EventSource does), re-reads the home
page when the stream says something changed (as the page's htmx does), and between pauses
opens the home page, the queue, a document, approves a document on their turn or drafts one
for a colleague.

Every response body, and every event on the stream, is checked for another agency's markers
(names, unit names, e-mail domain): a find is a failure and is listed. Approvals and drafts the
client saw succeed are written to BENCH_RESULTS when the run ends, for bench/load.py to
count in the database."""

import itertools
import json
import os
import re
import time

import gevent
import requests
from locust import FastHttpUser, between, events, task

AGENCIES = json.loads(open(os.environ["BENCH_AGENCIES"], encoding="utf-8").read())
RESULTS = os.environ["BENCH_RESULTS"]
PORT = os.environ["BENCH_PORT"]
CSRF = "loadtestcsrftoken0123456789abcde"  # any 32 characters: cookie and header must match
DOCUMENT_LINK = re.compile(r'href="/approvals/(\d+)/"')
DONE = "처리했습니다."

_next_user = itertools.count()
seen = {"approvals": [], "drafts": [], "leaks": [], "failures": [], "streams": 0,
        "stream_events": 0, "stream_reconnects": 0, "stream_errors": []}


def _slots():
    """(agency, account) pairs, taking agencies in turn so every agency is busy."""
    longest = max(len(a["accounts"]) for a in AGENCIES)
    for index in range(longest):
        for agency in AGENCIES:
            if index < len(agency["accounts"]):
                yield agency, agency["accounts"][index]


SLOTS = list(_slots())


def foreign_markers(agency: dict) -> list[tuple[str, str]]:
    return [(other["subdomain"], marker) for other in AGENCIES if other is not agency
            for marker in other["markers"]]


def _heading(body: str) -> str:
    """The page's first heading or message, to say why a move was not done."""
    found = re.search(r'<p class="hm-message[^"]*">([^<]*)|<h1[^>]*>([^<]*)', body)
    return next((group for group in found.groups() if group), "") if found else ""


class Staff(FastHttpUser):
    wait_time = between(5, 15)

    def on_start(self):
        self.agency, self.account = SLOTS[next(_next_user) % len(SLOTS)]
        self.host_header = f"{self.agency['subdomain']}.localhost:{PORT}"
        self.headers = {"Host": self.host_header,
                        "Cookie": f"sessionid={self.account['session']}; csrftoken={CSRF}"}
        self.foreign = foreign_markers(self.agency)
        self.queue = list(self.account["queue"])
        self.stream = gevent.spawn(self._live)

    def on_stop(self):
        self.stream.kill(block=False)

    # --- checks ---------------------------------------------------------------------------

    def _leak(self, text: str, where: str) -> str | None:
        for subdomain, marker in self.foreign:
            if marker in text:
                seen["leaks"].append({"agency": self.agency["subdomain"], "where": where,
                                      "other": subdomain, "marker": marker})
                return f"{subdomain}'s {marker!r} in the answer"
        return None

    def _get(self, path: str, name: str, expect: str = "", flash: str = ""):
        headers = dict(self.headers, Cookie=f"{self.headers['Cookie']}; {flash}") if flash \
            else self.headers
        with self.client.get(path, headers=headers, name=name, allow_redirects=False,
                             catch_response=True) as response:
            body = response.text or ""
            problem = (f"HTTP {response.status_code} " + (
                type(response.error).__name__ if response.status_code == 0
                else _heading(body)) if response.status_code != 200 else
                       self._leak(body, path) or
                       (f"{expect!r} missing" if expect and expect not in body else None))
            if problem:
                response.failure(problem)
                seen["failures"].append({"at": time.time(), "path": path, "why": problem})
                return None
            return body

    def _post(self, path: str, name: str, data: dict):
        headers = dict(self.headers, **{"X-CSRFToken": CSRF, "Referer":
                                        f"http://{self.host_header}{path}"})
        with self.client.post(path, data=data, headers=headers, name=name,
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            # The outcome is flashed in a cookie (Django's messages) for the next page.
            self.flash = next((cookie.split(";", 1)[0] for cookie in
                               (response.headers.get_all("Set-Cookie", []) if response.headers
                                else []) if cookie.startswith("messages=")), "")
            if response.status_code != 302:
                problem = f"HTTP {response.status_code} " + (
                    type(response.error).__name__ if response.status_code == 0
                    else _heading(response.text or ""))
                response.failure(problem)
                seen["failures"].append({"at": time.time(), "path": path, "why": problem})
                return None
            return location

    # --- the live stream ------------------------------------------------------------------

    def _live(self):
        """Hold /live/ open; on each event re-read the home page, as the page does."""
        url = f"http://127.0.0.1:{PORT}/live/"
        session, refresher = requests.Session(), requests.Session()
        first = True
        while True:
            if not first:
                seen["stream_reconnects"] += 1
                gevent.sleep(1)
            first = False
            try:
                with session.get(url, headers=self.headers, stream=True,
                                 timeout=(10, 60)) as response:
                    if response.status_code != 200:
                        seen["stream_errors"].append(f"HTTP {response.status_code}")
                        continue
                    seen["streams"] += 1
                    for line in response.iter_lines(decode_unicode=True):
                        if line and line.startswith("data:"):
                            seen["stream_events"] += 1
                            self._leak(line, "/live/")
                            self._refresh(refresher)
            except (requests.RequestException, OSError) as error:
                seen["stream_errors"].append(type(error).__name__)

    def _refresh(self, refresher: requests.Session) -> None:
        """Re-read the home page as the page's htmx does on an event: on a session of its own
        (the user's client belongs to the task greenlet), reported to Locust like the rest."""
        started = time.perf_counter()
        problem, length = None, 0
        try:
            response = refresher.get(f"http://127.0.0.1:{PORT}/", headers=self.headers,
                                     allow_redirects=False, timeout=60)
            length = len(response.content)
            problem = (f"HTTP {response.status_code}" if response.status_code != 200
                       else self._leak(response.text, "/ (live refresh)"))
        except requests.RequestException as error:
            problem = type(error).__name__
        if problem:
            seen["failures"].append({"at": time.time(), "path": "/", "why": problem})
        self.environment.events.request.fire(
            request_type="GET", name="/ (live refresh)", response_time=(
                time.perf_counter() - started) * 1000, response_length=length, response=None,
            context={}, exception=RuntimeError(problem) if problem else None)

    # --- the work ---------------------------------------------------------------------------

    @task(3)
    def home(self):
        self._get("/", "/", expect=self.agency["name_ko"])

    @task(3)
    def queue_page(self):
        body = self._get("/approvals/", "/approvals/", expect=self.agency["name_ko"])
        if body is not None:
            found = [int(pk) for pk in DOCUMENT_LINK.findall(body)]
            self.queue = list(dict.fromkeys(found + self.queue))

    @task(2)
    def document(self):
        if self.queue:
            pk = self.queue[0]
            self._get(f"/approvals/{pk}/", "/approvals/<pk>/", expect=self.agency["name_ko"])

    @task(2)
    def approve(self):
        if not self.queue:
            return
        pk = self.queue.pop(0)
        location = self._post(f"/approvals/{pk}/act/", "/approvals/<pk>/act/",
                              {"decision": "approve", "opinion": "확인했습니다."})
        if location is None:
            return
        # The outcome is flashed on the document's page the redirect leads to.
        body = self._get(location, "/approvals/<pk>/ (after act)", flash=self.flash)
        if body is not None and DONE in body:
            seen["approvals"].append({"agency": self.agency["schema"], "document": pk,
                                      "person": self.account["person"]})

    @task(1)
    def draft(self):
        if self._get("/approvals/new/", "/approvals/new/") is None:
            return
        title = f"부하 시험 기안 {self.account['person']}-{time.time_ns()}"
        location = self._post("/approvals/new/", "/approvals/new/ (submit)", {
            "title": title, "document_type": "general", "disclosure": "public",
            "body": "<p>부하 시험 중 올린 문서입니다.</p>",
            "approver": str(self.account["colleague"])})
        match = re.search(r"/approvals/(\d+)/", location or "")
        if match:
            seen["drafts"].append({"agency": self.agency["schema"], "document":
                                   int(match.group(1)), "title": title})


@events.quitting.add_listener
def _write_results(environment, **_kwargs):
    with open(RESULTS, "w", encoding="utf-8") as out:
        json.dump(seen, out, ensure_ascii=False)
