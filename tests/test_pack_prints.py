"""Recording prints of the meeting pack (POST /api/concerns/<id>/pack-prints): the pack's own
Print button records before the dialog opens (`via: button`), and a print the browser starts
by itself is recorded as it starts (`via: browser`). Each is an audit event naming who, how and
the case; a bad request, a missing CSRF token or a concern the reader may not see records
nothing and says why in the one error envelope."""
import json

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.test_sync import change, sync

URGENT = {"case_reference": "CR-PRINT-1", "concern_specific_child": True}


@pytest.fixture
def concern(device):
    result, = sync(device("worker"), change(status="submitted", answers=URGENT))
    return result["id"]


def prints(app, concern):
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_id == concern, AuditEvent.action == "print_pack").order_by(AuditEvent.id)).all()
        return [(r.user_id, json.loads(r.detail)) for r in rows]


def url(concern):
    return f"/api/concerns/{concern}/pack-prints"


def test_a_print_from_the_button_and_one_from_the_browser_are_each_recorded_with_how(app, device, concern):
    manager = device("manager")
    button = manager.post(url(concern), {})
    assert button.status_code == 200
    assert button.json["via"] == "button" and button.json["printed_by"]["username"] == "manager"
    browser = manager.post(url(concern), {"via": "browser"})
    assert browser.status_code == 200 and browser.json["via"] == "browser"
    recorded = prints(app, concern)
    assert [detail for _, detail in recorded] == [
        {"case_reference": "CR-PRINT-1", "via": "button"}, {"case_reference": "CR-PRINT-1", "via": "browser"}]


@pytest.mark.parametrize("body,field", [
    ({"via": "fax"}, "via"),
    ({"via": 3}, "via"),
    ({"via": "browser", "copies": 2}, "copies"),
])
def test_a_bad_print_request_is_422_with_the_field_and_records_nothing(app, device, concern, body, field):
    response = device("manager").post(url(concern), body)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]
    assert prints(app, concern) == []


def test_a_print_record_needs_the_csrf_token_and_the_device_key(app, device, concern):
    manager = device("manager")
    no_csrf = manager.client.post(url(concern), json={"via": "browser"}, headers=manager.without_csrf())
    assert no_csrf.status_code == 403 and no_csrf.json["error"]["code"] == "csrf_failed"
    no_key = manager.client.post(url(concern), json={"via": "browser"}, headers={"X-CSRFToken": manager.csrf})
    assert no_key.status_code == 401 and no_key.json["error"]["code"] == "device_locked"
    assert prints(app, concern) == []


def test_only_those_who_may_read_the_pack_can_record_a_print_of_it(app, device, concern):
    south = device("manager2").post(url(concern), {"via": "browser"})
    assert south.status_code == 404 and south.json["error"]["code"] == "not_found"  # another team's
    for username in ("worker", "carer"):
        refused = device(username).post(url(concern), {"via": "browser"})
        assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert device("manager").post("/api/concerns/00000000-0000-4000-8000-000000000000/pack-prints",
                                  {}).status_code == 404
    assert prints(app, concern) == []
    assert device("admin").post(url(concern), {"via": "browser"}).status_code == 200  # admins read packs
    assert len(prints(app, concern)) == 1
