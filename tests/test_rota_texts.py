"""The escalation chain as the on-call screen shows it: a step says it texts only when this
server sends texts. With SMS off (no GOV.UK Notify key), `+sms` steps still run by push alone,
so the rota answer promises no text."""
from tests.notify_support import notify, sms_app, sms_signed_in  # noqa: F401 (fixtures)
from tests.push_support import push_app, signed_in  # noqa: F401 (fixtures)
from tests.rota_support import team_id


def test_with_sms_off_no_step_promises_a_text(push_app, signed_in):
    body = signed_in("manager").get(f"/api/teams/{team_id(push_app)}/rota").json
    assert body["sms_enabled"] is False
    # The default chain asks for texts at the secondary and team steps; none will be sent.
    assert [(s["step"], s["sms"]) for s in body["escalation"]] == [
        ("secondary", False), ("team", False), ("admins", False)]


def test_with_sms_on_the_steps_that_text_say_so(sms_app, sms_signed_in):
    body = sms_signed_in("manager").get(f"/api/teams/{team_id(sms_app)}/rota").json
    assert body["sms_enabled"] is True
    assert [(s["step"], s["sms"]) for s in body["escalation"]] == [
        ("secondary", True), ("team", True), ("admins", False)]
