"""Journey 7 from an alert: a duty manager who is signed out opens a concern's link (as a
notification click does), signs in, sets the passcode, and lands on that concern."""
import uuid

import pytest
import requests
from playwright.sync_api import expect

from .conftest import PASSCODE, PASSWORD, PHONE

pytestmark = pytest.mark.e2e


def submitted_concern(base_url: str, reference: str) -> str:
    session = requests.Session()
    token = session.get(base_url + "/api/auth/session").json()["csrf_token"]
    login = session.post(base_url + "/api/auth/login", json={"username": "worker", "password": PASSWORD},
                         headers={"X-CSRFToken": token})
    concern_id = str(uuid.uuid4())
    response = session.post(base_url + "/api/sync", headers={"X-CSRFToken": login.json()["csrf_token"],
                                                             "X-SafeVisit-Device": login.json()["device_key"]}, json={
        "changes": [{"id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0,
                     "case_reference": reference, "procedure": "child-abuse-and-the-internet",
                     "procedure_version": "10", "status": "submitted",
                     "answers": {"case_reference": reference, "concern_specific_child": True}}]})
    assert response.json()["results"][0]["result"] == "applied"
    return concern_id


def test_signing_in_goes_on_to_the_concern_that_was_opened(browser, live_server):
    reference = "CR-RET-" + uuid.uuid4().hex[:4]
    concern_id = submitted_concern(live_server.url, reference)
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    try:
        page.goto(f"/concerns/{concern_id}")
        expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
        page.get_by_label("Username").fill("manager")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("New passcode").fill(PASSCODE)
        page.get_by_label("Type it again").fill(PASSCODE)
        page.get_by_role("button", name="Set passcode").click()
        expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
        assert page.url.endswith(f"/concerns/{concern_id}")
    finally:
        context.close()


def test_a_plain_sign_in_still_lands_on_home(page):
    page.goto("/login")
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name="Hello, Wren Worker")).to_be_visible()
