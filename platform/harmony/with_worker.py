"""Run a command (the web server) beside the background job worker; stop both together.

    python platform/harmony/with_worker.py harmony runserver 127.0.0.1:8000

Ctrl-C reaches both (they share the terminal's process group); when either one ends, the
other is stopped too, so `make run` never leaves a worker behind."""

import signal
import subprocess
import sys
import time
from pathlib import Path

HARMONY = str(Path(sys.executable).with_name("harmony"))


def main(command: list[str]) -> int:
    children = [subprocess.Popen([HARMONY, "jobs-worker"]), subprocess.Popen(command)]
    signal.signal(signal.SIGTERM, lambda *_: _stop(children))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    _stop(children)
    return children[1].returncode or 0


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
