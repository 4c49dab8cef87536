"""Text no database can store (lone UTF-16 surrogates, NUL) is a 422 for that field, never a 500.

JSON allows "\\ud800" on its own; Python decodes it to a lone surrogate, which has no UTF-8
encoding, so the database driver fails on it. The bodies below are written as raw JSON text so
the escape reaches the server exactly as an attacker would send it.
"""
import json
import shutil
import uuid

import pytest

from backend.audit.models import AuditEvent
from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db
from tests.test_sync import change, count

LONE = "\\ud800"  # as it appears in the JSON text


def raw_post(api, url, text):
    return api.client.post(url, data=text, content_type="application/json",
                           headers={"X-CSRFToken": api.csrf or "", **api.without_csrf()})


def with_lone_surrogate(body: dict, marker: str) -> str:
    """The JSON text of `body` with every `marker` string replaced by a lone surrogate escape."""
    return json.dumps(body).replace(marker, LONE)


def test_a_lone_surrogate_in_the_login_username_is_422_naming_the_field(app, device):
    api = device()
    api.refresh_csrf()
    response = raw_post(api, "/api/auth/login",
                        '{"username": "man' + LONE + 'ager", "password": "whatever-it-is"}')
    assert response.status_code == 422, response.data
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert list(error["fields"]) == ["username"]
    assert count(app, AuditEvent, action="login") == 0


def test_a_lone_surrogate_in_a_decision_is_422_and_changes_nothing(app, device):
    worker, manager = device("worker"), device("manager")
    item = change(status="submitted", answers={"case_reference": "CR-9", "concern_specific_child": True})
    assert worker.post("/api/sync", {"changes": [item]}).json["results"][0]["result"] == "applied"
    response = raw_post(manager, f"/api/concerns/{item['id']}/decision",
                        with_lone_surrogate({"decision": "Refer MARKER", "close": True}, "MARKER"))
    assert response.status_code == 422, response.data
    assert list(response.json["error"]["fields"]) == ["decision"]
    assert count(app, Concern, id=item["id"], status="submitted") == 1
    assert count(app, ConcernRevision, concern_id=item["id"]) == 1


@pytest.mark.parametrize("where, field", [
    ("notes", "notes"),
    ("answer", "answers.worker_assessment"),
    ("question key", "answers"),  # the key cannot be echoed back: the object holding it is named
])
def test_one_unstorable_change_in_a_batch_of_three_is_rejected_and_the_others_applied(
        app, device, where, field):
    worker = device("worker")
    good_before, bad, good_after = change(), change(), change()
    if where == "notes":
        bad["notes"] = "MARKER"
    elif where == "answer":
        bad["answers"]["worker_assessment"] = "seen MARKER"
    else:
        bad["answers"]["MARKER"] = "x"
    text = with_lone_surrogate({"changes": [good_before, bad, good_after]}, "MARKER")
    assert LONE in text
    response = raw_post(worker, "/api/sync", text)
    assert response.status_code == 200, response.data
    results = response.json["results"]
    assert [r["result"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["id"] == bad["id"] and results[1]["change_id"] == bad["change_id"]
    assert list(results[1]["errors"]) == [field]
    assert count(app, Concern) == 2
    assert count(app, Concern, id=bad["id"]) == 0
    assert count(app, ConcernRevision, change_id=bad["change_id"]) == 0


def test_a_change_whose_id_is_unstorable_is_rejected_without_echoing_it(app, device):
    worker = device("worker")
    bad = change()
    bad["id"] = "MARKER"
    response = raw_post(worker, "/api/sync", with_lone_surrogate({"changes": [bad, change()]}, "MARKER"))
    assert response.status_code == 200, response.data
    first, second = response.json["results"]
    assert first["result"] == "rejected" and first["id"] is None and list(first["errors"]) == ["id"]
    assert second["result"] == "applied"


def test_a_surrogate_pair_is_ordinary_text(app, device):
    # "\ud83d\ude00" is a valid pair (an emoji): only unpaired halves are refused.
    worker = device("worker")
    item = change()
    text = json.dumps({"changes": [dict(item, notes="PAIR")]}).replace("PAIR", "\\ud83d\\ude00")
    response = raw_post(worker, "/api/sync", text)
    assert response.json["results"][0]["result"] == "applied"
    assert worker.get(f"/api/concerns/{item['id']}").json["notes"] == "\U0001F600"


def test_unstorable_text_outside_the_batch_refuses_the_whole_sync(app, device):
    worker = device("worker")
    text = json.dumps({"changes": [change()], "MARKER": 1}).replace("MARKER", LONE)
    response = raw_post(worker, "/api/sync", text)
    assert response.status_code == 422
    assert count(app, Concern) == 0


def test_a_nul_in_a_batch_item_is_rejected_for_that_item_only(app, device):
    worker = device("worker")
    bad = change(notes="a\x00b")
    response = worker.post("/api/sync", {"changes": [bad, change()]})
    assert [r["result"] for r in response.json["results"]] == ["rejected", "applied"]
    assert "NUL" in response.json["results"][0]["errors"]["notes"][0]
    assert count(app, Concern, id=bad["id"]) == 0
    assert uuid.UUID(response.json["results"][1]["id"])


@pytest.mark.skipif(shutil.which("redis-server") is None,
                    reason="needs Debian's redis-server (make test installs it)")
def test_a_lone_surrogate_username_is_422_with_a_shared_limiter_store(migrated_template, tmp_path):
    # The login limit's key is read from the body before json_body sees it; a shared store
    # (several processes, RATELIMIT_STORAGE_URI=redis://…) cannot encode a lone surrogate.
    from backend import create_app
    from tests.conftest import _fresh_database, base_config
    from tests.process_support import RedisServer
    redis = RedisServer()
    try:
        app = create_app({**base_config(_fresh_database(migrated_template, tmp_path)),
                          "RATELIMIT_STORAGE_URI": redis.url})
        client = app.test_client()
        token = client.get("/api/auth/session").json["csrf_token"]
        response = client.post("/api/auth/login", content_type="application/json",
                               data='{"username": "man' + LONE + 'ager", "password": "whatever-it-is"}',
                               headers={"X-CSRFToken": token})
        assert response.status_code == 422, response.data
        assert list(response.json["error"]["fields"]) == ["username"]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        redis.stop()
