"""The retention schedule and `flask records purge`: past its time a record goes, leaving a
tombstone; a concern under legal hold stays; one audit entry per run; one run at a time."""
import datetime as dt
import json
import threading

import pytest
from sqlalchemy import func, select, update

from backend.audit.models import AuditEvent
from backend.clock import utcnow
from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db
from backend.records import purge, retention
from backend.records.models import LegalHold, Tombstone
from tests.conftest import TEST_DATABASE_URL
from tests.test_sync import change, sync

SECONDS = "closed_concerns=PT5S,drafts=PT5S,audit=P1Y,push_jobs=P1Y,sms_jobs=P1Y,sessions=P1Y"


def closed_concern(device, reference) -> str:
    cid = sync(device("worker"), change(status="submitted", answers={
        "case_reference": reference, "concern_specific_child": True}))[0]["id"]
    manager = device("manager")
    for action in manager.get(f"/api/concerns/{cid}").json["tracked_actions"]:
        manager.patch(f"/api/concerns/{cid}/actions/{action['action']}", {"state": "done"})
    assert manager.post(f"/api/concerns/{cid}/close", {"outcome": "Done"}).status_code == 200
    return cid


def age(app, *ids, seconds=60):
    """Move the concerns' clocks back, as if closed (or last changed) `seconds` ago."""
    with app.app_context():
        past = utcnow() - dt.timedelta(seconds=seconds)
        db.session.execute(update(Concern).where(Concern.id.in_(ids)).values(closed_at=past, updated_at=past))
        db.session.commit()


@pytest.fixture
def aged(app, device):
    app.config["RETENTION"] = SECONDS
    old, held, recent = (closed_concern(device, ref) for ref in ("CR-OLD", "CR-HELD", "CR-NEW"))
    draft = sync(device("worker"), change(answers={"case_reference": "CR-DRAFT"}))[0]["id"]
    age(app, old, held, draft)
    return {"old": old, "held": held, "recent": recent, "draft": draft}


def hold(device, cid, reason="Disclosure in care proceedings"):
    return device("admin").post(f"/api/admin/concerns/{cid}/legal-hold", {"reason": reason})


def count(app, model, **filters):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def test_durations_and_schedule():
    assert retention.parse_duration("P6Y") == {"years": 6}
    assert retention.parse_duration("pt5s") == {"seconds": 5}
    assert retention.parse_duration("P1Y2M3W4DT5H6M7S")["minutes"] == 6
    for bad in ("P", "6Y", "PT", "P1.5Y", "P-1D", "1 year"):
        with pytest.raises(retention.ScheduleError):
            retention.parse_duration(bad)
    assert retention.before(dt.datetime(2028, 2, 29, 12), {"years": 1}) == dt.datetime(2027, 2, 28, 12)
    assert retention.before(dt.datetime(2026, 3, 31), {"months": 1}) == dt.datetime(2026, 2, 28)
    assert retention.schedule("drafts=P7D")["drafts"] == "P7D"
    assert retention.schedule("")["closed_concerns"] == retention.DEFAULTS["closed_concerns"]
    for bad in ("draft=P7D", "drafts", "drafts=7 days"):
        with pytest.raises(retention.ScheduleError):
            retention.schedule(bad)


def test_a_bad_schedule_stops_the_app(monkeypatch, tmp_path):
    from backend import create_app
    from tests.conftest import base_config
    monkeypatch.setenv("SAFEVISIT_RETENTION", "closed_concerns=six years")
    with pytest.raises(retention.ScheduleError):
        create_app(base_config("sqlite://"))


