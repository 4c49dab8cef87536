"""`GET /metrics`: Prometheus text, for an operations team to watch and alert on.

Behind SAFEVISIT_METRICS_TOKEN (a bearer token; 401 without it, 404 when it is not set).
No label carries personal data: endpoints are route templates (`/api/concerns/<concern_id>`),
never paths; results and states are fixed words; workers are named by host and process.

Counters and histograms live in each process. Under gunicorn set PROMETHEUS_MULTIPROC_DIR (the
same directory for gunicorn and the alert workers on that host; gunicorn.conf.py empties it at
start and marks dead workers): every process writes its samples there and `/metrics` adds them
up. Job counts and worker heartbeats are read from the database at each scrape, so they are
whole whichever process answers.
"""
import hmac
import os
import time

from flask import Blueprint, Flask, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from ..errors import ApiError
from ..extensions import db
from ..alerts.models import AlertJob, SmsJob
from ..clock import utcnow
from ..concerns import events
from ..push import heartbeats
from ..push.signals import alerts_accepted

bp = Blueprint("metrics", __name__)

# A failed step of signing in answers 401 from one of these.
SIGN_IN_STEPS = frozenset({"auth.login", "sign_in.verify_second_factor", "sign_in.redeem_setup_code",
                           "sign_in.confirm_enrolment"})
DELIVERY_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, float("inf"))


class Metrics:
    """The app's own instruments, in a registry of its own (several apps in one test process
    must not count into each other)."""

    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("safevisit_http_requests", "Requests answered, by route template and status",
                                ["endpoint", "method", "status"], registry=r)
        self.latency = Histogram("safevisit_http_request_seconds", "Time to answer, by route template",
                                 ["endpoint", "method"], registry=r)
        self.delivery = Histogram("safevisit_alert_delivery_seconds",
                                  "From an urgent concern's submission to the push service accepting its alert",
                                  buckets=DELIVERY_BUCKETS, registry=r)
        self.sync_changes = Counter("safevisit_sync_changes", "Changes in sync batches, by result",
                                    ["result"], registry=r)
        self.login_failures = Counter("safevisit_login_failures", "Sign-in steps refused (401), by step",
                                      ["step"], registry=r)
        self.limits_hit = Counter("safevisit_limits_hit", "Requests refused by a rate limit (429), by route",
                                  ["endpoint"], registry=r)


def of(app: Flask) -> Metrics:
    return app.extensions["safevisit_metrics"]


def _endpoint() -> str:
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def observe_deliveries(app: Flask, job_ids: list[int], **_) -> None:
    """Each alert the push service accepted: seconds since its concern was submitted."""
    if not job_ids:
        return
    rows = db.session.execute(select(AlertJob.sent_at, _submitted_at()).where(
        AlertJob.id.in_(job_ids), AlertJob.kind == "alert", AlertJob.sent_at.is_not(None)))
    histogram = of(app).delivery
    for sent_at, submitted_at in rows:
        if submitted_at is not None:
            histogram.observe(max((sent_at - submitted_at).total_seconds(), 0.0))


def _submitted_at():
    from ..concerns.models import Concern
    return (select(Concern.submitted_at).where(Concern.id == AlertJob.concern_id)
            .scalar_subquery())


def _note_sync(_user, answer: dict, **_) -> None:
    # Counted once the answer has gone out whole (after the commit), in count() below.
    g.sync_results = [result.get("result") or "unknown" for result in answer["results"]]


class DatabaseCollector:
    """Read at each scrape: jobs by state, and how long ago each alert worker was seen."""

    def collect(self):
        now = utcnow()
        alert_jobs = GaugeMetricFamily("safevisit_alert_jobs", "Push alert jobs by state", labels=["state"])
        for status, count in db.session.execute(select(AlertJob.status, func.count()).group_by(AlertJob.status)):
            alert_jobs.add_metric([status], count)
        yield alert_jobs
        sms_jobs = GaugeMetricFamily("safevisit_sms_jobs", "SMS alert jobs by state", labels=["state"])
        for status, count in db.session.execute(select(SmsJob.status, func.count()).group_by(SmsJob.status)):
            sms_jobs.add_metric([status], count)
        yield sms_jobs
        seen = GaugeMetricFamily("safevisit_alert_worker_last_seen_seconds",
                                 "Seconds since each alert worker was last seen", labels=["worker"])
        limit = heartbeats.stale_limit()
        fresh = 0
        for worker_id, seen_at in heartbeats.workers():
            age = max((now - seen_at).total_seconds(), 0.0)
            seen.add_metric([worker_id.rsplit(":", 1)[0]], age)
            fresh += age <= limit.total_seconds()
        yield seen
        yield GaugeMetricFamily("safevisit_alert_workers_seen",
                                "Alert workers seen within SAFEVISIT_WORKER_STALE_SECONDS", value=fresh)
        db.session.rollback()


def _authorised() -> None:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), token.encode()):
        raise ApiError(401, "Send the metrics token as Authorization: Bearer <token>.",
                       headers={"WWW-Authenticate": 'Bearer realm="metrics"'})


@bp.get("/metrics")
def metrics():
    _authorised()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = of(current_app).registry
    registry_db = CollectorRegistry()
    registry_db.register(DatabaseCollector())
    body = generate_latest(registry) + generate_latest(registry_db)
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    app.extensions["safevisit_metrics"] = Metrics()
    app.register_blueprint(bp)
    # Module-level receivers held strongly; connecting again (a second app) is a no-op.
    alerts_accepted.connect(observe_deliveries, weak=False)
    events.sync_answering.connect(_note_sync, weak=False)

    def start_clock():
        g.metrics_started = time.perf_counter()

    # First of all the hooks: one that refuses the request (the device lock, CSRF) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_clock)

    @app.after_request
    def count(response):
        started = g.pop("metrics_started", None)
        instruments = of(current_app)
        endpoint, method = _endpoint(), request.method
        instruments.requests.labels(endpoint, method, str(response.status_code)).inc()
        if started is not None:
            instruments.latency.labels(endpoint, method).observe(time.perf_counter() - started)
        if response.status_code == 200:
            for result in g.pop("sync_results", ()):
                instruments.sync_changes.labels(result).inc()
        if response.status_code == 401 and request.endpoint in SIGN_IN_STEPS:
            instruments.login_failures.labels(request.endpoint).inc()
        elif response.status_code == 429:
            instruments.limits_hit.labels(endpoint).inc()
        return response
