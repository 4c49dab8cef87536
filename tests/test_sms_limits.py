"""SMS verification is capped per account and per number per day: codes texted (5) and codes
tried (10), each counted before the text is sent or the code compared (accounts/attempts.py),
given back when nothing was sent or compared. Refusals are 429 with Retry-After and say which
cap and when to try again. Notify is the local stand-in of tests/notify_support.py."""
import datetime as dt
import threading

from sqlalchemy import func, select

from backend.accounts.service import create_user
from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.sms.models import MobileNumber
from tests.conftest import DEMO_PASSWORD
from tests.notify_support import notify, sms_app, sms_signed_in  # noqa: F401

NUMBER = "07700 900321"
DAY = 24 * 3600


def managers(app, count, prefix="mgr"):
    with app.app_context():
        for i in range(count):
            create_user(f"{prefix}{i}", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    return [f"{prefix}{i}" for i in range(count)]


def age_codes(app):
    """Move every code's sending time back past the minute a new one must wait."""
    with app.app_context():
        for row in db.session.scalars(select(MobileNumber).where(MobileNumber.code_sent_at.is_not(None))):
            row.code_sent_at -= dt.timedelta(minutes=2)
        db.session.commit()


def refused(response, code, whose):
    assert response.status_code == 429, response.json
    error = response.json["error"]
    assert error["code"] == code and whose in error["message"] and "today" in error["message"]
    assert "Try again in about 24 hours." in error["message"]
    assert DAY - 60 <= int(response.headers["Retry-After"]) <= DAY + 1


def wrong_codes(notify_codes):
    right = notify_codes[-1]
    return [c for c in ("000000", "111111", "222222", "333333", "444444", "555555", "666666") if c != right]


def test_five_codes_a_day_per_account(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    for i in range(5):
        assert manager.post("/api/sms/mobile", {"number": f"07700 90010{i}"}).status_code == 200
        age_codes(sms_app)
    refused(manager.post("/api/sms/mobile", {"number": "07700 900109"}), "sms_code_limit", "for this account")
    assert len(notify.wait_for(5)) == 5
    # Another account is not held back by it.
    assert sms_signed_in("manager2").post("/api/sms/mobile", {"number": "07700 900109"}).status_code == 200


def test_five_codes_a_day_per_number_whoever_asks(sms_app, sms_signed_in, notify):
    names = managers(sms_app, 6)
    for name in names[:5]:
        assert sms_signed_in(name).post("/api/sms/mobile", {"number": NUMBER}).status_code == 200
    # Typed another way, the same number.
    last = sms_signed_in(names[5])
    refused(last.post("/api/sms/mobile", {"number": "+44 7700 900321"}), "sms_code_limit", "to this number")
    assert last.post("/api/sms/mobile", {"number": "07700 900322"}).status_code == 200
    assert len(notify.wait_for(6)) == 6


def test_nothing_sent_is_not_counted(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    for _ in range(6):  # not a UK mobile: nothing sent
        assert manager.post("/api/sms/mobile", {"number": "01514960100"}).status_code == 422
    notify.script(400, 400, 400, 400, 400, 400)  # Notify refuses the number: nothing sent
    for _ in range(6):
        assert manager.post("/api/sms/mobile", {"number": NUMBER}).status_code == 422
    notify.wait_for(6)
    assert manager.post("/api/sms/mobile", {"number": NUMBER}).status_code == 200
    for _ in range(6):  # within the minute: nothing sent
        response = manager.post("/api/sms/mobile", {"number": NUMBER})
        assert response.status_code == 429 and response.json["error"]["code"] == "too_many_requests"
    for _ in range(4):
        age_codes(sms_app)
        assert manager.post("/api/sms/mobile", {"number": NUMBER}).status_code == 200
    age_codes(sms_app)
    refused(manager.post("/api/sms/mobile", {"number": NUMBER}), "sms_code_limit", "for this account")


def test_ten_wrong_codes_a_day_per_account_then_even_the_right_one_waits(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    tried = 0
    for _ in range(2):
        age_codes(sms_app)
        assert manager.post("/api/sms/mobile", {"number": NUMBER}).status_code == 200
        for guess in wrong_codes(notify.codes())[:5]:
            assert manager.post("/api/sms/mobile/verify", {"code": guess}).status_code == 422
            tried += 1
    assert tried == 10
    age_codes(sms_app)
    manager.post("/api/sms/mobile", {"number": NUMBER})
    notify.wait_for(3)
    refused(manager.post("/api/sms/mobile/verify", {"code": notify.codes()[-1]}), "sms_guess_limit",
            "for this account")
    with sms_app.app_context():
        wrong = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "mobile_code_wrong"))
        row = db.session.scalar(select(MobileNumber))
    assert wrong == 10 and row.verified_at is None and row.code_attempts == 0


def test_right_codes_malformed_codes_and_no_code_are_not_guesses(sms_app, sms_signed_in, notify):
    manager = sms_signed_in("manager")
    for _ in range(12):
        assert manager.post("/api/sms/mobile/verify", {"code": "12345"}).status_code == 422  # not six digits
        assert manager.post("/api/sms/mobile/verify", {"code": "123456"}).status_code == 409  # none waiting
    for _ in range(3):
        age_codes(sms_app)
        assert manager.post("/api/sms/mobile", {"number": NUMBER}).status_code == 200
        assert manager.post("/api/sms/mobile/verify", {"code": notify.codes()[-1]}).status_code == 200
    age_codes(sms_app)
    manager.post("/api/sms/mobile", {"number": NUMBER})
    notify.wait_for(4)
    for guess in wrong_codes(notify.codes())[:4]:
        assert manager.post("/api/sms/mobile/verify", {"code": guess}).status_code == 422
    assert manager.post("/api/sms/mobile/verify", {"code": notify.codes()[-1]}).status_code == 200


def test_ten_wrong_codes_a_day_per_number_across_accounts(sms_app, sms_signed_in, notify):
    names = managers(sms_app, 3)
    for name in names[:2]:
        api = sms_signed_in(name)
        assert api.post("/api/sms/mobile", {"number": NUMBER}).status_code == 200
        for guess in wrong_codes(notify.codes())[:5]:
            assert api.post("/api/sms/mobile/verify", {"code": guess}).status_code == 422
    third = sms_signed_in(names[2])
    third.post("/api/sms/mobile", {"number": NUMBER})
    notify.wait_for(3)
    refused(third.post("/api/sms/mobile/verify", {"code": "000000"}), "sms_guess_limit", "for this number")


def test_a_parallel_burst_of_requests_for_codes_sends_at_most_five(sms_app, sms_signed_in, notify):
    names = managers(sms_app, 12)
    clients = [sms_signed_in(name) for name in names]
    start = threading.Barrier(len(clients))
    statuses = []

    def ask(api):
        start.wait()
        statuses.append(api.post("/api/sms/mobile", {"number": NUMBER}).status_code)

    threads = [threading.Thread(target=ask, args=(api,)) for api in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses.count(200) <= 5 and statuses.count(200) + statuses.count(429) == 12, statuses
    assert len(notify.received) == statuses.count(200)


def test_the_limiter_store_never_holds_a_phone_number(sms_app, sms_signed_in, notify):
    from backend.extensions import limiter
    manager = sms_signed_in("manager")
    manager.post("/api/sms/mobile", {"number": NUMBER})
    manager.post("/api/sms/mobile/verify", {"code": "000000"})
    keys = " ".join(str(k) for k in limiter.storage.storage)
    assert "sms-sent:number:" in keys and "sms-guess:number:" in keys
    assert "7700900321" not in keys and "900321" not in keys
