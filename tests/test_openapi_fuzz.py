"""A bounded schemathesis run over the OpenAPI document, signed in as each role and as nobody:
no 500s, no answer that breaks its documented schema, status codes or content type; and the
document tells the truth about what the server takes: data it forbids is refused
(negative_data_rejection), data it allows is not refused as invalid (positive_data_acceptance)."""
import collections
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               positive_data_acceptance,
                                               response_headers_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from backend.clock import utcnow
from backend.push import heartbeats, keys
from tests.conftest import SLUG, ApiClient
from tests.openapi_unstatable import UNSTATABLE

ROLES = ("worker", "manager", "admin", None)


def _refused_only_for_unstatable_rules(case, response) -> bool:
    """A 422 whose every field error is one of the rules UNSTATABLE lists for this operation."""
    rules = UNSTATABLE.get(case.operation.label)
    if response.status_code != 422 or not rules:
        return False
    try:
        errors = response.json()["error"].get("fields") or {}
    except ValueError:
        return False
    messages = [m for problems in errors.values() for m in problems]
    return bool(messages) and all(any(re.search(rule, m) for rule in rules) for m in messages)


def positive_data_acceptance_but_unstatable(ctx, response, case):
    """positive_data_acceptance (401, 403, 404, 409 and 429 are business answers, not a
    refusal of the data), except a 422 for a rule no static schema can state."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if not _refused_only_for_unstatable_rules(case, response):
            raise
        return None


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance, response_headers_conformance, negative_data_rejection,
          positive_data_acceptance_but_unstatable]


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


def _real_path_parameters(app, username) -> dict:
    """Ids that exist for this role, so the run also gets past "no such team/procedure" to the
    body's own rules (random ids mostly stop at 404)."""
    from backend.accounts.models import User
    from backend.extensions import db
    with app.app_context():
        user = db.session.query(User).filter_by(username=username or "manager").one()
        return {"slug": SLUG, "team_id": user.team_id}


def _negatable(operation, path_fixed: bool = False) -> bool:
    """Whether the document forbids anything a request could send: a body, a query, or an id in
    the path (integers have a range) unless the path is given. A plain string in the path can be
    anything, so an operation with only that has no negative case to make."""
    definition = operation.definition.raw
    parameters = definition.get("parameters", [])
    return ("requestBody" in definition or any(p["in"] == "query" for p in parameters)
            or (not path_fixed and any(p["in"] == "path" and p["schema"].get("type") == "integer"
                                       for p in parameters)))


# The suite's run is the same every time (derandomize): a red run means the code changed, not
# the dice, and it can be repeated to debug. SAFEVISIT_FUZZ=explore draws new examples, more of
# them, each run: for looking for what the fixed ones miss (README, "Tests").
EXPLORE = os.environ.get("SAFEVISIT_FUZZ") == "explore"


def _fuzz(strategy, credentials, label, failures):
    @settings(max_examples=100 if EXPLORE else 15, derandomize=not EXPLORE, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        response = case.call(**credentials)
        try:
            case.validate_response(response, checks=CHECKS, headers=credentials["headers"],
                                   transport_kwargs=credentials)
        except (FailureGroup, Failure) as exc:
            # Gathered, not raised: one run reports every operation and check that fails.
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                check = (type(failure).checks or (type(failure).__name__,))[0]
                failures.setdefault(f"{label} {check}", (
                    f"{failure.message}\n    sent query={case.query!r} body={case.body!r}"[:500]
                    + f"\n    got {response.status_code} {response.text[:400]}"))

    run()


@pytest.mark.parametrize("username", ROLES, ids=lambda u: u or "anonymous")
def test_fuzz_the_api_as_each_role(app, demo_users, tmp_path, username):
    """One role per test: each a fresh database, and each within the suite's time limit."""
    _ready(app, tmp_path)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: dict[str, str] = {}
    negative_runs = 0
    credentials = _credentials(app, username) if username else {"headers": {}}
    # The WSGI transport does not decode gzip as a real HTTP client would (the gzip
    # path has its own test in test_procedures_api.py).
    credentials["headers"]["Accept-Encoding"] = "identity"
    real = _real_path_parameters(app, username)
    for result in schema.get_all_operations():
        operation = result.ok()
        if username and operation.path == "/api/auth/logout":
            continue  # it would end the session the rest of the run needs
        label = f"{username or 'anonymous'} {operation.label}"
        _fuzz(operation.as_strategy(), credentials, label + " positive", failures)
        if _negatable(operation):
            negative_runs += 1
            _fuzz(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
                  credentials, label + " negative", failures)
        names = set(re.findall(r"{(\w+)}", operation.path))
        # Real ids only where a body has rules of its own to reach past the 404.
        if names and names <= set(real) and "requestBody" in operation.definition.raw:
            fixed = {name: real[name] for name in names}
            _fuzz(operation.as_strategy(path_parameters=fixed), credentials,
                  f"{label} {fixed} positive", failures)
            if _negatable(operation, path_fixed=True):
                _fuzz(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
                      credentials, f"{label} {fixed} negative", failures)
    assert negative_runs > 40  # most operations take something the document can forbid
    # Operations failing, per check (an operation counts once however many runs fail it).
    failing = {(" ".join(w.split(" ")[1:3]), w.rsplit(" ", 1)[1]) for w in failures}
    tally = collections.Counter(check for _, check in failing)
    assert not failures, f"{len(failures)} failures {dict(sorted(tally.items()))}:\n" + "\n".join(
        f"{where}: {what}" for where, what in sorted(failures.items()))


def test_every_api_route_declares_itself(app):
    """Adding an endpoint is one declaration in its view module; an undeclared route would be
    missing from the document and from the device-key check."""
    from backend.openapi import undeclared

    assert undeclared(app) == []
