"""An urgent concern nobody acknowledges is escalated once to every manager of the team and the
admins; an acknowledgement stops it. The clock is passed in (`now`), never slept on."""
import datetime as dt
import uuid

from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.concerns.models import Concern
from backend.extensions import db
from backend.push.models import AlertJob, Escalation
from backend.push.worker import Worker, drain_once
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401

MINUTES = dt.timedelta(minutes=1)


def submitted(push_app, receiver, signed_in):
    """Manager (on duty), a second North manager, North's admin and South's manager subscribe."""
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    with push_app.app_context():
        create_user("manager3", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    for username in ("manager", "manager3", "admin", "manager2"):
        signed_in(username).post("/api/push/subscriptions", receiver.subscription(username))
    signed_in("manager").post("/api/push/duty", {"on_duty": True})
    concern_id = str(uuid.uuid4())
    signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id)]})
    with push_app.app_context():
        at = db.session.get(Concern, concern_id).submitted_at
    return concern_id, at


def escalate(push_app, now):
    worker = Worker(push_app)
    try:
        return worker.escalate(now)
    finally:
        worker.close()


def jobs(push_app, kind):
    with push_app.app_context():
        return db.session.scalars(select(AlertJob).filter_by(kind=kind).order_by(AlertJob.id)).all()


def test_an_unacknowledged_urgent_concern_is_escalated_once_after_the_timeout(
        push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    drain_once(push_app, now=at + MINUTES)
    assert [r.name for r in receiver.wait_for(1)] == ["manager"]  # the on-duty manager only

    assert escalate(push_app, at + 14 * MINUTES) == []
    assert escalate(push_app, at + 15 * MINUTES) == [concern_id]
    assert escalate(push_app, at + 60 * MINUTES) == []  # recorded once

    assert drain_once(push_app, now=at + 15 * MINUTES) == {"sent": 3}
    escalated = receiver.wait_for(4)[1:]
    # Every manager of the team, on duty or not, and the admins; not another team's manager.
    assert sorted(r.name for r in escalated) == ["admin", "manager", "manager3"]
    assert {r.message["kind"] for r in escalated} == {"escalation"}
    assert {r.message["concern"] for r in escalated} == {concern_id}
    with push_app.app_context():
        row = db.session.scalar(select(Escalation).filter_by(concern_id=concern_id))
        assert (row.recipients, row.jobs) == (3, 3)
        audit = db.session.scalar(select(AuditEvent).filter_by(action="escalate", object_id=concern_id))
        assert '"recipients": 3' in audit.detail


def test_no_escalation_after_an_acknowledgement(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    response = signed_in("manager").post(f"/api/concerns/{concern_id}/acknowledge", {})
    assert response.json["status"] == "acknowledged"
    assert escalate(push_app, at + 60 * MINUTES) == []
    assert jobs(push_app, "escalation") == []


def test_an_acknowledgement_after_escalation_cancels_what_is_not_yet_sent(
        push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    assert escalate(push_app, at + 20 * MINUTES) == [concern_id]
    signed_in("manager").post(f"/api/concerns/{concern_id}/acknowledge", {})
    assert {j.status for j in jobs(push_app, "escalation")} == {"cancelled"}
    assert drain_once(push_app, now=at + 20 * MINUTES) == {"sent": 1}
    assert [r.message["kind"] for r in receiver.received] == ["alert"]


def test_a_decision_also_counts_as_acknowledgement(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    signed_in("manager").post(f"/api/concerns/{concern_id}/decision",
                              {"decision": "Strategy meeting called", "close": False})
    assert escalate(push_app, at + 60 * MINUTES) == []


def test_the_escalate_command_uses_the_configured_timeout(push_app, receiver, signed_in):
    concern_id, _ = submitted(push_app, receiver, signed_in)
    push_app.config["PUSH_ESCALATION_MINUTES"] = 0
    result = push_app.test_cli_runner().invoke(args=["push", "escalate"])
    assert result.exit_code == 0 and f"escalated 1 concern(s): {concern_id}" in result.output
    result = push_app.test_cli_runner().invoke(args=["push", "worker", "--once"])
    assert result.exit_code == 0 and "'sent': 4" in result.output
