"""Subject access exports: a person's data, a case's record with its third-party fields;
admins only, audited, and a restricted concern needs the recorded reason first."""
import json

from sqlalchemy import select

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.test_restricted import ALLEGATION, submit
from tests.test_sync import change, sync


def person_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username=username))


def audited(app, action):
    with app.app_context():
        return [(e.object_id, json.loads(e.detail)) for e in db.session.scalars(
            select(AuditEvent).filter_by(action=action))]


def worked_case(device, reference="CR-SAR1"):
    worker = device("worker")
    cid = sync(worker, change(status="submitted", notes="Mum's partner Dave was there",
                              answers={"case_reference": reference, "concern_specific_child": True}))[0]["id"]
    manager = device("manager")
    manager.post(f"/api/concerns/{cid}/acknowledge", {"note": "Rang the school"})
    first = manager.get(f"/api/concerns/{cid}").json["tracked_actions"][0]
    manager.patch(f"/api/concerns/{cid}/actions/{first['action']}",
                  {"state": "done", "note": "Police told", "reference": "POL-77"})
    manager.post(f"/api/concerns/{cid}/decision", {"decision": "Strategy meeting"})
    return cid


def test_the_person_export_gives_what_is_held_about_them(app, device):
    cid = worked_case(device)
    worker_id = person_id(app, "worker")
    admin = device("admin")
    response = admin.get(f"/api/admin/people/{worker_id}/export")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["person"]["username"] == "worker" and body["person"]["team"]["name"] == "North"
    assert "password_hash" not in json.dumps(body)
    assert body["sessions"], "their sign-ins"
    assert any(e["action"] == "sync_applied" for e in body["audit"])
    [written] = body["concerns_written"]
    assert written["id"] == cid and written["notes"] == "Mum's partner Dave was there"
    # What they sent, not the manager's work.
    assert "Strategy meeting" not in json.dumps(body) and "POL-77" not in json.dumps(body)
    assert audited(app, "export_person") == [(str(worker_id), {"concerns": [cid]})]


def test_exports_are_for_admins_only(app, device):
    worked_case(device)
    manager = device("manager")
    assert manager.get(f"/api/admin/people/{person_id(app, 'worker')}/export").status_code == 403
    assert manager.get("/api/admin/cases/CR-SAR1/export").status_code == 403
    assert device("admin").get("/api/admin/people/999999/export").status_code == 404
    assert device("admin").get("/api/admin/cases/CR-NONE/export").status_code == 404


def test_the_case_export_lists_its_third_party_fields(app, device):
    cid = worked_case(device)
    response = device("admin").get("/api/admin/cases/CR-SAR1/export")
    assert response.status_code == 200, response.json
    body = response.json
    [concern] = body["concerns"]
    assert concern["decision"] == "Strategy meeting"
    assert {e["kind"] for e in body["chronology"]} >= {"submitted", "acknowledged", "action", "decision"}
    paths = {f["path"]: f["why"] for f in body["third_party_fields"]}
    assert paths["concerns[0].author"] == "names a member of staff"
    assert paths["concerns[0].notes"].startswith("free text")
    assert "concerns[0].decision" in paths and "concerns[0].tracked_actions[0].note" in paths
    assert "concerns[0].tracked_actions[0].reference" in paths
    assert any(p.startswith("chronology[") and p.endswith(".who") for p in paths)
    assert any(p.endswith("detail.note") for p in paths)
    # Every listed path really names something in the export.
    for path in paths:
        assert _at(body, path), path
    assert audited(app, "export_case") == [("CR-SAR1", {"concerns": [cid]})]


def _at(body, path):
    value = body
    for part in path.replace("]", "").replace("[", ".").split("."):
        value = value[int(part)] if part.isdigit() else value[part]
    return value


def test_both_exports_respect_restriction(app, device):
    cid = submit(device("worker"), ALLEGATION)
    admin = device("admin")
    for url in ("/api/admin/cases/CR-RX1/export", f"/api/admin/people/{person_id(app, 'worker')}/export"):
        refused = admin.get(url)
        assert refused.status_code == 403 and refused.json["error"]["code"] == "restricted"
        assert "CR-RX1" not in json.dumps(refused.json)
    assert audited(app, "export_case") == []
    admin.post(f"/api/concerns/{cid}/access", {"reason": "Subject access request SAR-12 from the DPO"})
    assert admin.get("/api/admin/cases/CR-RX1/export").status_code == 200
    assert admin.get(f"/api/admin/people/{person_id(app, 'worker')}/export").status_code == 200
