"""Serve the project through uvicorn (the production ASGI server) in a thread of the test
process, so tests reach the real stack, streams included, on the test database."""

import socket
import threading
import time
from contextlib import contextmanager


@contextmanager
def asgi_server(*, static: bool = False):
    """Yield the port of a running uvicorn; ``static`` also serves the static files."""
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    application = get_asgi_application()
    if static:
        application = ASGIStaticFilesHandler(application)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("uvicorn did not start")
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
