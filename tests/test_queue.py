"""GET /api/queue: the open concerns a manager may see, most urgent and newest first, in pages
that stay correct however busy the team's history is."""
import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select, update

from backend.concerns.models import ConcernAction, ConcernRevision
from backend.extensions import db
from tests.test_sync import change, sync

ANSWERS = {
    "immediate": {"adult_concern": True, "adult_indecent_images": True, "adult_substantial_contact": True},
    "urgent": {"concern_specific_child": True},
    "soon": {"exposure_to_adult_pornography": True, "exposure_prolonged": True},
    None: {},
}
RANK = {"immediate": 3, "urgent": 2, "soon": 1, None: -1}


def submit(worker, urgency, reference):
    result, = sync(worker, change(status="submitted", answers={"case_reference": reference, **ANSWERS[urgency]}))
    assert result["result"] == "applied" and result["urgency"] == urgency
    return worker.get(f"/api/concerns/{result['id']}").json


def pages(api, query="", limit=4):
    """Every page of the queue, following `next`; returns (items, page count)."""
    items, after, count = [], None, 0
    while True:
        url = f"/api/queue?limit={limit}{query}" + (f"&after={after}" if after else "")
        response = api.get(url)
        assert response.status_code == 200, response.json
        items += response.json["concerns"]
        count += 1
        after = response.json["next"]
        if after is None:
            return items, count


def _team(app, device, history: bool):
    worker = device("worker")
    concerns = [submit(worker, urgency, f"CR-Q{i}")
                for i, urgency in enumerate(["urgent", None, "soon", "immediate"] * 3)]
    if history:
        # Addenda in batches, as devices send them: the team's history passes 500 revisions.
        for _ in range(11):
            sync(worker, *[change(concerns[0]["id"], base_version=1, status="submitted", addendum="Update",
                                  answers={"case_reference": "CR-Q0", **ANSWERS["urgent"]}) for _ in range(50)])
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(ConcernRevision)) > 500
    newest = submit(worker, "soon", "CR-NEWEST")  # submitted after all that history
    concerns.append(newest)
    south = submit(device("worker2"), "immediate", "CR-SOUTH")
    return concerns, newest, south


@pytest.fixture
def busy_team(app, device):
    """North with 13 concerns of every urgency and more than 500 revisions; South with one."""
    return _team(app, device, history=True)


@pytest.fixture
def team(app, device):
    """The same concerns without the long history."""
    return _team(app, device, history=False)


def expected_order(concerns):
    return [c["id"] for c in sorted(concerns, key=lambda c: (RANK[c["urgency"]], c["submitted_at"], c["id"]),
                                    reverse=True)]


def test_the_queue_is_complete_and_ordered_across_pages_with_over_500_revisions(device, busy_team):
    concerns, newest, south = busy_team
    manager = device("manager")
    items, count = pages(manager)
    assert count == 4  # 13 concerns, 4 a page
    assert [c["id"] for c in items] == expected_order(concerns)
    assert newest["id"] in [c["id"] for c in items]
    assert south["id"] not in [c["id"] for c in items]
    # The old sync feed pages through revisions oldest first: its first page misses the newest.
    feed = manager.get("/api/concerns").json
    assert newest["id"] not in [c["id"] for c in feed["concerns"]]
    first = manager.get("/api/queue?limit=100").json
    assert first["counts"] == {"submitted": 13, "acknowledged": 0, "in_progress": 0, "closed": 0}
    assert first["concerns"][0]["urgency"] == "immediate"
    urgent = next(c for c in first["concerns"] if c["id"] == concerns[0]["id"])
    assert (urgent["actions_to_do"], urgent["actions_overdue"]) == (2, 0)
    assert urgent["next_due_at"]


def test_a_concern_acknowledged_between_pages_is_neither_lost_nor_repeated(device, busy_team):
    concerns, _, _ = busy_team
    manager = device("manager")
    page1 = manager.get("/api/queue?limit=5").json
    later = expected_order(concerns)[7]
    assert manager.post(f"/api/concerns/{later}/acknowledge", {}).status_code == 200
    submit(device("worker"), "immediate", "CR-ARRIVED")  # sorts before the page marker
    after, seen = page1["next"], [c["id"] for c in page1["concerns"]]
    while after:
        body = manager.get(f"/api/queue?limit=5&after={after}").json
        seen += [c["id"] for c in body["concerns"]]
        after = body["next"]
    assert seen == expected_order(concerns)
    assert len(set(seen)) == len(seen)


