"""An urgent concern nobody acknowledges goes along the escalation chain: the rota's secondary,
then every manager of the team, then the admins, each step at its configured minute, each
recorded once; an acknowledgement at any step stops the rest. The clock is passed in (`now`),
never slept on."""
import datetime as dt
import json
import uuid

from sqlalchemy import select

from backend.alerts.models import AlertJob, Escalation
from backend.alerts.worker import Worker, drain_once
from backend.audit.models import AuditEvent
from backend.clock import utcnow
from backend.concerns.models import Concern
from backend.extensions import db
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401
from tests.rota_support import ids, local, put_rota, shift, team_id

MINUTES = dt.timedelta(minutes=1)
CHAIN = "secondary=10,team=20,admins=30"


def submitted(push_app, receiver, signed_in, rota=True):
    """North: manager (primary on the rota), manager3 (secondary), a second admin-less manager
    manager4; North's admin; South's manager2. Everyone subscribes; then an urgent concern."""
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    push_app.config["ESCALATION_CHAIN"] = CHAIN
    with push_app.app_context():
        create_user("manager3", DEMO_PASSWORD, "duty_manager", "North")
        create_user("manager4", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    for username in ("manager", "manager3", "manager4", "admin", "manager2"):
        signed_in(username).post("/api/push/subscriptions", receiver.subscription(username))
    if rota:
        primary, secondary = ids(push_app, "manager", "manager3")
        now = utcnow()
        response = put_rota(signed_in("manager"), team_id(push_app), shift(
            local(now - dt.timedelta(hours=1)), local(now + dt.timedelta(hours=3)), primary, secondary))
        assert response.status_code == 200, response.json
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


def steps(push_app, concern_id):
    with push_app.app_context():
        return [(row.step, row.recipients, row.jobs) for row in db.session.scalars(
            select(Escalation).filter_by(concern_id=concern_id).order_by(Escalation.id))]


def names(received):
    return sorted(r.name for r in received)


def test_the_alert_goes_to_the_primary_then_the_chain_runs_step_by_step(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    assert drain_once(push_app, now=at + MINUTES) == {"sent": 1}
    assert names(receiver.wait_for(1)) == ["manager"]  # the primary on the rota, nobody else

    assert escalate(push_app, at + 9 * MINUTES) == []
    assert escalate(push_app, at + 10 * MINUTES) == [(concern_id, "secondary")]
    assert drain_once(push_app, now=at + 10 * MINUTES) == {"sent": 1}
    assert names(receiver.wait_for(2)[1:]) == ["manager3"]

    assert escalate(push_app, at + 19 * MINUTES) == []
    assert escalate(push_app, at + 20 * MINUTES) == [(concern_id, "team")]
    assert drain_once(push_app, now=at + 20 * MINUTES) == {"sent": 3}
    # Every manager of the team, on the rota or not; not another team's manager.
    assert names(receiver.wait_for(5)[2:]) == ["manager", "manager3", "manager4"]

    assert escalate(push_app, at + 30 * MINUTES) == [(concern_id, "admins")]
    assert drain_once(push_app, now=at + 30 * MINUTES) == {"sent": 1}
    assert names(receiver.wait_for(6)[5:]) == ["admin"]
    assert escalate(push_app, at + 90 * MINUTES) == []  # each step taken once

    escalated = receiver.received[1:]
    assert {r.message["kind"] for r in escalated} == {"escalation"}
    assert {r.message["concern"] for r in escalated} == {concern_id}
    assert steps(push_app, concern_id) == [("secondary", 1, 1), ("team", 3, 3), ("admins", 1, 1)]
    with push_app.app_context():
        audit = db.session.scalars(select(AuditEvent.detail).filter_by(
            action="escalate", object_id=concern_id).order_by(AuditEvent.id)).all()
    assert [(d["step"], d["after_minutes"]) for d in map(json.loads, audit)] == [
        ("secondary", 10), ("team", 20), ("admins", 30)]


def test_a_worker_that_was_down_takes_every_step_due_in_order(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    assert escalate(push_app, at + 45 * MINUTES) == [
        (concern_id, "secondary"), (concern_id, "team"), (concern_id, "admins")]


def test_an_acknowledgement_at_the_secondary_step_stops_the_rest(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    assert escalate(push_app, at + 10 * MINUTES) == [(concern_id, "secondary")]
    response = signed_in("manager3").post(f"/api/concerns/{concern_id}/acknowledge", {})
    assert response.json["status"] == "acknowledged"
    assert escalate(push_app, at + 60 * MINUTES) == []
    assert [s for s, _, _ in steps(push_app, concern_id)] == ["secondary"]


def test_no_escalation_after_an_acknowledgement(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    response = signed_in("manager").post(f"/api/concerns/{concern_id}/acknowledge", {})
    assert response.json["status"] == "acknowledged"
    assert escalate(push_app, at + 60 * MINUTES) == []
    assert jobs(push_app, "escalation") == []


def test_an_acknowledgement_after_a_step_cancels_what_is_not_yet_sent(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    assert escalate(push_app, at + 20 * MINUTES) == [(concern_id, "secondary"), (concern_id, "team")]
    signed_in("manager").post(f"/api/concerns/{concern_id}/acknowledge", {})
    assert {j.status for j in jobs(push_app, "escalation")} == {"cancelled"}
    assert drain_once(push_app, now=at + 20 * MINUTES) == {"sent": 1}
    assert [r.message["kind"] for r in receiver.received] == ["alert"]


def test_a_decision_also_counts_as_acknowledgement(push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in)
    signed_in("manager").post(f"/api/concerns/{concern_id}/decision",
                              {"decision": "Strategy meeting called", "close": False})
    assert escalate(push_app, at + 60 * MINUTES) == []


def test_with_an_empty_rota_the_alert_goes_to_every_manager_and_the_secondary_step_to_nobody(
        push_app, receiver, signed_in):
    concern_id, at = submitted(push_app, receiver, signed_in, rota=False)
    assert drain_once(push_app, now=at) == {"sent": 3}
    assert names(receiver.wait_for(3)) == ["manager", "manager3", "manager4"]
    assert escalate(push_app, at + 10 * MINUTES) == [(concern_id, "secondary")]
    assert steps(push_app, concern_id) == [("secondary", 0, 0)]  # recorded: nobody to add


def test_going_on_duty_by_hand_adds_to_the_primary(push_app, receiver, signed_in):
    signed_in("manager2")  # South's manager exists already; North's manager4 switches on
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    with push_app.app_context():
        create_user("manager5", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    signed_in("manager5").post("/api/push/subscriptions", receiver.subscription("manager5"))
    assert signed_in("manager5").post("/api/push/duty", {"on_duty": True}).json == {"on_duty": True}
    concern_id, at = submitted(push_app, receiver, signed_in)
    assert drain_once(push_app, now=at) == {"sent": 2}
    assert names(receiver.wait_for(2)) == ["manager", "manager5"]


def test_the_escalate_command_takes_the_configured_steps(push_app, receiver, signed_in):
    concern_id, _ = submitted(push_app, receiver, signed_in)
    push_app.config["ESCALATION_CHAIN"] = "secondary=0,team=0,admins=0"
    result = push_app.test_cli_runner().invoke(args=["push", "escalate"])
    assert result.exit_code == 0, result.output
    assert f"took 3 escalation step(s): {concern_id} secondary, {concern_id} team, {concern_id} admins" \
        in result.output
    result = push_app.test_cli_runner().invoke(args=["push", "worker", "--once"])
    # The alert to the primary, then 1 (secondary) + 3 (team) + 1 (admin) escalation messages.
    assert result.exit_code == 0 and "'sent': 6" in result.output, result.output


def test_a_chain_that_does_not_parse_stops_the_start():
    import pytest

    from backend import create_app
    from backend.alerts.chain import Step, parse
    from tests.conftest import base_config
    assert parse("secondary=5+sms,admins=60") == (Step("secondary", 5, True), Step("admins", 60, False))
    for bad in ("team=20,secondary=10", "secondary=10,secondary=20", "boss=5", "team=ten",
                "team=20,admins=10", "team=-1", "team=5+fax"):
        with pytest.raises(RuntimeError, match="SAFEVISIT_ESCALATION_CHAIN"):
            create_app({**base_config("sqlite://"), "ESCALATION_CHAIN": bad})
    with pytest.raises(RuntimeError, match="NOTIFY"):  # half of Notify's settings is a mistake
        create_app({**base_config("sqlite://"), "NOTIFY_API_KEY": "x" * 80})
