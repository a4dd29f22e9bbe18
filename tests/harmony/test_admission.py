"""Admission control: a process lets in only as many requests as its pool has connections;
the rest wait in the event loop (holding nothing) instead of failing after the pool timeout."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from harmony.admission import AdmissionLimit, request_limit


class Recorder:
    """An ASGI app that notes how many requests are inside it at once."""

    def __init__(self, stream_forever_path: str = ""):
        self.inside = 0
        self.most = 0
        self.stream_forever_path = stream_forever_path

    async def __call__(self, scope, receive, send):
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            if scope["path"] == self.stream_forever_path:
                await send({"type": "http.response.body", "body": b"retry: 3000\n\n",
                            "more_body": True})
                await asyncio.Event().wait()  # an event stream that stays open
            await asyncio.sleep(0.01)  # the view's work
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            self.inside -= 1


async def _request(app, path: str = "/") -> list[dict]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "path": path}, receive, send)
    return sent


def test_no_more_requests_are_inside_than_the_limit_and_all_are_served():
    recorder = Recorder()
    app = AdmissionLimit(recorder, limit=3)

    async def burst():
        return await asyncio.gather(*[_request(app) for _ in range(20)])

    answers = asyncio.run(burst())
    assert recorder.most == 3
    assert all(sent[-1] == {"type": "http.response.body", "body": b"ok"} for sent in answers)


def test_open_event_streams_do_not_keep_other_requests_out():
    recorder = Recorder(stream_forever_path="/live/")
    app = AdmissionLimit(recorder, limit=2)

    async def streams_then_a_page():
        streams = [asyncio.create_task(_request(app, "/live/")) for _ in range(5)]
        try:
            return await asyncio.wait_for(_request(app, "/"), timeout=2)
        finally:
            for stream in streams:
                stream.cancel()
            await asyncio.gather(*streams, return_exceptions=True)

    page = asyncio.run(streams_then_a_page())
    assert page[-1]["body"] == b"ok"


def test_a_failing_request_gives_its_place_back():
    async def broken(scope, receive, send):
        raise RuntimeError("the view failed")

    app = AdmissionLimit(broken, limit=1)

    async def twice():
        for _ in range(2):
            try:
                await asyncio.wait_for(_request(app), timeout=1)
            except RuntimeError:
                pass

    asyncio.run(twice())


def test_the_limit_is_the_pool_size():
    assert request_limit() == settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]


def test_the_served_application_is_admission_controlled():
    from harmony.asgi import application

    assert isinstance(application, AdmissionLimit)


def test_a_server_process_loads_the_views_before_its_first_request():
    """A worker uvicorn starts again after a crash must not make its first requests wait
    seconds for the URLconfs' imports."""
    repo = Path(__file__).resolve().parents[2]
    probe = ("import sys, harmony.asgi; "
             "print('core.approvals.views' in sys.modules, 'tenants.views' in sys.modules)")
    environment = {**os.environ, "PYTHONPATH": f"{repo / 'platform'}:{repo}"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                          text=True, timeout=120, env=environment)
    assert done.stdout.strip().splitlines()[-1] == "True True", done.stderr[-2000:]
