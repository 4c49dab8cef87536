"""The suite's own waiting: a slow start is waited for, a dead server is reported at once, and
nothing a test starts outlives it (a new, slower machine failed on exactly these)."""
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.waiting import WaitTimeout, stop_process, wait_for_http, wait_until


class SlowToBoot(BaseHTTPRequestHandler):
    """Accepts connections at once but answers the first requests late, like a worker booting."""
    slow_answers = 3

    def do_GET(self):
        server = self.server
        with server.lock:
            server.seen += 1
            slow = server.seen <= self.slow_answers
        if slow:
            time.sleep(0.6)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowToBoot)
    server.lock, server.seen = threading.Lock(), 0
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_read_that_outlasts_its_attempt_is_retried_until_the_server_answers(slow_server):
    url = f"http://127.0.0.1:{slow_server.server_port}/api/health"
    wait_for_http(url, attempt=0.2, timeout=30)  # the first attempts time out reading: not fatal
    assert slow_server.seen > SlowToBoot.slow_answers


def test_a_server_that_exits_is_reported_at_once_not_after_the_deadline():
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    started = time.monotonic()
    try:
        with pytest.raises(RuntimeError, match="exited with 3"):
            wait_for_http("http://127.0.0.1:9/never", process=process, timeout=600)
    finally:
        stop_process(process)
    assert time.monotonic() - started < 60


def test_a_condition_that_never_holds_fails_with_what_was_awaited():
    with pytest.raises(WaitTimeout, match="the impossible.*last error: ValueError"):
        wait_until(lambda: int("x"), timeout=0.3, what="the impossible", transient=(ValueError,))


def test_an_error_that_is_not_transient_fails_at_once():
    with pytest.raises(KeyError):
        wait_until(lambda: {}["missing"], timeout=600, transient=(ValueError,))


def test_a_process_that_ignores_terminate_is_killed_and_reaped():
    stubborn = subprocess.Popen([sys.executable, "-c",
                                 "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                                 "print('ready', flush=True); time.sleep(600)"],
                                stdout=subprocess.PIPE, start_new_session=True)
    assert stubborn.stdout.readline() == b"ready\n"  # SIGTERM is ignored from here on
    stop_process(stubborn, group=True, grace=0.5)
    assert stubborn.returncode == -signal.SIGKILL
