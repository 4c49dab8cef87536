"""Text messages through GOV.UK Notify: a manager's number verified once with a code, and an
alert that push could not deliver (or that nobody acknowledged within the first step) sent by
SMS from the worker, with no personal data.

GOV.UK Notify itself is unreachable here: these tests run a local HTTP receiver implementing
the part of the Notify API the official client calls (tests/notify_support.py), and check the
request the client sends — the template id, the verified number, the personalisation, and the
JWT the client signs with the API key.
"""
import datetime as dt
import json
import uuid

from sqlalchemy import select

from backend.alerts.models import SmsJob
from backend.alerts.worker import Worker, drain_once, sms_once
from backend.audit.models import AuditEvent
from backend.clock import utcnow
from backend.concerns.models import Concern
from backend.extensions import db
from backend.push.delivery import TITLE
from backend.sms.models import MobileNumber
from tests.notify_support import (PUBLIC_URL, SERVICE_ID, TEMPLATE_ID, notify, sms_app,  # noqa: F401
                                  sms_signed_in, verify_mobile)
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401
from tests.rota_support import ids, local, put_rota, shift, team_id

LATER = dt.timedelta(hours=2)


def sms_jobs(app) -> list[SmsJob]:
    with app.app_context():
        return db.session.scalars(select(SmsJob).order_by(SmsJob.id)).all()


def urgent(app, signed_in, case_reference="CR-SMS-77") -> tuple[str, dt.datetime]:
    concern_id = str(uuid.uuid4())
    response = signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id, case_reference)]})
    assert response.json["results"][0]["result"] == "applied", response.json
    with app.app_context():
        return concern_id, db.session.get(Concern, concern_id).submitted_at


def assert_alert_text(sms, concern_id, number="+447700900123"):
    """What reached Notify: the template, the verified number, the title and a link. Nothing else."""
    assert sms.path == "/v2/notifications/sms" and sms.status == 201
    assert sms.claims["iss"] == SERVICE_ID  # the client signed its JWT with our key's secret
    body = sms.json
    assert body["template_id"] == TEMPLATE_ID and body["phone_number"] == number
    assert body["personalisation"] == {"message": TITLE, "link": f"{PUBLIC_URL}/concerns/{concern_id}"}
    assert body["reference"].startswith("safevisit-sms-")
    raw = sms.body.decode()
    for personal in ("CR-SMS-77", "Seen at home visit", "Morgan", "Wren", "concern_specific_child"):
        assert personal not in raw


def test_a_manager_verifies_a_mobile_number_with_the_code_texted_to_it(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    assert manager.get("/api/sms/mobile").json == {
        "enabled": True, "number": None, "verified": False, "verified_at": None, "code_pending": False}
    response = manager.post("/api/sms/mobile", {"number": "07700 900123"})
    assert response.status_code == 200 and response.json["code_pending"] is True
    [sms] = notify.wait_for(1)
    assert sms.json["phone_number"] == "+447700900123" and sms.json["template_id"] == TEMPLATE_ID
    code = notify.codes()[0]
    with sms_app.app_context():
        stored = db.session.get(MobileNumber, ids(sms_app, "manager")[0])
        assert stored.verified_at is None and code not in (stored.code_hash or "")
    wrong = "000000" if code != "000000" else "111111"
    response = manager.post("/api/sms/mobile/verify", {"code": wrong})
    assert response.status_code == 422 and "code" in response.json["error"]["fields"]
    response = manager.post("/api/sms/mobile/verify", {"code": code})
    assert response.status_code == 200
    assert response.json["verified"] is True and response.json["number"] == "+44 7••• ••• 123"
    assert manager.post("/api/sms/mobile/verify", {"code": code}).json["error"]["code"] == "no_code_pending"
    with sms_app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("mobile_%"))))
    assert actions == {"mobile_code_sent", "mobile_code_wrong", "mobile_verified"}


def test_bad_numbers_and_guessing_are_refused(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    for number in ("01514960100", "+1 202 555 0100", "07700 90012", "seven"):
        response = manager.post("/api/sms/mobile", {"number": number})
        assert response.status_code == 422 and "number" in response.json["error"]["fields"], number
    assert notify.received == []
    manager.post("/api/sms/mobile", {"number": "+44 7700 900456"})
    code = notify.wait_for(1) and notify.codes()[0]
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != code][:5]
    for guess in wrong:
        assert manager.post("/api/sms/mobile/verify", {"code": guess}).status_code == 422
    # Five wrong tries void the code: even the right one no longer counts.
    assert manager.post("/api/sms/mobile/verify", {"code": code}).json["error"]["code"] == "no_code_pending"
    # And a new code is not sent again within a minute.
    assert manager.post("/api/sms/mobile", {"number": "+44 7700 900456"}).status_code == 429
    assert sms_signed_in("worker").post("/api/sms/mobile", {"number": "07700900123"}).status_code == 403


def test_a_failed_push_is_followed_by_a_text_from_the_worker(sms_app, sms_signed_in, notify, receiver):
    manager = sms_signed_in("manager")
    verify_mobile(manager, notify)
    manager.post("/api/push/subscriptions", receiver.subscription("expired"))
    receiver.script("expired", 410)
    concern_id, at = urgent(sms_app, sms_signed_in)
    assert len(notify.received) == 1  # the code only: the request that stored the concern sent nothing
    assert sms_jobs(sms_app) == []  # push has not failed yet
    assert drain_once(sms_app, now=at) == {"dead": 1}
    [job] = sms_jobs(sms_app)
    assert (job.reason, job.status) == ("push_failed", "pending")
    assert sms_once(sms_app, now=at) == {"sent": 1}
    assert_alert_text(notify.wait_for(2)[1], concern_id)
    [job] = sms_jobs(sms_app)
    assert job.status == "sent" and job.notify_id and job.attempts == 1
    assert sms_once(sms_app, now=at + LATER) == {}  # once


