"""Real server processes for the fault tests: gunicorn serving the app, a PostgreSQL cluster."""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.waiting import stop_process, wait_for_http, wait_until

ROOT = Path(__file__).resolve().parent.parent
SECRET = "fault-test-secret-key-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn wsgi:app` as production runs it, on a fixed loopback port so it can be restarted."""

    def __init__(self, database_url: str, workers: int = 2, env: dict | None = None):
        self.database_url, self.workers, self.extra_env = database_url, workers, env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": SECRET,
               "SAFEVISIT_ENV": "production", "SAFEVISIT_SECURE_COOKIES": "0",
               "SAFEVISIT_LOGIN_LIMIT_ADDRESS": "1000 per minute", **self.extra_env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning",
             # Gunicorn 27 opens a control socket at one shared path in $HOME: servers started
             # side by side (tests, benchmarks, another checkout) would fight over it.
             "--no-control-socket", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_for_http(self.url + "/api/health", process=self.process)
        except BaseException:
            self.stop()  # a server that never answered is still a process to clean up
            raise

    def kill(self):
        """SIGKILL the master and every worker at once: no graceful shutdown, as in a crash."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """Safe to call at any point, twice included; the master and its workers are gone after."""
        if self.process:
            stop_process(self.process, group=True)


def postgres_bindir() -> str | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    return str(candidates[-1]) if candidates else None


class PostgresCluster:
    """A throwaway PostgreSQL server the test can stop and start (Debian's postgresql package)."""

    def __init__(self):
        self.bindir = postgres_bindir()
        self.dir = tempfile.mkdtemp(prefix="safevisit-fault-pg-")
        self.port = free_port()
        self.as_owner = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgresql+psycopg://safevisit@127.0.0.1:{self.port}/faults"

    def _run(self, *args):
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True)

    def init(self):
        self._run(f"{self.bindir}/initdb", "-D", f"{self.dir}/data", "-U", "safevisit", "--auth=trust")
        self.start()
        self._run(f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "safevisit", "faults")

    def start(self):
        self._run(f"{self.bindir}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off", "start")

    def stop(self):
        self._run(f"{self.bindir}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    """A private redis-server on a loopback port, nothing persisted (Debian's redis-server)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        def accepting():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True

        try:
            wait_until(accepting, what="redis-server", transient=(OSError,))
        except BaseException:
            self.stop()
            raise

    def stop(self):
        stop_process(self.process)