def test_dry_run_lists_and_changes_nothing(app, runner, aged):
    result = runner.invoke(args=["records", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"closed_concerns {aged['old']}" in result.output and f"drafts {aged['draft']}" in result.output
    assert "closed_concerns (closed_concerns=PT5S): 2 would be purged" in result.output
    assert aged["recent"] not in result.output
    assert count(app, Concern) == 4 and count(app, Tombstone) == 0
    assert count(app, AuditEvent, action="records_purge") == 0


def test_purge_removes_what_is_past_its_time_keeps_tombstones_and_spares_the_held(app, runner, device, aged):
    assert hold(device, aged["held"]).status_code == 200
    result = runner.invoke(args=["records", "purge"])
    assert result.exit_code == 0, result.output
    assert "closed_concerns 1" in result.output and "drafts 1" in result.output
    with app.app_context():
        remaining = set(db.session.scalars(select(Concern.id)))
        assert remaining == {aged["held"], aged["recent"]}
        assert db.session.scalar(select(func.count()).select_from(ConcernRevision).where(
            ConcernRevision.concern_id.in_([aged["old"], aged["draft"]]))) == 0
        stones = {t.record_id: t for t in db.session.scalars(select(Tombstone))}
        assert set(stones) == {aged["old"], aged["draft"]}
        old = stones[aged["old"]]
        assert (old.kind, old.rule) == ("closed_concerns", "closed_concerns=PT5S")
        assert old.created_at and old.ended_at and old.purged_at and "records purge on" in old.purged_by
        [run] = db.session.scalars(select(AuditEvent).filter_by(action="records_purge")).all()
        detail = json.loads(run.detail)
        assert detail["counts"] == {"closed_concerns": 1, "drafts": 1, "audit": 0, "push_jobs": 0,
                                    "sms_jobs": 0, "sessions": 0}
    # Run again: nothing left to do, and still one entry per run.
    assert "closed_concerns 0" in runner.invoke(args=["records", "purge"]).output
    assert count(app, AuditEvent, action="records_purge") == 2 and count(app, Tombstone) == 2


def test_legal_hold_is_admins_only_audited_and_lifting_lets_the_purge_take_it(app, runner, device, aged):
    cid = aged["held"]
    assert device("manager").post(f"/api/admin/concerns/{cid}/legal-hold", {"reason": "x y z"}).status_code == 403
    assert hold(device, cid, "  ").status_code == 422
    placed = hold(device, cid)
    assert placed.status_code == 200 and placed.json["held"] is True
    assert hold(device, cid).status_code == 409
    admin = device("admin")
    lifted = admin.client.delete(f"/api/admin/concerns/{cid}/legal-hold", json={"reason": "Proceedings ended"},
                                 headers={**admin.without_csrf(), "X-CSRFToken": admin.csrf})
    assert lifted.status_code == 200 and lifted.json["held"] is False
    with app.app_context():
        actions = [(e.action, json.loads(e.detail)["reason"]) for e in db.session.scalars(
            select(AuditEvent).filter(AuditEvent.action.in_(["legal_hold", "lift_legal_hold"]))
            .order_by(AuditEvent.id))]
    assert actions == [("legal_hold", "Disclosure in care proceedings"), ("lift_legal_hold", "Proceedings ended")]
    runner.invoke(args=["records", "purge"])
    assert count(app, Concern, id=cid) == 0 and count(app, LegalHold) == 0


def test_old_audit_entries_go_but_not_those_about_a_held_concern(app, device, aged):
    hold(device, aged["held"])
    app.config["RETENTION"] = SECONDS.replace("audit=P1Y", "audit=PT5S")
    with app.app_context():
        db.session.execute(update(AuditEvent).values(at=utcnow() - dt.timedelta(seconds=60)))
        db.session.commit()
        counts = purge.run("test")
        assert counts["audit"] > 0
        left = db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action != "records_purge")).all()
        assert set(left) == {aged["held"]}
        assert db.session.scalar(select(func.count()).select_from(Tombstone).filter_by(kind="audit")) == counts["audit"]


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_two_purges_started_together_do_the_work_once(app, aged):
    holding, release = threading.Event(), threading.Event()
    results = {}

    def first():
        with app.app_context():
            results["first"] = purge.run("host-a", before_commit=lambda: (holding.set(), release.wait(30)))

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(30)
    with app.app_context():
        results["second"] = purge.run("host-b")  # while the first holds the lock: nothing
    release.set()
    thread.join(30)
    assert results["second"] is None
    assert results["first"]["closed_concerns"] == 2 and results["first"]["drafts"] == 1
    assert count(app, Tombstone) == 3 and count(app, AuditEvent, action="records_purge") == 1
    with app.app_context():
        again = purge.run("host-b")
    assert sum(again.values()) == 0
