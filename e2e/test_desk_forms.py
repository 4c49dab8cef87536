"""The duty manager's forms keep what was typed, on a phone: a refused close
keeps the outcome with the reason beside the form; saving an action keeps an unsaved decision
note; a refused action keeps its form open with its fields; every error is shown at once in a
summary at the top of the form, whose links move to the field, and beside each field."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import ApiClient
from tests.push_support import urgent_change

from .conftest import PASSWORD, serious_violations, sign_in, unlock

pytestmark = pytest.mark.e2e


def submitted(live_server, reference, username="worker") -> str:
    api = ApiClient(live_server.app.test_client())
    assert api.login(username, PASSWORD).status_code == 200
    concern_id = str(uuid.uuid4())
    [result] = api.post("/api/sync", {"changes": [urgent_change(concern_id, reference)]}).json["results"]
    assert result["result"] == "applied"
    return concern_id


def open_concern(page, concern_id):
    """A typed address reloads the app, which asks for the passcode first."""
    page.goto(f"/concerns/{concern_id}")
    unlock(page)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_managers_typed_outcome_survives_a_refused_close_with_the_message_beside_the_form(page, live_server):
    reference = f"CR-KEEP-{uuid.uuid4().hex[:4]}"
    concern_id = submitted(live_server, reference)
    sign_in(page, "manager")
    open_concern(page, concern_id)
    expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
    to_do = page.locator("[data-action]").evaluate_all("(items) => items.map((i) => i.dataset.action)")
    assert len(to_do) >= 2

    decision = "Spoke to the police; strategy discussion tomorrow at 10"
    outcome = "Strategy Meeting held; Section 47 enquiry under way"
    page.get_by_label("What you decided, and why").fill(decision)
    page.get_by_role("textbox", name="Outcome", exact=True).fill(outcome)
    page.get_by_role("button", name="Close concern").click()

    close_card = page.get_by_role("region", name="Close")
    summary = close_card.locator("#close-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Mark every recommended action done or not needed")
    assert focused_id(page) == "close-errors"
    # What was typed is all still there: the outcome, and the decision not yet saved.
    expect(page.get_by_role("textbox", name="Outcome", exact=True)).to_have_value(outcome)
    expect(page.get_by_label("What you decided, and why")).to_have_value(decision)
    # Beside the form: the summary sits in the close card, just above the outcome.
    box, field = summary.bounding_box(), page.get_by_role("textbox", name="Outcome", exact=True).bounding_box()
    assert 0 < field["y"] - (box["y"] + box["height"]) < 200
    # One link per action still to do, each to its form.
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(to_do))
    links.first.click()
    first = page.locator(f"[data-action='{to_do[0]}']")
    expect(first.locator("details.action-edit")).to_have_attribute("open", "")
    assert focused_id(page) == f"act-{to_do[0]}-edit"
    assert serious_violations(page) == []

    # Saving an action keeps the decision note and the outcome typed, unsaved, below it.
    first.get_by_role("radio", name="Done").check()
    first.get_by_label(re.compile("Reference")).fill("POLICE-88")
    first.get_by_role("button", name="Save").click()
    expect(first.locator(".action-state")).to_contain_text("reference POLICE-88")
    expect(page.get_by_label("What you decided, and why")).to_have_value(decision)
    expect(page.get_by_role("textbox", name="Outcome", exact=True)).to_have_value(outcome)
    expect(summary).to_be_hidden()  # the close's refusal went with the next step

    # A refused action (not needed, no reason): the form stays open with what was chosen and
    # typed, the message beside the reason field.
    second = page.locator(f"[data-action='{to_do[1]}']")
    second.locator("summary").click()
    second.get_by_role("radio", name="Not needed").check()
    second.get_by_label(re.compile("Reference")).fill("IWF-12")
    second.get_by_role("button", name="Save").click()
    note = second.get_by_label(re.compile("why it is not needed"))
    expect(second.locator(".field-error").filter(has_text="Say why this action is not needed")).to_be_visible()
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(second.get_by_role("radio", name="Not needed")).to_be_checked()
    expect(second.get_by_label(re.compile("Reference"))).to_have_value("IWF-12")
    # The summary's link moves to the field.
    second.locator(".error-summary").get_by_role("link", name="Say why this action is not needed").click()
    assert focused_id(page) == f"act-{to_do[1]}-note"

    # Refused by the server (offline here): the form stays open, nothing typed is lost.
    note.fill("Already done by the police last week")
    page.context.set_offline(True)
    second.get_by_role("button", name="Save").click()
    expect(second.locator(".error-summary")).to_contain_text("You are offline")
    expect(second.locator("details.action-edit")).to_have_attribute("open", "")
    expect(note).to_have_value("Already done by the police last week")
    expect(second.get_by_label(re.compile("Reference"))).to_have_value("IWF-12")
    page.context.set_offline(False)
    second.get_by_role("button", name="Save").click()
    expect(second.locator(".action-state")).to_contain_text("Not needed")

    # Every other action out of the way (through the API, as another manager might).
    api = ApiClient(live_server.app.test_client())
    assert api.login("manager", PASSWORD).status_code == 200
    for action in to_do[2:]:
        assert api.patch(f"/api/concerns/{concern_id}/actions/{action}", {"state": "done"}).status_code == 200

    # An empty outcome gets a message beside the field, not just the focus.
    page.get_by_role("textbox", name="Outcome", exact=True).fill("   ")
    page.get_by_role("button", name="Close concern").click()
    expect(page.locator("#outcome-error")).to_have_text("Write the outcome before closing the concern.")
    expect(page.get_by_role("textbox", name="Outcome", exact=True)).to_have_attribute("aria-invalid", "true")
    assert focused_id(page) == "close-errors"
    close_card.get_by_role("link", name="Write the outcome before closing the concern.").click()
    assert focused_id(page) == "outcome"

    page.get_by_role("textbox", name="Outcome", exact=True).fill(outcome)
    page.get_by_role("button", name="Close concern").click()
    expect(page.locator("#concern-status")).to_contain_text("Closed")
    expect(page.get_by_role("region", name="Outcome")).to_contain_text(outcome)


def test_an_empty_decision_and_a_missing_assignee_say_so_beside_their_fields(page, live_server):
    concern_id = submitted(live_server, f"CR-EMPTY-{uuid.uuid4().hex[:4]}")
    sign_in(page, "manager")
    open_concern(page, concern_id)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decision-error")).to_have_text("Write the decision before saving it.")
    assert focused_id(page) == "decision-errors"
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#assignee-error")).to_have_text("Choose who takes it on.")
    expect(page.locator("#decision-error")).to_have_text("")  # one refusal at a time
    expect(page.get_by_role("alert")).to_have_count(1)


DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB", "timezone_id": "Europe/London"}


def test_on_a_desktop_a_refused_close_keeps_the_outcome_beside_the_form(browser, live_server, page_errors):
    """Managers often work the desk at a desk: the same, at 1280 by 800."""
    reference = f"CR-DESK-{uuid.uuid4().hex[:4]}"
    concern_id = submitted(live_server, reference)
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    try:
        page = page_errors.attach(context.new_page())
        sign_in(page, "manager")
        open_concern(page, concern_id)
        outcome = "Closed after the strategy discussion"
        page.get_by_role("textbox", name="Outcome", exact=True).fill(outcome)
        page.get_by_role("button", name="Close concern").click()
        summary = page.get_by_role("region", name="Close").locator("#close-errors")
        expect(summary).to_contain_text("Mark every recommended action done or not needed")
        expect(summary).to_be_in_viewport()
        expect(page.get_by_role("textbox", name="Outcome", exact=True)).to_have_value(outcome)
        assert focused_id(page) == "close-errors"
        assert serious_violations(page) == []
    finally:
        context.close()
