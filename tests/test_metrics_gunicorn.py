"""`/metrics` under gunicorn with several worker processes (prometheus-client's multiprocess
mode): whichever process answers the scrape, it counts the requests every process served."""
from concurrent.futures import ThreadPoolExecutor

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.process_support import Gunicorn

TOKEN = "metrics-token-for-the-gunicorn-test-0123"


def health_requests(url: str) -> float:
    response = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        if family.name == "safevisit_http_requests":
            return sum(s.value for s in family.samples if s.name == "safevisit_http_requests_total"
                       and s.labels["endpoint"] == "/api/health")
    return 0.0


def test_every_process_counts_into_one_scrape(app, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    server = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=3,
                      env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "SAFEVISIT_METRICS_TOKEN": TOKEN})
    server.start()
    try:
        before = health_requests(server.url)

        def one(_):
            # A connection of its own each time: the requests spread over the processes.
            return requests.get(server.url + "/api/health", headers={"Connection": "close"}, timeout=30).status_code

        def writers() -> int:
            # Each process that counted a request wrote its own file (one per kind of metric).
            return len({path.name.rsplit("_", 1)[1] for path in metrics_dir.glob("counter_*.db")})

        # Which process accepts a connection is the kernel's choice: on a loaded machine one
        # process can take a whole burst. Send bursts until at least two have served some.
        sent = 0
        with ThreadPoolExecutor(max_workers=6) as pool:
            while sent < 600 and (sent == 0 or writers() < 2):
                assert set(pool.map(one, range(60))) == {200}
                sent += 60
        assert writers() >= 2
        assert health_requests(server.url) - before == sent
    finally:
        server.stop()
