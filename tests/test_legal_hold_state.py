"""A concern's legal hold as the admin console shows it: whether it is held, since when, why
and by whom (GET), for admins only; the refusals the screen turns into words."""
from backend.records.models import LegalHold
from tests.test_retention import count, hold
from tests.test_sync import change, sync


def submitted(device, reference="CR-HOLD1") -> str:
    return sync(device("worker"), change(status="submitted", answers={
        "case_reference": reference, "concern_specific_child": True}))[0]["id"]


def test_an_admin_reads_whether_a_concern_is_held_since_when_why_and_by_whom(app, device):
    cid = submitted(device)
    admin = device("admin")
    state = admin.get(f"/api/admin/concerns/{cid}/legal-hold")
    assert state.status_code == 200, state.json
    assert state.json == {"concern_id": cid, "held": False, "reason": None, "placed_at": None, "placed_by": None}
    placed = hold(device, cid, "  Disclosure in care proceedings  ")
    assert placed.status_code == 200 and placed.json["placed_by"] == "Ash Admin"
    state = admin.get(f"/api/admin/concerns/{cid.upper()}/legal-hold").json
    assert state["held"] is True and state["concern_id"] == cid
    assert state["reason"] == "Disclosure in care proceedings"
    assert state["placed_at"] == placed.json["placed_at"] and state["placed_at"].endswith("+00:00")
    assert state["placed_by"] == placed.json["placed_by"]


def test_only_an_admin_with_the_device_key_reads_a_hold(app, device):
    cid = submitted(device)
    hold(device, cid)
    assert device("manager").get(f"/api/admin/concerns/{cid}/legal-hold").status_code == 403
    assert device("worker").get(f"/api/admin/concerns/{cid}/legal-hold").status_code == 403
    admin = device("admin")
    locked = admin.client.get(f"/api/admin/concerns/{cid}/legal-hold")  # the cookie alone
    assert locked.status_code == 401 and locked.json["error"]["code"] == "device_locked"
    missing = admin.get("/api/admin/concerns/5b0e6a3e-8d7c-4f1e-9d3b-2a1c0f9e8d7c/legal-hold")
    assert missing.status_code == 404 and missing.json["error"]["message"] == "No such concern."


def test_a_short_reason_is_refused_beside_its_field_and_changes_nothing(app, device):
    cid = submitted(device)
    refused = hold(device, cid, "no")
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {"reason": ["Write the reason (3 to 2,000 characters)."]}
    assert count(app, LegalHold) == 0
    assert hold(device, cid).status_code == 200
    again = hold(device, cid)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_held"


def test_an_admin_lists_every_concern_held_now_newest_first_and_nothing_else(app, device):
    first, second, free = (submitted(device, f"CR-HOLD-LIST{n}") for n in range(3))
    admin = device("admin")
    assert admin.get("/api/admin/concerns/legal-holds").json == {"holds": []}
    hold(device, first, "Care proceedings")
    hold(device, second, "A complaint under investigation")
    listed = admin.get("/api/admin/concerns/legal-holds")
    assert listed.status_code == 200, listed.json
    holds = listed.json["holds"]
    assert [h["concern_id"] for h in holds] == [second, first]  # newest first; the free one absent
    assert free not in {h["concern_id"] for h in holds}
    assert holds[0] == admin.get(f"/api/admin/concerns/{second}/legal-hold").json  # the same state, spelled once
    assert {h["reason"] for h in holds} == {"Care proceedings", "A complaint under investigation"}
    assert all(h["held"] is True and h["placed_by"] == "Ash Admin" for h in holds)
    # Nothing of the concern itself: the list is what the audit log's hold entries hold.
    assert set(holds[0]) == {"concern_id", "held", "reason", "placed_at", "placed_by"}
    lifted = admin.client.delete(f"/api/admin/concerns/{first}/legal-hold", json={"reason": "Proceedings ended"},
                                 headers={**admin.without_csrf(), "X-CSRFToken": admin.csrf})
    assert lifted.status_code == 200, lifted.json
    assert [h["concern_id"] for h in admin.get("/api/admin/concerns/legal-holds").json["holds"]] == [second]


def test_only_an_admin_with_the_device_key_lists_the_holds(app, device):
    hold(device, submitted(device))
    for role in ("manager", "worker", "carer"):
        assert device(role).get("/api/admin/concerns/legal-holds").status_code == 403
    locked = device("admin").client.get("/api/admin/concerns/legal-holds")
    assert locked.status_code == 401 and locked.json["error"]["code"] == "device_locked"
