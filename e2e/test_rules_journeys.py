"""The recommendations at phone size: immediate danger first with tap-to-call offline, a decisive gap
shown as a prompt and confirmed at submission, and "How SafeVisit decides" offline."""
import json
import re
import uuid

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from backend.concerns.models import Concern
from backend.extensions import db
from backend.procedures import store

from tests.waiting import wait_until

from .conftest import (PASSWORD, PHONE, PROCEDURE_FILE, LiveServer, screenshot, serious_violations,
                       sign_in, unlock)

pytestmark = pytest.mark.e2e


def answer_yes(page, question):
    page.get_by_role("group", name=question).get_by_label("Yes").check()


def test_immediate_danger_puts_call_999_first_with_working_tel_links_offline(context, page):
    sign_in(page)
    context.set_offline(True)
    page.reload()
    unlock(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    # The checklist opens with the question.
    first = page.locator(".checklist-section").first
    expect(first).to_contain_text("Is the child in immediate danger, or is a meeting with the adult imminent?")
    answer_yes(page, "Is the child in immediate danger, or is a meeting with the adult imminent?")

    actions = page.locator("#actions ol.actions > li")
    expect(actions.first).to_have_attribute("data-action", "call-999")
    expect(actions.first).to_contain_text("Call 999 now")
    expect(actions.first).to_have_attribute("data-source", "practice")
    expect(actions.first.locator(".tag-practice")).to_have_text("Practice")
    call_999 = actions.first.get_by_role("link", name="Call 999: 999")
    expect(call_999).to_have_attribute("href", "tel:999")
    duty = actions.nth(1)
    expect(duty).to_have_attribute("data-action", "call-duty-desk")
    # The team's numbers came with the session and are kept on the phone, offline.
    expect(duty.get_by_role("link", name="Duty desk: 0151 496 0100")).to_have_attribute("href", "tel:01514960100")
    expect(duty.get_by_role("link", name=re.compile("Out of hours"))).to_have_attribute("href", "tel:01514960900")
    # A tel: link hands the number to the phone: the browser asks the OS, it never loads a page.
    with page.expect_request(lambda request: request.url.startswith("tel:")) as dialled:
        page.evaluate("document.querySelector('a[href=\"tel:999\"]').click()")
    assert dialled.value.url == "tel:999"
    expect(page.locator("#actions-summary")).to_contain_text("most urgent: immediate")
    screenshot(page, "immediate-danger-offline")


def test_a_decisive_gap_is_a_prompt_and_submitting_asks_to_confirm(browser, context, page, live_server,
                                                                   page_errors):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-GAP-1")
    answer_yes(page, "Has an adult communicated sexually with the child, or tried to get a sexual message or image from them?")
    needs = page.locator("#needs")
    expect(needs).to_contain_text("Answer “Child's age”")
    expect(needs).to_contain_text("tell the police: possible offence of sexual communication")
    expect(page.locator("#actions-summary")).to_contain_text(re.compile(r"\d+ questions? still decides? a route"))
    # Not knowing the age never removes what every child's age brings: the Protocol meeting
    # is recommended, saying what it rests on.
    assumed = page.locator("#actions [data-action='strategy-meeting-cep']")
    expect(assumed.locator(".condition-note")).to_contain_text("if the young person is under 18 — confirm their age")
    # The prompt is at the top of the panel, before any action.
    assert page.evaluate("""() => Boolean(document.querySelector('#needs').compareDocumentPosition(
        document.querySelector('#actions ol.actions')) & Node.DOCUMENT_POSITION_FOLLOWING)""")
    assert serious_violations(page) == []
    screenshot(page, "decisive-gap")

    page.get_by_role("button", name="Submit concern").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(re.compile(r"Submit without (this answer|these answers)\?"))
    expect(dialog).to_contain_text("“Child's age”")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Hello"))).to_be_visible()

    def stored():
        with live_server.app.app_context():
            concern = db.session.scalar(select(Concern).filter_by(case_reference="CR-GAP-1"))
            return concern and (concern.status, concern.procedure_version, concern.submitted_without)
    status, version, without = wait_until(lambda: (result := stored()) and result[0] == "submitted" and result,
                                          what="the concern to reach the server")
    assert version == "10-r3"
    assert (without[0]["question"], without[0]["confirmed"]) == ("child_age", True)

    # The duty manager sees the gap, and the rules the concern was made under, on its page.
    with live_server.app.app_context():
        concern_id = db.session.scalar(select(Concern.id).filter_by(case_reference="CR-GAP-1"))
    desk = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        manager = page_errors.attach(desk.new_page())
        sign_in(manager, "manager")
        manager.goto(f"/concerns/{concern_id}")
        unlock(manager)  # a typed address loads the app afresh: locked until the passcode
        gaps = manager.locator("#submitted-without")
        expect(gaps).to_contain_text("Child's age")
        expect(gaps).to_contain_text("the author chose to submit without it")
        expect(manager.locator("#concern-status")).to_contain_text("chapter v10, SafeVisit revision 3")
        expect(manager.locator("[data-action='strategy-meeting-cep'] .condition-note")).to_contain_text("under 18")
        assert serious_violations(manager) == []
    finally:
        desk.close()


def test_how_safevisit_decides_opens_offline_from_the_reader(context, page):
    sign_in(page)
    context.set_offline(True)
    page.reload()
    unlock(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedure").click()
    expect(page.locator("#review")).to_contain_text("Not yet reviewed")
    expect(page.get_by_text("chapter v10, SafeVisit revision 3", exact=False).first).to_be_visible()
    page.get_by_role("link", name="How SafeVisit decides").click()
    expect(page.get_by_role("heading", level=1, name="How SafeVisit decides")).to_be_visible()
    expect(page.locator("#review")).to_contain_text("Not yet reviewed by a safeguarding lead.")
    rules = page.locator("article.rule-explained")
    expect(rules).to_have_count(33)  # 30 for everyone or professionals, 3 for foster carers
    expect(page.locator("#unknowns")).to_contain_text("treated as a child")
    youth_leader = page.locator("[data-rule='indecent-images-substantial-contact']")
    expect(youth_leader.locator(".rule-about")).to_contain_text("the adult of concern, and the children that adult can reach")
    expect(youth_leader.locator(".rule-images")).to_contain_text("held by the adult of concern")
    offence = page.locator("[data-rule='sexual-communication-under-16']")
    expect(offence).to_contain_text("“Child's age” is under 16")
    expect(offence).to_contain_text("Urgent: Tell the police: possible offence of sexual communication")
    expect(offence.get_by_role("link", name="¶10")).to_be_visible()
    expect(page.locator("[data-rule='immediate-danger'] .tag-practice").first).to_have_text("Practice")
    assert serious_violations(page) == []
    screenshot(page, "how-safevisit-decides", full_page=False)


def test_images_bring_their_handling_guidance_and_nothing_can_capture_a_photo(context, page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Child's age").fill("15")
    answer_yes(page, "Is there a concern about an adult — in the household, in contact with the young person, or who has contacted them?")
    answer_yes(page, "Has the young person sent nude or semi-nude images or videos of themselves, or sexually explicit messages, to anyone?")
    for section in ("online_contact", "images", "adults_in_contact"):
        guidance = page.locator(f"[data-section='{section}'] [data-guidance='handling-images']")
        expect(guidance).to_contain_text("Never view, copy, forward, screenshot, print or save")
        expect(guidance.locator(".tag-practice")).to_have_text("Practice")
    expect(page.locator("#actions [data-guidance='handling-images']")).to_be_visible()
    # No camera, file or attachment input anywhere in the checklist.
    assert page.locator("input[type=file], [capture], input[accept]").count() == 0
    # "None of these" stands alone.
    factors = page.get_by_role("group", name="Is there any sign of the following?")
    factors.get_by_label("Coercion or pressure").check()
    factors.get_by_label("None of these").check()
    expect(factors.get_by_label("Coercion or pressure")).not_to_be_checked()


def submit_over_http(base_url: str, reference: str, answers: dict, version: str) -> str:
    session = requests.Session()
    token = session.get(base_url + "/api/auth/session").json()["csrf_token"]
    login = session.post(base_url + "/api/auth/login", json={"username": "worker", "password": PASSWORD},
                         headers={"X-CSRFToken": token})
    assert login.status_code == 200
    concern_id = str(uuid.uuid4())
    session.headers["X-SafeVisit-Device"] = login.json()["device_key"]  # as an unlocked phone sends it
    response = session.post(base_url + "/api/sync", headers={"X-CSRFToken": login.json()["csrf_token"]}, json={
        "changes": [{"id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0,
                     "case_reference": reference, "procedure": "child-abuse-and-the-internet",
                     "procedure_version": version, "answers": {"case_reference": reference, **answers},
                     "status": "submitted", "notes": ""}]})
    assert response.json()["results"][0]["result"] == "applied", response.text
    return concern_id


def test_a_duty_manager_sees_the_open_concerns_a_new_revision_would_change(browser, tmp_path, page_errors):
    server = LiveServer(tmp_path / "rechecks.sqlite3")
    context = browser.new_context(base_url=server.url, **PHONE)
    try:
        changed = submit_over_http(server.url, "CR-RECHECK", {"child_age": 13, "contact_moved_to_phone": True}, "10")
        submit_over_http(server.url, "CR-SAME", {"child_age": 13, "meeting_people_online": True}, "10")
        revision_4 = json.loads(PROCEDURE_FILE.read_text(encoding="utf-8"))
        revision_4.update(version="10-r4", revision=4)
        with server.app.app_context():
            store.load(revision_4)

        page = page_errors.attach(context.new_page())
        sign_in(page, "manager")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedure").click()
        page.get_by_role("link", name="Concerns to look at again under a newer revision").click()
        expect(page.get_by_role("heading", level=1, name="Concerns to look at again")).to_be_visible()
        items = page.locator("ul.rechecks > li")
        expect(items).to_have_count(1)
        item = items.first
        expect(item).to_have_attribute("data-concern", changed)
        expect(item.get_by_role("link", name="CR-RECHECK")).to_be_visible()
        expect(item).to_contain_text("Made under 10; now 10-r4.")
        expect(item.locator("[data-action='ask-about-grooming']")).to_contain_text("Soon: Ask about grooming")
        expect(item.locator("[data-action='strategy-meeting-cep']")).to_contain_text("Urgent: Convene a Strategy Meeting")
        assert serious_violations(page) == []
        screenshot(page, "rechecks")
    finally:
        context.close()
        server.stop()


def test_the_page_and_the_cli_say_every_condition_in_the_same_words(page, live_server):
    from backend.procedures.explain import _questions, leaf_words

    document = json.loads(PROCEDURE_FILE.read_text(encoding="utf-8"))
    leaves = []

    def walk(cond, negated=False):
        for key in ("all", "any"):
            for sub in cond.get(key, []):
                walk(sub, negated)
        if "not" in cond:
            walk(cond["not"], not negated)
        if "q" in cond:
            leaves.append([cond, negated])
    for item in document["rules"] + document["guidance"] + document["scope"]:
        walk(item["when"])
    page.goto("/procedure")
    in_browser = page.evaluate("""async ([doc, leaves]) => {
        const { leafWords } = await import('/js/views/decides.js');
        const questions = new Map(doc.checklist.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
        return leaves.map(([cond, negated]) => leafWords(cond, questions, negated));
    }""", [document, leaves])
    questions = _questions(document)
    assert len(leaves) > 60
    assert in_browser == [leaf_words(cond, questions, negated) for cond, negated in leaves]
