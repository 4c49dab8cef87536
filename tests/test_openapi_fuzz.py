"""A bounded schemathesis run over the OpenAPI document, signed in as each role: no 500s, no
response that breaks its documented schema or status codes."""
import re

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from backend.clock import utcnow
from backend.push import heartbeats, keys
from tests.conftest import ApiClient

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]


def test_openapi_document_lists_every_api_route(app):
    documented = set(app.test_client().get("/api/openapi.json").json["paths"])
    # <path:case_reference> is documented as {case_reference}.
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert routes - {"/api/openapi.json"} == documented


def _credentials(app, username):
    api = ApiClient(app.test_client())
    assert api.login(username).status_code == 200
    cookie = api.client.get_cookie("safevisit_session")
    return {"cookies": {"safevisit_session": cookie.value},
            "headers": {"X-CSRFToken": api.csrf, "X-SafeVisit-Device": api.device_key}}


def _ready(app, tmp_path):
    """/api/ready answers 503 by design while the app is not ready (tests/test_readiness.py):
    here it has a VAPID key and a live alert worker, so a 5xx from it would be a fault."""
    app.config.update(VAPID_PRIVATE_KEY_FILE=str(tmp_path / "vapid.pem"), WORKER_STALE_SECONDS=24 * 3600)
    keys.create(app.config["VAPID_PRIVATE_KEY_FILE"])
    with app.app_context():
        heartbeats.record("fuzz-worker", utcnow())


def test_fuzz_the_api_as_each_role(app, demo_users, tmp_path):
    _ready(app, tmp_path)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    for username in ("worker", "manager", "admin", None):
        credentials = _credentials(app, username) if username else {"headers": {}}
        # The WSGI transport does not decode gzip as a real HTTP client would (the gzip
        # path has its own test in test_procedures_api.py).
        credentials["headers"]["Accept-Encoding"] = "identity"
        for result in schema.get_all_operations():
            operation = result.ok()
            if username and operation.path == "/api/auth/logout":
                continue  # it would end the session the rest of the run needs

            @settings(max_examples=15, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def run(case):
                case.call_and_validate(checks=CHECKS, **credentials)

            run()


def test_every_api_route_declares_itself(app):
    """Adding an endpoint is one declaration in its view module; an undeclared route would be
    missing from the document and from the device-key check."""
    from backend.openapi import undeclared

    assert undeclared(app) == []
