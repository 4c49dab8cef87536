"""The alert worker as a process of its own, as `flask push worker` runs it, in the test
configuration (the loopback push receiver needs TESTING, which no environment variable sets):
`python -m tests.worker_process` with the app's settings as JSON in SAFEVISIT_TEST_WORKER_CONFIG.
`WorkerProcess` starts it, and kills it (SIGKILL: no goodbye, as in a crash or a lost host)."""
import json
import os
import signal
import subprocess
import sys

from tests.process_support import ROOT
from tests.waiting import stop_process


class WorkerProcess:
    def __init__(self, config: dict, threads: int = 1, poll: float = 0.1):
        self.config, self.threads, self.poll = config, threads, poll
        self.process = None

    def start(self):
        env = {**os.environ, "SAFEVISIT_TEST_WORKER_CONFIG": json.dumps(self.config),
               "SAFEVISIT_TEST_WORKER_OPTIONS": json.dumps({"threads": self.threads, "poll": self.poll})}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.worker_process"], cwd=ROOT, env=env)
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process:
            stop_process(self.process)


def main():
    from backend import create_app
    from backend.alerts.worker import Worker

    options = json.loads(os.environ["SAFEVISIT_TEST_WORKER_OPTIONS"])
    app = create_app(json.loads(os.environ["SAFEVISIT_TEST_WORKER_CONFIG"]))
    worker = Worker(app, threads=options["threads"])
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        worker.run(poll=options["poll"])
    finally:
        worker.close()


if __name__ == "__main__":
    main()
