"""A duty manager meets a restricted concern on a phone: the queue shows "Restricted concern"
with urgency and times only; opening it asks why, and the reason opens it; the manager can lift
a restriction and mark one, each with a reason. axe finds nothing serious on these screens."""
import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import ApiClient

from .conftest import PASSWORD, serious_violations, sign_in, unlock

pytestmark = pytest.mark.e2e


def submitted_allegation(live_server, reference) -> str:
    api = ApiClient(live_server.app.test_client())
    assert api.login("worker", PASSWORD).status_code == 200
    concern_id = str(uuid.uuid4())
    answers = {"case_reference": reference, "concern_specific_child": True, "adult_concern": True,
               "adult_relationship": ["position_of_trust"]}
    change = {"id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0,
              "case_reference": reference, "procedure": "child-abuse-and-the-internet",
              "procedure_version": "10-r2", "notes": "Seen at home visit", "answers": answers,
              "status": "submitted"}
    [result] = api.post("/api/sync", {"changes": [change]}).json["results"]
    assert result["result"] == "applied", result
    return concern_id


def audit_reasons(live_server, concern_id, action):
    from sqlalchemy import select

    from backend.audit.models import AuditEvent
    from backend.extensions import db
    with live_server.app.app_context():
        return [json.loads(e.detail)["reason"] if isinstance(e.detail, str) else e.detail["reason"]
                for e in db.session.scalars(select(AuditEvent).filter_by(action=action, object_id=concern_id))]


def test_a_manager_opens_a_restricted_concern_with_a_reason_and_lifts_and_marks_it(page, live_server):
    reference = f"CR-RST-{uuid.uuid4().hex[:4]}"
    concern_id = submitted_allegation(live_server, reference)
    sign_in(page, "manager")
    page.goto("/queue")
    unlock(page)
    row = page.locator(f'[data-concern="{concern_id}"]')
    expect(row).to_contain_text("Restricted concern")
    expect(row).not_to_contain_text(reference)
    expect(page.locator("body")).not_to_contain_text(reference)
    assert serious_violations(page) == []

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Restricted concern")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(reference)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Open the concern").click()
    expect(page.locator("#open-errors")).to_contain_text("Write why you need this")
    reason = "Duty manager today: LADO referral to make"
    page.get_by_label("Why do you need to open this concern?").fill(reason)
    page.get_by_role("button", name="Open the concern").click()
    expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
    assert audit_reasons(live_server, concern_id, "open_restricted") == [reason]

    card = page.get_by_role("region", name="Restricted concern")
    expect(card).to_contain_text("an allegation")
    assert serious_violations(page) == []
    card.get_by_label("Why lift the restriction?").fill("Not an allegation: the adult is a relative")
    card.get_by_role("button", name="Lift restriction").click()
    card = page.get_by_role("region", name="Restriction")
    expect(card.get_by_role("button", name="Restrict concern")).to_be_visible()
    card.get_by_label("Why restrict this concern?").fill("The carer's partner is named")
    card.get_by_role("button", name="Restrict concern").click()
    expect(page.locator("#restriction-line")).to_contain_text("The carer's partner is named")
    assert audit_reasons(live_server, concern_id, "lift_restriction") == ["Not an allegation: the adult is a relative"]
    assert audit_reasons(live_server, concern_id, "restrict") == ["The carer's partner is named"]
    assert serious_violations(page) == []
