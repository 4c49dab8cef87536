"""The versions of a concern as the duty manager reads them (GET /api/concerns/<id>/history):
every revision in order, each naming who made it, so the page draws them with no second call;
the author still reads only their own revisions and progress, and every read is audited."""
import json

from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.test_sync import change, sync

FIRST = {"case_reference": "CR-V1", "child_age": 14, "concern_specific_child": False}
SECOND = {"case_reference": "CR-V1", "child_age": 15, "concern_specific_child": True}


def versions(device):
    """A draft, its submission with changed answers and notes, an addendum, then the manager's steps."""
    worker = device("worker")
    [draft] = sync(worker, change(answers=FIRST, notes="Seen at the door."))
    sync(worker, change(draft["id"], base_version=1, status="submitted", answers=SECOND,
                        notes="Seen at home; the tablet was kept."))
    sync(worker, change(draft["id"], base_version=2, status="submitted", answers=SECOND,
                        addendum="The school rang: he was upset again today."))
    manager = device("manager")
    assert manager.post(f"/api/concerns/{draft['id']}/acknowledge", {"note": "Looking now"}).status_code == 200
    assert manager.post(f"/api/concerns/{draft['id']}/decision", {"decision": "Strategy discussion"}).status_code == 200
    return draft["id"], worker, manager


def test_each_version_names_who_made_it_in_order(app, device):
    concern, _, manager = versions(device)
    answer = manager.get(f"/api/concerns/{concern}/history")
    assert answer.status_code == 200
    revisions = answer.json["revisions"]
    print(json.dumps(revisions, indent=1))
    assert [(r["kind"], r["version"]) for r in revisions] == [
        ("applied", 1), ("applied", 2), ("addendum", 3), ("acknowledgement", 4), ("decision", 5)]
    assert [r["author"]["display_name"] for r in revisions] == [
        "Wren Worker", "Wren Worker", "Wren Worker", "Morgan Manager", "Morgan Manager"]
    assert all(r["author"]["id"] == r["author_id"] for r in revisions)
    # What the page compares: each synced version whole, the addendum only what it adds.
    assert revisions[0]["body"]["answers"] == FIRST and revisions[1]["body"]["answers"] == SECOND
    assert revisions[1]["body"]["notes"] == "Seen at home; the tablet was kept."
    assert revisions[2]["body"] == {"addendum": "The school rang: he was upset again today."}
    assert revisions[3]["body"] == {"status": "acknowledged", "note": "Looking now"}


def test_the_author_still_reads_only_their_own_and_progress_without_names(app, device):
    concern, worker, _ = versions(device)
    revisions = worker.get(f"/api/concerns/{concern}/history").json["revisions"]
    assert [r["kind"] for r in revisions] == ["applied", "applied", "addendum", "progress"]
    assert not any("author" in r or "author_id" in r for r in revisions)
    assert "Strategy discussion" not in json.dumps(revisions)


def test_another_teams_manager_is_refused_and_every_read_is_audited_once(app, device):
    concern, _, manager = versions(device)
    assert device("manager2").get(f"/api/concerns/{concern}/history").status_code == 404
    manager.get(f"/api/concerns/{concern}/history")
    manager.get(f"/api/concerns/{concern}/history")
    with app.app_context():
        reads = db.session.scalars(select(AuditEvent.user_id).where(
            AuditEvent.object_id == concern, AuditEvent.action == "read_history")).all()
    assert len(reads) == 2