def test_a_manager_with_no_browser_subscribed_is_texted_at_once(sms_app, sms_signed_in, notify):
    verify_mobile(sms_signed_in("manager"), notify)
    concern_id, at = urgent(sms_app, sms_signed_in)
    assert [(j.reason, j.status) for j in sms_jobs(sms_app)] == [("no_push", "pending")]
    assert sms_once(sms_app, now=at) == {"sent": 1}
    assert_alert_text(notify.wait_for(2)[1], concern_id)


def test_unacknowledged_at_the_first_step_the_primary_and_the_secondary_are_texted(
        sms_app, sms_signed_in, notify, receiver):
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    with sms_app.app_context():
        create_user("manager3", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    sms_app.config["ESCALATION_CHAIN"] = "secondary=10+sms,team=20,admins=30"
    primary, secondary = ids(sms_app, "manager", "manager3")
    now = utcnow()
    assert put_rota(sms_signed_in("manager"), team_id(sms_app), shift(
        local(now - LATER), local(now + LATER), primary, secondary)).status_code == 200
    for name, number in (("manager", "07700 900123"), ("manager3", "07700 900333")):
        api = sms_signed_in(name)
        verify_mobile(api, notify, number)
        api.post("/api/push/subscriptions", receiver.subscription(name))
    concern_id, at = urgent(sms_app, sms_signed_in)
    assert drain_once(sms_app, now=at) == {"sent": 1}  # push reached the primary
    assert sms_jobs(sms_app) == []
    worker = Worker(sms_app)
    try:
        assert worker.escalate(at + dt.timedelta(minutes=10)) == [(concern_id, "secondary")]
        assert worker.drain_sms(at + dt.timedelta(minutes=10)) == {"sent": 2}
    finally:
        worker.close()
    texts = notify.wait_for(4)[2:]
    assert sorted(t.json["phone_number"] for t in texts) == ["+447700900123", "+447700900333"]
    for text in texts:
        assert_alert_text(text, concern_id, text.json["phone_number"])
    assert {j.reason for j in sms_jobs(sms_app)} == {"escalation_secondary"}


def test_an_acknowledgement_cancels_texts_not_yet_sent(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    verify_mobile(manager, notify)
    concern_id, at = urgent(sms_app, sms_signed_in)
    assert manager.post(f"/api/concerns/{concern_id}/acknowledge", {}).status_code == 200
    assert [j.status for j in sms_jobs(sms_app)] == ["cancelled"]
    assert sms_once(sms_app, now=at) == {}
    assert len(notify.received) == 1  # the verification code only


def test_notify_failures_are_retried_or_recorded(sms_app, sms_signed_in, notify):
    verify_mobile(sms_signed_in("manager"), notify)
    concern_id, at = urgent(sms_app, sms_signed_in)
    notify.script(500, 201)
    assert sms_once(sms_app, now=at) == {"pending": 1}
    [job] = sms_jobs(sms_app)
    assert (job.last_status_code, job.attempts) == (500, 1) and job.next_attempt_at > at
    assert sms_once(sms_app, now=at) == {}  # not due yet
    assert sms_once(sms_app, now=at + LATER) == {"sent": 1}
    assert [r.status for r in notify.received[1:]] == [500, 201]
    # A refusal (400: a number Notify will not text) is recorded and not tried again.
    concern2, at2 = urgent(sms_app, sms_signed_in)
    notify.script(400)
    assert sms_once(sms_app, now=at2) == {"failed": 1}
    failed = [j for j in sms_jobs(sms_app) if j.concern_id == concern2][0]
    assert failed.last_status_code == 400 and "scripted 400" in failed.last_error
    assert sms_once(sms_app, now=at2 + LATER) == {}


def test_with_notify_unset_no_text_is_queued_and_numbers_cannot_be_set(push_app, signed_in, receiver):
    manager = signed_in("manager")
    assert manager.get("/api/sms/mobile").json["enabled"] is False
    response = manager.post("/api/sms/mobile", {"number": "07700 900123"})
    assert response.status_code == 409 and response.json["error"]["code"] == "sms_not_configured"
    with push_app.app_context():  # even a number verified while SMS was on is not used now
        db.session.add(MobileNumber(user_id=ids(push_app, "manager")[0], number="+447700900123",
                                    verified_at=utcnow()))
        db.session.commit()
    manager.post("/api/push/subscriptions", receiver.subscription("expired"))
    receiver.script("expired", 410)
    urgent(push_app, signed_in)
    assert drain_once(push_app) == {"dead": 1}
    assert sms_jobs(push_app) == [] and sms_once(push_app) == {}


def test_the_number_is_personal_and_can_be_removed(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    verify_mobile(manager, notify)
    assert manager.client.get("/api/sms/mobile").json["error"]["code"] == "device_locked"
    response = manager.client.delete("/api/sms/mobile", headers={
        "X-CSRFToken": manager.csrf, "X-SafeVisit-Device": manager.device_key})
    assert response.status_code == 200
    assert manager.get("/api/sms/mobile").json["number"] is None
    urgent(sms_app, sms_signed_in)
    assert sms_jobs(sms_app) == []
    with sms_app.app_context():
        detail = db.session.scalar(select(AuditEvent.detail).filter_by(action="mobile_verified"))
    assert "900123" not in json.loads(detail)["number"][:-3]