def test_filters(app, device, team):
    concerns, newest, south = team
    manager = device("manager")
    by_urgency, _ = pages(manager, "&urgency=soon")
    assert {c["urgency"] for c in by_urgency} == {"soon"} and len(by_urgency) == 4

    acked = concerns[0]["id"]
    manager.post(f"/api/concerns/{acked}/acknowledge", {})
    unacked, _ = pages(manager, "&unacknowledged=true")
    assert acked not in [c["id"] for c in unacked] and len(unacked) == 12
    only_acked = manager.get("/api/queue?status=acknowledged").json
    assert [c["id"] for c in only_acked["concerns"]] == [acked]
    assert only_acked["counts"]["acknowledged"] == 1 and only_acked["counts"]["submitted"] == 12

    worker_id = sync_user(app, "worker")
    manager.post(f"/api/concerns/{newest['id']}/assign", {"user": worker_id})
    mine = manager.get(f"/api/queue?assigned_to={worker_id}").json["concerns"]
    assert [c["id"] for c in mine] == [newest["id"]] and mine[0]["status"] == "in_progress"

    # Overdue: one action past its due time.
    with app.app_context():
        db.session.execute(update(ConcernAction).where(ConcernAction.concern_id == acked,
                                                       ConcernAction.action == "core-assessment")
                           .values(due_at=dt.datetime(2020, 1, 1)))
        db.session.commit()
    overdue = manager.get("/api/queue?overdue=true").json["concerns"]
    # Immediate actions are due at submission; the urgent one is overdue by the date set above.
    immediate = {c["id"] for c in concerns if c["urgency"] == "immediate"}
    assert {c["id"] for c in overdue} == immediate | {acked}
    assert next(c["actions_overdue"] for c in overdue if c["id"] == acked) == 1
    not_overdue = {c["id"] for c in pages(manager, "&overdue=false")[0]}
    assert not_overdue == {c["id"] for c in concerns} - immediate - {acked}
    assert manager.get(f"/api/concerns/{acked}").json["tracked_actions"][1]["overdue"] is True

    # Closed concerns leave the open queue but stay findable by status.
    for action in ("section-47-enquiry", "core-assessment"):
        manager.patch(f"/api/concerns/{acked}/actions/{action}", {"state": "done"})
    assert manager.post(f"/api/concerns/{acked}/close", {"outcome": "Done"}).status_code == 200
    open_ids = [c["id"] for c in pages(manager)[0]]
    assert acked not in open_ids and len(open_ids) == 12
    assert [c["id"] for c in manager.get("/api/queue?status=closed").json["concerns"]] == [acked]


def sync_user(app, username):
    from backend.accounts.models import User
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username=username))


def test_admins_choose_the_team_and_managers_cannot(app, device, team):
    _, _, south = team
    admin = device("admin")
    everyone, _ = pages(admin, limit=50)
    assert len(everyone) == 14
    south_team = south["team"]["id"]
    only_south = admin.get(f"/api/queue?team={south_team}").json["concerns"]
    assert [c["id"] for c in only_south] == [south["id"]]
    assert device("manager").get(f"/api/queue?team={south_team}").status_code == 403
    assert [t["name"] for t in admin.get("/api/queue").json["teams"]] == ["North", "South"]
    assert device("manager").get("/api/queue").json["teams"] == []


@pytest.mark.parametrize("query", ["after=bm90LWpzb24", "after=%5B%5D", "limit=0", "limit=101",
                                   "status=draft", "urgency=whenever", "overdue=perhaps", "team=x"])
def test_bad_queries_are_422(device, query):
    response = device("manager").get(f"/api/queue?{query}")
    assert response.status_code == 422, query
    assert response.json["error"]["code"] == "validation_failed"


def test_reading_the_queue_is_audited(app, device):
    from backend.audit.models import AuditEvent
    device("manager").get("/api/queue?urgency=urgent")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="list_queue"))
        assert event is not None and '"urgency": "urgent"' in event.detail


def test_unknown_page_markers_never_leak_another_teams_concern(device, team):
    _, _, south = team
    import base64
    import json
    forged = base64.urlsafe_b64encode(json.dumps([9, "2999-01-01T00:00:00", "z" * 36]).encode()).decode().rstrip("=")
    body = device("manager").get(f"/api/queue?limit=100&after={forged}").json
    assert south["id"] not in [c["id"] for c in body["concerns"]]
    assert len(body["concerns"]) == 13
    assert uuid.UUID(body["concerns"][0]["id"])


def test_concerns_sent_in_one_batch_keep_the_order_they_were_queued_in(device):
    """A phone back in coverage sends a day's concerns in one batch: each is submitted at its
    own moment, so the queue lists them newest first in the order the phone queued them, not in
    the order of their random ids (a batch-wide time once made that order a coin toss)."""
    worker, manager = device("worker"), device("manager")
    references = [f"CR-BATCH-{n}" for n in range(8)]
    results = sync(worker, *(change(status="submitted", answers={"case_reference": r, **ANSWERS["urgent"]})
                             for r in references))
    assert [r["result"] for r in results] == ["applied"] * 8
    listed, _ = pages(manager, limit=50)
    assert [c["case_reference"] for c in listed] == references[::-1]
