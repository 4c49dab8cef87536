"""A foster carer's own checklist, at phone size and offline: none of the professionals'
questions, and what a carer must do (tell the social worker or the duty desk now; do not
confront; do not look at, copy or forward images; keep the device), each labelled practice with
where it comes from. The server keeps the same recommendations for the concern."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.concerns.models import Concern
from backend.extensions import db
from tests.waiting import wait_until

from .conftest import screenshot, serious_violations, sign_in

pytestmark = pytest.mark.e2e
PROFESSIONALS = ["Was the child seen alone?", "Was the child seen?", "Who was present?",
                 "Your assessment", "Significant Harm", "Was access removed by the carer as a punishment?",
                 "How is this adult in contact with children?", "What contact does this adult have with children",
                 "Who is this adult to the young person?", "Did the adult believe the young person was under 16?"]


def answer_yes(page, question):
    page.get_by_role("group", name=question).get_by_label("Yes").check()


def test_a_carers_new_checklist_has_none_of_the_professionals_questions_and_shows_the_carers_actions(
        context, page, live_server):
    sign_in(page, "carer")
    context.set_offline(True)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    expect(page.get_by_role("heading", level=1, name="Home-visit checklist")).to_be_visible()
    # Open every section there can be (looked after, an adult of concern), then look.
    page.get_by_label("Case reference").fill("CR-CARER-E2E")
    page.get_by_label("Child's age").fill("13")
    answer_yes(page, "Is the child looked after (in care)?")
    answer_yes(page, "Is there a concern about an adult — in the household, in contact with the young person, or who has contacted them?")
    answer_yes(page, "Is the child's online access restricted or removed?")
    page.get_by_label("Why is access restricted? (required)").fill("Late-night chats")
    text = page.locator("form.checklist").inner_text()
    for label in PROFESSIONALS:
        assert label not in text, f"a carer was asked: {label}"
    expect(page.get_by_label("What did you see or hear, and when?")).to_be_visible()

    page.get_by_label("What did you see or hear, and when?").fill("A man she met in a game asked for photos")
    answer_yes(page, "Is there concern that the child is being groomed online?")
    answer_yes(page, "Has the child been asked to send sexual images of themselves or perform sexual acts on a webcam?")
    page.get_by_role("group", name="Who asked?").get_by_label("An adult").check()

    panel = page.locator("#actions")
    expected = {
        "carer-tell-social-worker": "Tell your supervising social worker, or the duty desk, now",
        "carer-do-not-confront": "Do not confront the adult or question the child",
        "carer-do-not-look-at-images": "Do not look at, copy, forward or delete the images",
        "carer-keep-the-device": "Keep the device safe and out of use",
    }
    for action, title in expected.items():
        item = panel.locator(f"[data-action='{action}']")
        expect(item).to_contain_text(title)
        expect(item).to_have_attribute("data-source", "practice")
        expect(item.locator(".tag-practice").first).to_have_text("Practice")
        expect(item.locator("details.reference")).to_contain_text("Practice: ")
    for action in ("see-the-child-alone", "strategy-meeting-cep", "police-offence-sexual-communication"):
        expect(panel.locator(f"[data-action='{action}']")).to_have_count(0)
    assert "arrange to see the child alone" not in page.locator("main").inner_text().lower()
    # Urgent: the duty desk is one tap away for the carer too.
    expect(page.get_by_role("region", name="Calls and recommendations").locator("a[href^='tel:']")).to_have_count(1)
    assert serious_violations(page) == []
    screenshot(page, "carer-checklist")

    # Back online, submitted: the server worked it out as the carer's phone did.
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Hello"))).to_be_visible()
    context.set_offline(False)

    def stored():
        with live_server.app.app_context():
            concern = db.session.scalar(select(Concern).filter_by(case_reference="CR-CARER-E2E"))
            return concern and concern.status == "submitted" and [a["action"] for a in concern.actions]
    assert wait_until(stored, what="the carer's concern to reach the server") == [
        *expected, "review-online-access-restriction"]
