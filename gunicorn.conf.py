"""Gunicorn reads this file from the directory it starts in (`gunicorn wsgi:app`).

Metrics (backend/operations/metrics.py): with PROMETHEUS_MULTIPROC_DIR set, each process writes
its samples to files there and `/metrics` adds them up. A worker that exits leaves its counters
(they are totals) and is marked dead so that nothing it held as "live" is counted on. Give the
directory to gunicorn and the alert workers of one host, empty at boot (a tmpfs such as
systemd's RuntimeDirectory=), and never empty it while they run.
"""
import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
