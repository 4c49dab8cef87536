"""Stored XSS: script in every free-text field, and in a display name, is shown as text on every
screen that shows it — checked in the browser, where it would run."""
import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from backend.accounts.service import create_user
from backend.extensions import db

from .conftest import PASSWORD, sign_in, unlock

pytestmark = pytest.mark.e2e

# Each payload would set window.__xss if it ever became markup or script.
PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=2"></svg>',
    '"><script>window.__xss=3</script>',
    "<iframe srcdoc=\"<script>parent.__xss=4</script>\"></iframe>",
    "javascript:window.__xss=5",
]
TEXT_QUESTIONS = ["dp_devices", "dp_enjoys_online", "dp_child_view", "restriction_reason", "worker_assessment"]


@pytest.fixture(scope="module")
def hostile_author(live_server):
    """A North worker whose display name is itself a payload (names come from admins' input)."""
    username = "hostile" + uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        create_user(username, PASSWORD, "field_worker", "North", '<img src=x onerror="window.__xss=6">')
        db.session.commit()
    return username


def submit_hostile_concern(base_url: str, username: str, reference: str) -> str:
    session = requests.Session()
    token = session.get(base_url + "/api/auth/session").json()["csrf_token"]
    login = session.post(base_url + "/api/auth/login", json={"username": username, "password": PASSWORD},
                         headers={"X-CSRFToken": token})
    assert login.status_code == 200
    answers = {"case_reference": reference, "looked_after": True, "access_restricted": True,
               "concern_specific_child": True}
    answers.update({qid: PAYLOADS[i % len(PAYLOADS)] + f" [{qid}]" for i, qid in enumerate(TEXT_QUESTIONS)})
    concern_id = str(uuid.uuid4())
    response = session.post(base_url + "/api/sync", headers={"X-CSRFToken": login.json()["csrf_token"],
                                                             "X-SafeVisit-Device": login.json()["device_key"]}, json={
        "changes": [{"id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0,
                     "case_reference": reference, "procedure": "child-abuse-and-the-internet",
                     "procedure_version": "10", "answers": answers, "status": "submitted",
                     "notes": PAYLOADS[0] + " " + PAYLOADS[2] + " [notes]"}]})
    assert response.json()["results"][0]["result"] == "applied", response.text
    return concern_id


def assert_inert(page):
    assert page.evaluate("window.__xss") is None
    # No element the payloads would have created exists in the document.
    assert page.locator("img[src='x'], svg[onload], iframe[srcdoc], script:not([src])").count() == 0


def test_script_in_every_free_text_field_is_shown_as_text_to_the_manager(browser, live_server, hostile_author):
    reference = "CR-XSS-" + uuid.uuid4().hex[:4]
    submit_hostile_concern(live_server.url, hostile_author, reference)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, "manager")
        page.get_by_role("link", name="Open the concern queue").click()
        item = page.get_by_role("link", name=re.compile(reference))
        expect(item).to_contain_text('<img src=x onerror="window.__xss=6">')  # the author's name
        assert_inert(page)
        item.click()
        expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
        for qid in TEXT_QUESTIONS:
            expect(page.get_by_text(f"[{qid}]")).to_be_visible()
        expect(page.get_by_text("[notes]")).to_contain_text("<script>window.__xss=3</script>")
        expect(page.get_by_text("[dp_devices]")).to_contain_text('<img src=x onerror="window.__xss=1">')
        assert_inert(page)
    finally:
        context.close()


def test_script_typed_into_the_checklist_stays_text_on_the_workers_phone(page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-XSS-TYPED")
    page.get_by_role("group", name=re.compile("looked after")).get_by_label("Yes").check()
    page.get_by_role("textbox", name="What does the child enjoy online?").fill(PAYLOADS[1])
    page.get_by_role("textbox", name="Your assessment").fill(PAYLOADS[0])
    assert_inert(page)
    page.reload()  # read back from the encrypted store
    unlock(page)
    expect(page.get_by_role("textbox", name="Your assessment")).to_have_value(PAYLOADS[0])
    expect(page.get_by_role("textbox", name="What does the child enjoy online?")).to_have_value(PAYLOADS[1])
    assert_inert(page)
