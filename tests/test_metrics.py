"""`GET /metrics`: behind its bearer token, Prometheus text that prometheus-client's own parser
reads, with the series an operations team alerts on, and no personal data in any label."""
import uuid

from prometheus_client.parser import text_string_to_metric_families

from backend.alerts.worker import Worker
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401 (fixtures)

TOKEN = "metrics-token-for-the-tests-0123456789"


def scrape(app) -> dict:
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}


def samples(families: dict, family: str, sample: str | None = None) -> dict:
    return {tuple(sorted(s.labels.items())): s.value for s in families[family].samples
            if sample is None or s.name == sample}


def test_metrics_are_off_without_a_token_and_refused_without_the_right_one(push_app):
    client = push_app.test_client()
    assert client.get("/metrics").status_code == 404  # SAFEVISIT_METRICS_TOKEN unset: off
    push_app.config["METRICS_TOKEN"] = TOKEN
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"Basic {TOKEN}"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_one_urgent_concern_is_one_alert_delivery_and_every_series_is_there(push_app, receiver, signed_in):
    push_app.config["METRICS_TOKEN"] = TOKEN
    manager, worker_device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("duty")).status_code == 200
    before = scrape(push_app)
    assert samples(before, "safevisit_alert_delivery_seconds", "safevisit_alert_delivery_seconds_count") == {(): 0.0}

    concern_id = str(uuid.uuid4())
    answer = worker_device.post("/api/sync", {"changes": [urgent_change(concern_id, "CR-METRICS-77")]})
    assert answer.json["results"][0]["result"] == "applied"
    # The same concern sent as new again (a fresh change id, base version 0): rejected.
    again = worker_device.post("/api/sync", {"changes": [urgent_change(concern_id)]})
    assert again.json["results"][0]["result"] == "rejected"
    assert worker_device.client.post("/api/auth/login", json={"username": "worker", "password": "wrong"},
                                     headers={"X-CSRFToken": worker_device.csrf}).status_code == 401
    worker = Worker(push_app, threads=1)
    try:
        assert worker.drain()["sent"] == 1
    finally:
        worker.close()
    assert len(receiver.received) == 1

    families = scrape(push_app)
    assert samples(families, "safevisit_alert_delivery_seconds", "safevisit_alert_delivery_seconds_count") == {(): 1.0}
    assert samples(families, "safevisit_alert_jobs") == {(("state", "sent"),): 1.0}
    assert samples(families, "safevisit_sms_jobs") == {}
    [(labels, age)] = samples(families, "safevisit_alert_worker_last_seen_seconds").items()
    assert 0 <= age < 60 and labels[0][0] == "worker"
    assert samples(families, "safevisit_alert_workers_seen") == {(): 1.0}
    assert samples(families, "safevisit_sync_changes", "safevisit_sync_changes_total") == {
        (("result", "applied"),): 1.0, (("result", "rejected"),): 1.0}
    assert samples(families, "safevisit_login_failures", "safevisit_login_failures_total") == {
        (("step", "auth.login"),): 1.0}
    requests = samples(families, "safevisit_http_requests", "safevisit_http_requests_total")
    assert requests[(("endpoint", "/api/sync"), ("method", "POST"), ("status", "200"))] == 2.0
    latency = samples(families, "safevisit_http_request_seconds", "safevisit_http_request_seconds_count")
    assert latency[(("endpoint", "/api/sync"), ("method", "POST"))] == 2.0

    # No personal data in any label: no usernames, case references, concern or user ids.
    text = push_app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    for family in families.values():
        for sample in family.samples:
            for value in sample.labels.values():
                for personal in ("worker", "manager", "CR-METRICS-77", concern_id):
                    assert personal not in value or value.startswith(("auth.", "sign_in."))
    assert "CR-METRICS-77" not in text and concern_id not in text


def test_limits_hit_are_counted_by_route(push_app, signed_in):
    push_app.config["METRICS_TOKEN"] = TOKEN
    push_app.config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per minute"
    client = push_app.test_client()
    csrf = client.get("/api/auth/session").json["csrf_token"]
    statuses = [client.post("/api/auth/login", json={"username": "nobody", "password": "x"},
                            headers={"X-CSRFToken": csrf}).status_code for _ in range(4)]
    assert 429 in statuses
    families = scrape(push_app)
    assert samples(families, "safevisit_limits_hit", "safevisit_limits_hit_total")[
        (("endpoint", "/api/auth/login"),)] == statuses.count(429)

