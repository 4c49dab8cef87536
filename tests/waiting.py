"""Waiting on something to happen, as a deadline over short retried attempts.

A slow or loaded machine stretches every start-up and every delivery; a fixed sleep or a short
single timeout turns that into a red run. Every wait in the tests and benchmarks goes through
here: it keeps trying until a generous deadline, tolerating the errors a not-yet-ready peer gives.
"""
import os
import signal
import subprocess
import time

import requests

# Generous on purpose: a wait that succeeds returns as soon as it can, so only a real failure
# ever pays for the whole deadline. SAFEVISIT_TEST_DEADLINE stretches it on a very slow machine.
DEADLINE = float(os.environ.get("SAFEVISIT_TEST_DEADLINE", "60"))


class WaitTimeout(AssertionError):
    """The condition did not hold before the deadline (an assertion, so pytest reports it plainly)."""


def wait_until(check, *, timeout: float = DEADLINE, interval: float = 0.05, what: str = "the condition",
               transient: tuple[type[BaseException], ...] = ()):
    """Calls `check` until it returns something truthy, and returns that. Exceptions of the
    `transient` types count as "not yet"; anything else is a real failure and propagates."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = check()
            if result:
                return result
        except transient as error:
            last_error = error
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise WaitTimeout(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


def wait_for_http(url: str, *, process: subprocess.Popen | None = None, timeout: float = DEADLINE,
                  attempt: float = 5) -> None:
    """Until `url` answers 200. Every request error is transient (refused, reset, a read that
    outlasts its short attempt while a worker boots); a server process that has exited is not."""
    def answered():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering {url}")
        return requests.get(url, timeout=attempt).status_code == 200

    wait_until(answered, timeout=timeout, interval=0.1, what=url, transient=(requests.RequestException,))


def stop_process(process: subprocess.Popen, *, group: bool = False, grace: float = 30) -> None:
    """Terminate, wait up to `grace`, then kill; always reaps, so no process outlives its test.
    `group` signals the whole process group (gunicorn's master and its workers)."""
    if process.poll() is None:
        try:
            if group:
                os.killpg(process.pid, signal.SIGTERM)
            else:
                process.terminate()
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        except ProcessLookupError:
            pass
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream:
            stream.close()
